using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Kernels;

/// <summary>
/// The AVX2 6 × 16 implicit-GEMM micro-kernel behind <see cref="ConvImplicit"/>: <see cref="GemmMicroKernel256"/>
/// reading its broadcast operand at <c>rows[r][offsets[t]]</c> (see <see cref="IImplicitGemmKernel"/>).
/// </summary>
internal readonly unsafe struct ImplicitGemmKernel256 : IImplicitGemmKernel
{
    public static int MR => 6;

    public static int NR => 16;

    public static SimdPath Path => SimdPath.Avx2;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint count, float** rows, int* offsets, float* b, float* c, nint ldc, bool add)
    {
        float* r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3], r4 = rows[4], r5 = rows[5];
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;
        for (nint t = 0; t < count; t++)
        {
            nint o = offsets[t];
            var b0 = Vector256.LoadAligned(b);
            var b1 = Vector256.LoadAligned(b + 8);
            var ai = Vector256.Create(r0[o]);
            c00 = Vector256.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(r1[o]);
            c10 = Vector256.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(r2[o]);
            c20 = Vector256.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(r3[o]);
            c30 = Vector256.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector256.Create(r4[o]);
            c40 = Vector256.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector256.Create(r5[o]);
            c50 = Vector256.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(ai, b1, c51);
            b += 16;
        }
        Store(c, add, c00, c01);
        Store(c + ldc, add, c10, c11);
        Store(c + 2 * ldc, add, c20, c21);
        Store(c + 3 * ldc, add, c30, c31);
        Store(c + 4 * ldc, add, c40, c41);
        Store(c + 5 * ldc, add, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* row, bool add, Vector256<float> v0, Vector256<float> v1)
    {
        if (add)
        {
            v0 += Vector256.Load(row);
            v1 += Vector256.Load(row + 8);
        }
        v0.Store(row);
        v1.Store(row + 8);
    }
}
