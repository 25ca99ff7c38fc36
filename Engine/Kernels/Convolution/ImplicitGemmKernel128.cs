using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Kernels;

/// <summary>
/// The 128-bit 6 × 8 implicit-GEMM micro-kernel behind <see cref="ConvImplicit"/> (x86 without AVX2, ARM64):
/// <see cref="GemmMicroKernel128"/> reading its broadcast operand at <c>rows[r][offsets[t]]</c> (see
/// <see cref="IImplicitGemmKernel"/>); like it, a fused multiply-add only where the hardware has one.
/// </summary>
internal readonly unsafe struct ImplicitGemmKernel128 : IImplicitGemmKernel
{
    public static int MR => 6;

    public static int NR => 8;

    public static SimdPath Path => SimdPath.Vector128;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint count, float** rows, int* offsets, float* b, float* c, nint ldc, bool add)
    {
        float* r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3], r4 = rows[4], r5 = rows[5];
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector128<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector128<float> c40 = default, c41 = default, c50 = default, c51 = default;
        for (nint t = 0; t < count; t++)
        {
            nint o = offsets[t];
            var b0 = Vector128.LoadAligned(b);
            var b1 = Vector128.LoadAligned(b + 4);
            var ai = Broadcast(r0 + o);
            c00 = Vector128.MultiplyAddEstimate(ai, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(ai, b1, c01);
            ai = Broadcast(r1 + o);
            c10 = Vector128.MultiplyAddEstimate(ai, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(ai, b1, c11);
            ai = Broadcast(r2 + o);
            c20 = Vector128.MultiplyAddEstimate(ai, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(ai, b1, c21);
            ai = Broadcast(r3 + o);
            c30 = Vector128.MultiplyAddEstimate(ai, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(ai, b1, c31);
            ai = Broadcast(r4 + o);
            c40 = Vector128.MultiplyAddEstimate(ai, b0, c40);
            c41 = Vector128.MultiplyAddEstimate(ai, b1, c41);
            ai = Broadcast(r5 + o);
            c50 = Vector128.MultiplyAddEstimate(ai, b0, c50);
            c51 = Vector128.MultiplyAddEstimate(ai, b1, c51);
            b += 8;
        }
        Store(c, add, c00, c01);
        Store(c + ldc, add, c10, c11);
        Store(c + 2 * ldc, add, c20, c21);
        Store(c + 3 * ldc, add, c30, c31);
        Store(c + 4 * ldc, add, c40, c41);
        Store(c + 5 * ldc, add, c50, c51);
    }

    // See GemmMicroKernel128.Broadcast: a broadcast load where AVX has one.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Broadcast(float* p) =>
        Avx.IsSupported ? Avx.BroadcastScalarToVector128(p) : Vector128.Create(*p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* row, bool add, Vector128<float> v0, Vector128<float> v1)
    {
        if (add)
        {
            v0 += Vector128.Load(row);
            v1 += Vector128.Load(row + 4);
        }
        v0.Store(row);
        v1.Store(row + 4);
    }
}
