using Engine.Autodiff;
using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Bench;

/// <summary>
/// The LSTM workloads at the text-autoencoder shape (batch 64, sequence 20, input 64, hidden 256), for quick mode and
/// for <see cref="LstmBenchmarks"/>. Names match Engine.Bench/peers/peer_bench.py.
/// </summary>
public static class LstmQuick
{
    /// <summary>Batch B.</summary>
    public const int Batch = 64;

    /// <summary>Sequence length T.</summary>
    public const int Steps = 20;

    /// <summary>Input size I.</summary>
    public const int Input = 64;

    /// <summary>Hidden size H.</summary>
    public const int Hidden = 256;

    /// <summary>
    /// <c>lstm-fwd</c>: inference forward (no graph recorded); <c>lstm-fwdbwd</c>: recorded forward plus
    /// backpropagation through time from a gradient on the output sequence, into the input and all four weights.
    /// Flops count the GEMMs only (multiply-add = 2): forward 2·B·T·4H·(I+H), backward twice that.
    /// </summary>
    public static IReadOnlyList<(string Name, double Flops, Action Run)> Workloads()
    {
        var run = new LstmRun();
        return
        [
            ("lstm-fwd", run.ForwardFlops, run.Forward),
            ("lstm-fwdbwd", 3 * run.ForwardFlops, run.ForwardBackward),
        ];
    }
}

/// <summary>One single-layer LSTM problem with its tensors, ready to time.</summary>
public sealed class LstmRun
{
    private readonly Tensor _input, _weightIh, _weightHh, _biasIh, _biasHh, _gradOutput;

    /// <summary>Random data at the <see cref="LstmQuick"/> shape, weights U(±1/√H) as PyTorch initialises them.</summary>
    public LstmRun()
    {
        var random = new Random(42);
        const int g = 4 * LstmQuick.Hidden;
        float bound = 1f / MathF.Sqrt(LstmQuick.Hidden);
        _input = Leaf(Tensor.Uniform(random, -1, 1, LstmQuick.Batch, LstmQuick.Steps, LstmQuick.Input));
        _weightIh = Leaf(Tensor.Uniform(random, -bound, bound, g, LstmQuick.Input));
        _weightHh = Leaf(Tensor.Uniform(random, -bound, bound, g, LstmQuick.Hidden));
        _biasIh = Leaf(Tensor.Uniform(random, -bound, bound, g));
        _biasHh = Leaf(Tensor.Uniform(random, -bound, bound, g));
        _gradOutput = Tensor.Uniform(random, -1, 1, LstmQuick.Batch, LstmQuick.Steps, LstmQuick.Hidden);
    }

    /// <summary>GEMM flops of one forward pass.</summary>
    public double ForwardFlops => 2.0 * LstmQuick.Batch * LstmQuick.Steps * 4 * LstmQuick.Hidden * (LstmQuick.Input + LstmQuick.Hidden);

    /// <summary>Inference forward: nothing recorded.</summary>
    public void Forward()
    {
        using var _ = GradMode.Disable();
        Op.Lstm(_input, null, null, _weightIh, _weightHh, _biasIh, _biasHh);
    }

    /// <summary>Forward and backward; gradients are zeroed in place first (their buffers are reused).</summary>
    public void ForwardBackward()
    {
        foreach (var t in new[] { _input, _weightIh, _weightHh, _biasIh, _biasHh }) t.ZeroGrad();
        Op.Lstm(_input, null, null, _weightIh, _weightHh, _biasIh, _biasHh).Output.Backward(_gradOutput);
    }

    private static Tensor Leaf(Tensor t)
    {
        t.RequiresGrad = true;
        return t;
    }
}
