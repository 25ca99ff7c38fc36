using System.Runtime.CompilerServices;

namespace Engine.Kernels;

// Legend: the tile is MR rows × NR columns; t runs over the reduction (count terms).
// c[r, 0..NR) [+]= Σ_t a(r, t) · b[t, 0..NR), where a(r, t) = rows[r][offsets[t]].
//
// This is a GEMM micro-kernel (GemmMicroKernel*) with one change: the broadcast operand a is not read from a packed
// panel but straight from the source tensor, at the address "row base + column offset". A convolution's im2col
// matrix has exactly that form (pixel base + tap offset, over a zero-padded image), so a convolution can run as a
// GEMM without ever writing the im2col matrix ("implicit GEMM", ConvImplicit). Broadcasts do not need contiguous
// data, so reading a from anywhere costs the same as reading it from a packed panel; only b (the weights or the
// gradient) is packed, NR floats per step, 64-byte aligned. One kernel per SIMD path:
//   ImplicitGemmKernel512  8 × 32 (AVX-512, 16 of 32 zmm registers)
//   ImplicitGemmKernel256  6 × 16 (AVX2, 12 of 16 ymm registers, as the GEMM's)
//   ImplicitGemmKernel128  6 × 8 (Vector128: x86 without AVX2 and ARM64; 8-wide panels fit the power-of-two channel
//                          counts of conv layers, which the GEMM's 12-wide ARM64 tile would not)

/// <summary>An implicit-GEMM micro-kernel (see the file comment); a struct with static members, like the GEMM's.</summary>
internal unsafe interface IImplicitGemmKernel
{
    /// <summary>Rows of the tile.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the tile (the width of a packed panel).</summary>
    static abstract int NR { get; }

    /// <summary>The path the kernel needs.</summary>
    static abstract SimdPath Path { get; }

    /// <summary>
    /// <c>c (MR × NR, row stride ldc) [+]= Σ_{t &lt; count} rows[r][offsets[t]] · b[NR·t .. NR·t + NR)</c>, summing t in
    /// increasing order with one multiply-add per term.
    /// </summary>
    static abstract void Run(nint count, float** rows, int* offsets, float* b, float* c, nint ldc, bool add);
}
