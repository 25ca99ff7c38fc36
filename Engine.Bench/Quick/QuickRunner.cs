using System.Diagnostics;
using System.Globalization;
using Engine.Kernels;

namespace Engine.Bench.Quick;

/// <summary>
/// <c>quick [--threads N] [--filter TEXT] [--clock wall|cpu]</c>: prints the SIMD path the kernels run
/// (<c>path=Avx2 (X64)</c>: the machine's widest, or narrower under the runtime's ISA knobs such as
/// <c>DOTNET_EnableAVX512F=0</c>), then times every workload (median of several repetitions after a warm-up) and
/// prints one line each: <c>name=gemm-1024 threads=1 ms=21.4 gflops=100.3</c>.
/// Without <c>--threads</c> it runs on 1 thread and then on all processors. <c>--clock cpu</c> measures process
/// CPU time instead of wall time (see <see cref="CpuClock"/>).
/// </summary>
public static class QuickRunner
{
    private const int Repetitions = 9;
    private const double RepetitionSeconds = 0.03;
    private const int WarmupCalls = 200;
    private const double WarmupMaxSeconds = 6;

    /// <summary>Runs quick mode with the arguments after <c>quick</c>.</summary>
    public static int Run(string[] args)
    {
        var threads = new List<int>();
        string filter = "";
        bool cpuClock = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--threads" && i + 1 < args.Length)
                threads.Add(int.Parse(args[++i], CultureInfo.InvariantCulture));
            else if (args[i] == "--filter" && i + 1 < args.Length)
                filter = args[++i];
            else if (args[i] == "--clock" && i + 1 < args.Length && args[i + 1] is "wall" or "cpu")
                cpuClock = args[++i] == "cpu";
            else
            {
                Console.Error.WriteLine($"quick: unknown argument '{args[i]}'. Usage: quick [--threads N] [--filter TEXT] [--clock wall|cpu]");
                return 2;
            }
        }
        if (threads.Count == 0)
            threads.AddRange(Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1]);
        Console.WriteLine($"path={Simd.Describe()}");
        var workloads = QuickWorkloads.All().Where(w => w.Name.Contains(filter, StringComparison.Ordinal)).ToList();
        foreach (int t in threads)
        {
            Parallelism.MaxThreads = t;
            foreach (var workload in workloads)
            {
                double ms = MedianMilliseconds(workload.Run, cpuClock);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"name={workload.Name} threads={t} ms={ms:0.####} gflops={workload.Flops / ms / 1e6:0.0}"));
            }
        }
        return 0;
    }

    // Warm up (JIT tiers, pack buffers, worker pool), then time batches of calls long enough for the timer.
    // The warm-up must outlast tiered compilation: a method entered once per call (Op.Lstm, a conv backward)
    // is promoted to optimised code only after 30 calls, an instrumented tier and a background compile; with a 0.1 s warm-up the
    // 40 ms lstm-fwd was timed in tier-0 code at 5× its steady-state cost.
    private static double MedianMilliseconds(Action run, bool cpuClock)
    {
        var clock = Stopwatch.StartNew();
        int calls = 0;
        while ((calls < WarmupCalls && clock.Elapsed.TotalSeconds < WarmupMaxSeconds) || clock.Elapsed.TotalSeconds < 0.2)
        {
            run();
            calls++;
        }
        clock.Restart();
        for (int i = 0; i < 3; i++)
            run();
        double perCall = clock.Elapsed.TotalSeconds / 3;
        int batch = Math.Max(1, (int)(RepetitionSeconds / perCall));
        var samples = new double[Repetitions];
        for (int r = 0; r < Repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp(), cpuStart = CpuClock.Nanoseconds();
            for (int i = 0; i < batch; i++)
                run();
            double ms = cpuClock ? (CpuClock.Nanoseconds() - cpuStart) / 1e6 : Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            samples[r] = ms / batch;
        }
        Array.Sort(samples);
        return samples[Repetitions / 2];
    }
}
