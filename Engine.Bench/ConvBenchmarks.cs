using BenchmarkDotNet.Attributes;
using Engine.Kernels;

namespace Engine.Bench;

/// <summary>
/// Conv / conv-transpose forward and forward+backward at the conv-autoencoder layer shapes (batch 128), on 1 and
/// 2 threads. Peer: peers/peer_bench.py (PyTorch, same shapes and names).
/// </summary>
[MemoryDiagnoser]
public class ConvBenchmarks
{
    private ConvLayerRun _run = null!;

    /// <summary>The layer, by its <see cref="ConvQuick.Layers"/> name.</summary>
    [ParamsSource(nameof(LayerNames))]
    public string Layer { get; set; } = "";

    /// <summary>Value of <see cref="Parallelism.MaxThreads"/>.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The layer names.</summary>
    public static IEnumerable<string> LayerNames => ConvQuick.Layers.Select(l => l.Name);

    /// <summary>Allocates the layer's data and sets the thread count.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var layer = ConvQuick.Layers.Single(l => l.Name == Layer);
        _run = new ConvLayerRun(layer.Transposed, layer.In, layer.Out, layer.Size);
        Parallelism.MaxThreads = Threads;
    }

    /// <summary>Forward pass only.</summary>
    [Benchmark]
    public void Forward() => _run.Forward();

    /// <summary>Forward pass and the input, weight and bias gradients.</summary>
    [Benchmark]
    public void ForwardBackward() => _run.ForwardBackward();
}
