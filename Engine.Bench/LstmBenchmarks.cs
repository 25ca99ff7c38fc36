using BenchmarkDotNet.Attributes;
using Engine.Kernels;

namespace Engine.Bench;

/// <summary>
/// Single-layer LSTM at batch 64, sequence 20, input 64, hidden 256 (<see cref="LstmQuick"/>): inference forward,
/// and forward + backward through time, on 1 and 2 threads. Peer: peers/peer_bench.py (torch.nn.LSTM, same shape).
/// </summary>
[MemoryDiagnoser]
public class LstmBenchmarks
{
    private LstmRun _run = null!;

    /// <summary>Value of <see cref="Parallelism.MaxThreads"/>.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Allocates the problem and sets the thread count.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Parallelism.MaxThreads = Threads;
        _run = new LstmRun();
    }

    /// <summary>Inference forward.</summary>
    [Benchmark]
    public void Forward() => _run.Forward();

    /// <summary>Forward + backward through time.</summary>
    [Benchmark]
    public void ForwardBackward() => _run.ForwardBackward();
}
