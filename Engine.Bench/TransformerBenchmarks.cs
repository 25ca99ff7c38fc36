using BenchmarkDotNet.Attributes;
using Engine.Kernels;

namespace Engine.Bench;

/// <summary>
/// Self-attention forward, forward+backward and a pre-norm encoder layer forward+backward at batch 64, length 32,
/// width 256, 4 heads, feed-forward 1024, on 1 and 2 threads. Peer: peers/transformer_peer.py.
/// </summary>
[MemoryDiagnoser]
public class TransformerBenchmarks
{
    private TransformerRun _attention = null!;
    private TransformerRun _encoder = null!;

    /// <summary>Value of <see cref="Parallelism.MaxThreads"/>.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds the modules and sets the thread count.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _attention = new TransformerRun(encoder: false);
        _encoder = new TransformerRun(encoder: true);
        Parallelism.MaxThreads = Threads;
    }

    /// <summary>MultiheadAttention forward (no graph).</summary>
    [Benchmark]
    public void AttentionForward() => _attention.Forward();

    /// <summary>MultiheadAttention forward + backward.</summary>
    [Benchmark]
    public void AttentionForwardBackward() => _attention.ForwardBackward();

    /// <summary>TransformerEncoderBlock forward + backward.</summary>
    [Benchmark]
    public void EncoderLayerForwardBackward() => _encoder.ForwardBackward();
}
