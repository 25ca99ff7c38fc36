using BenchmarkDotNet.Attributes;
using Engine.Bench.Quick;
using Engine.Kernels;

namespace Engine.Bench;

/// <summary>
/// Gemm.Multiply on the quick-mode GEMM workloads (squares 64..2048 and the autoencoder layers with their two
/// backward products), on 1 and 2 threads. Run: <c>dotnet run -c Release --project Engine.Bench -- --filter *Gemm*</c>.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private QuickWorkload _workload = null!;

    /// <summary>The workload names (see <see cref="QuickWorkloads"/>).</summary>
    public static IEnumerable<string> Workloads => QuickWorkloads.All().Select(w => w.Name);

    /// <summary>The workload to run.</summary>
    [ParamsSource(nameof(Workloads))]
    public string Workload { get; set; } = "";

    /// <summary>Parallelism.MaxThreads during the run.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds the workload's data and sets the thread count.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _workload = QuickWorkloads.All().Single(w => w.Name == Workload);
        Parallelism.MaxThreads = Threads;
    }

    /// <summary>One GEMM call.</summary>
    [Benchmark]
    public void Multiply() => _workload.Run();
}
