using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Kernels;

/// <summary>
/// The AVX2 micro-kernel: a 6 × 16 tile in 12 ymm accumulators (the classic Haswell shape). Machines without
/// AVX-512 have only 16 vector registers, so the 8 × 24 tile that wins when 32 are available would spill here:
/// 12 accumulators + 2 b vectors + 1 broadcast = 15. Alone on L1-resident panels it runs at ~99 % of the AVX2 peak
/// (`Engine.Bench peak`).
/// </summary>
internal readonly unsafe struct GemmMicroKernel256 : IGemmMicroKernel
{
    public static int MR => 6;

    public static int NR => 16;

    // BLIS's Haswell/Zen blocking: a 256-deep b panel (16 KiB) stays in L1 beside the streamed a panel, and
    // the 144 × 256 block of a (144 KiB) in L2. KC 384 / MC 192 (the AVX-512 values), KC 256 / MC 72 and a loop
    // unrolled twice over k measured the same within this machine's noise (docs/performance.md).
    // Where the 1-thread gap to the peak goes (Zen 5 with AVX-512 off, CPU-time medians, no PMU counters in the VM):
    // packing is 4 % of the GEMM samples at n = 1024 (OpenBLAS's Haswell copies: 4.3 %); the k loop takes 98 % of
    // the kernel's samples and has the shape of OpenBLAS's Haswell loop (2 loads, 6 broadcasts, 12 FMAs per k). In
    // situ the kernel runs at ~92 % of the peak instead of ~99 % on L1-hot panels: a driver hacked to reuse one
    // L1-resident a panel gained 2-5 %, one writing every tile to an L1 scratch tile instead of c gained 2-6 %.
    // Tried without a win beyond the ±4 % noise: prefetching a 768 B and b 512 B ahead in the k loop (OpenBLAS's
    // prefetcht0 0x200), a alone 384 B ahead, KC 384 / MC 96 (-7 % at 128x784x512), KC 264 (784 in 3 blocks).
    public static int KC => 256;

    public static int MC => 144;

    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint kc, float* a, float* b, float* c, nint ldc, bool add)
    {
        // Fetch the C tile while the k loop runs (as GemmMicroKernel512 does): a row of 16 floats spans at most two
        // cache lines. Written out, not as a loop: a loop's overhead cost small products (gemm-64) a third of their
        // speed, while the unrolled prefetches took gemm-2048 from 87-88 to 95-96 GFLOP/s and left the rest unchanged.
        float* row = c;
        Sse.Prefetch0(row); Sse.Prefetch0(row + 15); row += ldc;
        Sse.Prefetch0(row); Sse.Prefetch0(row + 15); row += ldc;
        Sse.Prefetch0(row); Sse.Prefetch0(row + 15); row += ldc;
        Sse.Prefetch0(row); Sse.Prefetch0(row + 15); row += ldc;
        Sse.Prefetch0(row); Sse.Prefetch0(row + 15); row += ldc;
        Sse.Prefetch0(row); Sse.Prefetch0(row + 15);
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;
        for (nint p = 0; p < kc; p++)
        {
            var b0 = Vector256.LoadAligned(b);
            var b1 = Vector256.LoadAligned(b + 8);
            var ai = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(ai, b1, c51);
            a += 6;
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
