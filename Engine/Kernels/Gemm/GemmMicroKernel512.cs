using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Kernels;

/// <summary>
/// The AVX-512 micro-kernel: an 8 × 32 tile held in 16 zmm accumulators. Per k step it loads two vectors of b,
/// broadcasts 8 values of a and issues 16 FMAs (the broadcasts fold into the FMAs as memory operands).
/// </summary>
/// <remarks>
/// 8 × 32 was the fastest tile measured on Zen 4 when this kernel was written; larger tiles lost even without
/// spills. Those measurements are not in the repository: docs/performance.md ("What makes the kernels fast" and the blocks
/// under "Results") has the current numbers for each path's tile.
/// The accumulators are separate locals, not an array, so the JIT keeps all 16 in registers.
/// </remarks>
internal readonly unsafe struct GemmMicroKernel512 : IGemmMicroKernel
{
    public static int MR => 8;

    public static int NR => 32;

    // KC 256 and 512 were measured against 384 in three sessions without a clear winner (docs/performance.md).
    public static int KC => 384;

    public static int MC => 192;

    public static bool IsSupported => Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint kc, float* a, float* b, float* c, nint ldc, bool add)
    {
        // Start fetching the C tile now, so its 8 rows (which alias in L1 when ldc is a multiple of 1024 floats)
        // arrive while the k loop runs instead of stalling the stores at the end: +8-15% measured at n = 1024 and
        // in the autoencoder step (docs/performance.md). A row of 32 floats spans at most three cache lines.
        for (nint r = 0; r < 8; r++)
        {
            float* row = c + r * ldc;
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + 16);
            Sse.Prefetch0(row + 31);
        }
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (nint p = 0; p < kc; p++)
        {
            var b0 = Vector512.LoadAligned(b);
            var b1 = Vector512.LoadAligned(b + 16);
            var ai = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(ai, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(ai, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
            a += 8;
            b += 32;
        }
        Store(c, add, c00, c01);
        Store(c + ldc, add, c10, c11);
        Store(c + 2 * ldc, add, c20, c21);
        Store(c + 3 * ldc, add, c30, c31);
        Store(c + 4 * ldc, add, c40, c41);
        Store(c + 5 * ldc, add, c50, c51);
        Store(c + 6 * ldc, add, c60, c61);
        Store(c + 7 * ldc, add, c70, c71);
    }

    /// <summary>Stores (or adds) one 32-float tile row held in two registers; shared with ImplicitGemmKernel512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store(float* row, bool add, Vector512<float> v0, Vector512<float> v1)
    {
        if (add)
        {
            v0 += Vector512.Load(row);
            v1 += Vector512.Load(row + 16);
        }
        v0.Store(row);
        v1.Store(row + 16);
    }
}
