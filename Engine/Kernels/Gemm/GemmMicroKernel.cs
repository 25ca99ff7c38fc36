using System.Runtime.CompilerServices;

namespace Engine.Kernels;

// Legend: MR × NR = the register tile, kc = length of the k block, a = packed panel of op(a) (kc × MR, p-major),
// b = packed panel of op(b) (kc × NR, p-major), c = the output tile with row stride ldc. KC and MC are the cache
// blocks of k and m the driver uses with this kernel (GemmDriver): a constant of the kernel, never of the machine,
// because the k blocks fix the summation order.

/// <summary>
/// A register-tiled micro-kernel: <c>c (MR, NR) = Σ_p a[p] ⊗ b[p]</c> (or <c>+=</c> when <c>add</c>), summing
/// p = 0..kc-1 in increasing order with one multiply-add per term, so an element's value never depends on
/// where its tile sits. Kernels are structs with static members so the driver is specialised per kernel
/// (no virtual calls in the hot loop).
/// </summary>
internal unsafe interface IGemmMicroKernel
{
    /// <summary>Rows of the register tile.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the register tile.</summary>
    static abstract int NR { get; }

    /// <summary>Length of the driver's k blocks (at most; k is split into equal blocks).</summary>
    static abstract int KC { get; }

    /// <summary>Rows of op(a) packed per block (a multiple of MR).</summary>
    static abstract int MC { get; }

    /// <summary>Whether the hardware runs this kernel natively.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>Computes one tile; <paramref name="a"/> and <paramref name="b"/> are 64-byte aligned.</summary>
    static abstract void Run(nint kc, float* a, float* b, float* c, nint ldc, bool add);
}

/// <summary>
/// The plain fallback for machines without SIMD: a 4 × 4 tile of scalar accumulators. It multiplies and adds
/// separately, since a software-emulated fused multiply-add would be far slower than the rounding it saves.
/// </summary>
internal readonly unsafe struct GemmMicroKernelScalar : IGemmMicroKernel
{
    public static int MR => 4;

    public static int NR => 4;

    // The blocking the kernels shared before each got its own (the scalar path is not tuned).
    public static int KC => 384;

    public static int MC => 192;

    public static bool IsSupported => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint kc, float* a, float* b, float* c, nint ldc, bool add)
    {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (nint p = 0; p < kc; p++)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            float a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
            c00 += a0 * b0; c01 += a0 * b1;
            c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1;
            c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1;
            c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1;
            c32 += a3 * b2; c33 += a3 * b3;
            a += 4;
            b += 4;
        }
        Store(c, add, c00, c01, c02, c03);
        Store(c + ldc, add, c10, c11, c12, c13);
        Store(c + 2 * ldc, add, c20, c21, c22, c23);
        Store(c + 3 * ldc, add, c30, c31, c32, c33);
    }

    private static void Store(float* row, bool add, float v0, float v1, float v2, float v3)
    {
        if (add)
        {
            row[0] += v0; row[1] += v1; row[2] += v2; row[3] += v3;
        }
        else
        {
            row[0] = v0; row[1] = v1; row[2] = v2; row[3] = v3;
        }
    }
}
