using Engine.Kernels;

namespace Engine.Bench.Quick;

/// <summary>
/// The workloads of <c>quick</c> mode and of the BenchmarkDotNet classes. To add one, add one line to
/// <see cref="All"/>; the peer script (peers/peer_bench.py) times the same workloads under the same names.
/// </summary>
public static class QuickWorkloads
{
    /// <summary>The autoencoder layer products (batch, in, out): 784 → 512 → 128 → 512 → 784 at batch 128.</summary>
    public static readonly (int Batch, int In, int Out)[] AutoencoderLayers = [(128, 784, 512), (128, 512, 128), (128, 512, 784)];

    /// <summary>Every workload, in print order. Data is allocated when the list is built.</summary>
    public static IReadOnlyList<QuickWorkload> All() =>
    [
        .. new[] { 64, 128, 256, 512, 1024, 2048 }.Select(s => Gemm($"gemm-{s}", s, s, s, false, false)),
        .. AutoencoderLayers.SelectMany(Autoencoder),
        .. ConvQuick.Workloads().Select(w => new QuickWorkload(w.Name, w.Flops, w.Run)),
        .. LstmQuick.Workloads().Select(w => new QuickWorkload(w.Name, w.Flops, w.Run)),
        AutoencoderStepWorkload(),
        .. TransformerQuick.Workloads().Select(w => new QuickWorkload(w.Name, w.Flops, w.Run)),
    ];

    private static QuickWorkload AutoencoderStepWorkload()
    {
        var step = new AutoencoderStep();
        return new QuickWorkload("ae-step", step.Flops, step.Run);
    }

    /// <summary>Forward (x·W), input gradient (gradOut·Wᵀ) and weight gradient (xᵀ·gradOut) of one layer.</summary>
    private static IEnumerable<QuickWorkload> Autoencoder((int Batch, int In, int Out) layer)
    {
        var (batch, inF, outF) = layer;
        yield return Gemm($"gemm-{batch}x{inF}x{outF}", batch, inF, outF, false, false);
        yield return Gemm($"gemm-{batch}x{outF}x{inF}-tB", batch, outF, inF, false, true);
        yield return Gemm($"gemm-{inF}x{batch}x{outF}-tA", inF, batch, outF, true, false);
    }

    /// <summary>A GEMM workload c (m, n) = op(a) (m, k) · op(b) (k, n) on fixed random data.</summary>
    public static QuickWorkload Gemm(string name, int m, int k, int n, bool transposeA, bool transposeB)
    {
        var random = new Random(42);
        var a = Enumerable.Range(0, m * k).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var c = new float[m * n];
        return new QuickWorkload(name, 2.0 * m * k * n,
            () => Engine.Kernels.Gemm.Multiply(a, b, m, k, n, c, transposeA, transposeB));
    }
}
