using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Engine.Bench.Quick;
using Engine.Kernels;

namespace Engine.Bench;

/// <summary>
/// <c>peak [--seconds S]</c>: the floating-point peak of one core on the active SIMD path, measured with a tiny
/// loop of independent multiply-adds on registers (no memory traffic), the same operation the GEMM micro-kernel of
/// that path issues: a 512- or 256-bit fused multiply-add, a 128-bit <c>MultiplyAddEstimate</c> (fused where the
/// hardware has it), or a scalar multiply then add. Prints <c>path=Avx2 (X64) peak_gflops=115.2</c> (process CPU
/// time, one thread); the GEMM's "% of peak" targets divide by this figure.
/// </summary>
public static class PeakFlops
{
    private const long Iterations = 1 << 22;

    /// <summary>Runs the measurement with the arguments after <c>peak</c>.</summary>
    public static int Run(string[] args)
    {
        double seconds = 1;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length)
                seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
            else
            {
                Console.Error.WriteLine($"peak: unknown argument '{args[i]}'. Usage: peak [--seconds S]");
                return 2;
            }
        }
        var path = Simd.Active;
        Func<long, float> loop = path switch
        {
            SimdPath.Avx512 => Loop512,
            SimdPath.Avx2 => Loop256,
            SimdPath.Vector128 => Loop128,
            _ => LoopScalar,
        };
        int lanes = path switch { SimdPath.Avx512 => 16, SimdPath.Avx2 => 8, SimdPath.Vector128 => 4, _ => 1 };
        double flopsPerIteration = 12.0 * lanes * 2;
        loop(Iterations); // compile and warm up
        double best = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            long start = CpuClock.Nanoseconds();
            float sink = loop(Iterations);
            double ns = CpuClock.Nanoseconds() - start;
            best = Math.Max(best, Iterations * flopsPerIteration / ns);
            if (float.IsNaN(sink))
                Console.Error.WriteLine("peak: NaN");
        }
        var kind = GemmDriver.Resolve(GemmKernelKind.Best);
        double kernel = MicroKernelGflops(kind, seconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"path={Simd.Describe()} peak_gflops={best:0.0} kernel={kind} kernel_gflops={kernel:0.0}"));
        return 0;
    }

    // The GEMM micro-kernel of the path alone, over one packed a panel and one b panel of a full k block (resident
    // in L1/L2) into one C tile: what the kernel reaches when the driver and the caches cost nothing.
    private static unsafe double MicroKernelGflops(GemmKernelKind kind, double seconds)
    {
        var (mr, nr, kc) = GemmDriver.Tile(kind);
        float* a = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(kc * mr * 4), 64);
        float* b = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(kc * nr * 4), 64);
        float* c = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(mr * nr * 4), 64);
        try
        {
            for (int i = 0; i < kc * mr; i++) a[i] = 0.001f * (i % 7);
            for (int i = 0; i < kc * nr; i++) b[i] = 0.001f * (i % 5);
            const int calls = 20000;
            GemmDriver.RunMicroKernel(kind, calls, kc, a, b, c, nr);
            double best = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                long start = CpuClock.Nanoseconds();
                GemmDriver.RunMicroKernel(kind, calls, kc, a, b, c, nr);
                best = Math.Max(best, 2.0 * mr * nr * kc * calls / (CpuClock.Nanoseconds() - start));
            }
            return best;
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.AlignedFree(a);
            System.Runtime.InteropServices.NativeMemory.AlignedFree(b);
            System.Runtime.InteropServices.NativeMemory.AlignedFree(c);
        }
    }

    // Twelve independent accumulators, enough to cover the multiply-add latency on every path; acc·x + y with
    // 0 < x < 1 converges, so nothing overflows or turns subnormal.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float Loop512(long n)
    {
        var x = Vector512.Create(0.999f);
        var y = Vector512.Create(0.001f);
        Vector512<float> a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y, a6 = y, a7 = y, a8 = y, a9 = y, a10 = y, a11 = y;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y);
            a2 = Vector512.FusedMultiplyAdd(a2, x, y); a3 = Vector512.FusedMultiplyAdd(a3, x, y);
            a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y);
            a8 = Vector512.FusedMultiplyAdd(a8, x, y); a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float Loop256(long n)
    {
        var x = Vector256.Create(0.999f);
        var y = Vector256.Create(0.001f);
        Vector256<float> a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y, a6 = y, a7 = y, a8 = y, a9 = y, a10 = y, a11 = y;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y);
            a2 = Vector256.FusedMultiplyAdd(a2, x, y); a3 = Vector256.FusedMultiplyAdd(a3, x, y);
            a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
            a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y);
            a8 = Vector256.FusedMultiplyAdd(a8, x, y); a9 = Vector256.FusedMultiplyAdd(a9, x, y);
            a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float Loop128(long n)
    {
        var x = Vector128.Create(0.999f);
        var y = Vector128.Create(0.001f);
        Vector128<float> a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y, a6 = y, a7 = y, a8 = y, a9 = y, a10 = y, a11 = y;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector128.MultiplyAddEstimate(a0, x, y); a1 = Vector128.MultiplyAddEstimate(a1, x, y);
            a2 = Vector128.MultiplyAddEstimate(a2, x, y); a3 = Vector128.MultiplyAddEstimate(a3, x, y);
            a4 = Vector128.MultiplyAddEstimate(a4, x, y); a5 = Vector128.MultiplyAddEstimate(a5, x, y);
            a6 = Vector128.MultiplyAddEstimate(a6, x, y); a7 = Vector128.MultiplyAddEstimate(a7, x, y);
            a8 = Vector128.MultiplyAddEstimate(a8, x, y); a9 = Vector128.MultiplyAddEstimate(a9, x, y);
            a10 = Vector128.MultiplyAddEstimate(a10, x, y); a11 = Vector128.MultiplyAddEstimate(a11, x, y);
        }
        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float LoopScalar(long n)
    {
        float x = 0.999f, y = 0.001f;
        float a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y, a6 = y, a7 = y, a8 = y, a9 = y, a10 = y, a11 = y;
        for (long i = 0; i < n; i++)
        {
            a0 = a0 * x + y; a1 = a1 * x + y; a2 = a2 * x + y; a3 = a3 * x + y;
            a4 = a4 * x + y; a5 = a5 * x + y; a6 = a6 * x + y; a7 = a7 * x + y;
            a8 = a8 * x + y; a9 = a9 * x + y; a10 = a10 * x + y; a11 = a11 * x + y;
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }
}
