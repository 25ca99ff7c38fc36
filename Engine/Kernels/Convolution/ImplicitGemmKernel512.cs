using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Kernels;

/// <summary>
/// The AVX-512 8 × 32 implicit-GEMM micro-kernel behind <see cref="ConvImplicit"/>: <see cref="GemmMicroKernel512"/>
/// reading its broadcast operand at <c>rows[r][offsets[t]]</c> (see <see cref="IImplicitGemmKernel"/>).
/// </summary>
internal readonly unsafe struct ImplicitGemmKernel512 : IImplicitGemmKernel
{
    public static int MR => 8;

    public static int NR => 32;

    public static SimdPath Path => SimdPath.Avx512;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint count, float** rows, int* offsets, float* b, float* c, nint ldc, bool add)
    {
        float* r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3];
        float* r4 = rows[4], r5 = rows[5], r6 = rows[6], r7 = rows[7];
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (nint t = 0; t < count; t++)
        {
            nint o = offsets[t];
            var b0 = Vector512.LoadAligned(b);
            var b1 = Vector512.LoadAligned(b + 16);
            var ai = Vector512.Create(r0[o]);
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(r1[o]);
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(r2[o]);
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(r3[o]);
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(r4[o]);
            c40 = Vector512.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(r5[o]);
            c50 = Vector512.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(r6[o]);
            c60 = Vector512.FusedMultiplyAdd(ai, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(r7[o]);
            c70 = Vector512.FusedMultiplyAdd(ai, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
            b += 32;
        }
        GemmMicroKernel512.Store(c, add, c00, c01);
        GemmMicroKernel512.Store(c + ldc, add, c10, c11);
        GemmMicroKernel512.Store(c + 2 * ldc, add, c20, c21);
        GemmMicroKernel512.Store(c + 3 * ldc, add, c30, c31);
        GemmMicroKernel512.Store(c + 4 * ldc, add, c40, c41);
        GemmMicroKernel512.Store(c + 5 * ldc, add, c50, c51);
        GemmMicroKernel512.Store(c + 6 * ldc, add, c60, c61);
        GemmMicroKernel512.Store(c + 7 * ldc, add, c70, c71);
    }
}
