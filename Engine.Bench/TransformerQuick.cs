using Engine.Autodiff;
using Engine.Layers;
using Engine.Tensors;

namespace Engine.Bench;

/// <summary>
/// Transformer workloads at batch 64, length 32, width 256, 4 heads, feed-forward 1024 (dropout 0), for quick
/// mode and <see cref="TransformerBenchmarks"/>. Peer: peers/transformer_peer.py (same names and shapes).
/// </summary>
public static class TransformerQuick
{
    /// <summary>Batch size.</summary>
    public const int Batch = 64;

    /// <summary>Sequence length.</summary>
    public const int Length = 32;

    /// <summary>Model width E.</summary>
    public const int Width = 256;

    /// <summary>Attention heads.</summary>
    public const int Heads = 4;

    /// <summary>Feed-forward width.</summary>
    public const int FeedForward = 1024;

    /// <summary>
    /// <c>attn-fwd</c> and <c>attn-fwdbwd</c>: self-attention through <see cref="MultiheadAttention"/> (projections,
    /// fused attention, output projection); <c>encoder-layer-fwdbwd</c>: one pre-norm
    /// <see cref="TransformerEncoderBlock"/>. Backward passes include the input gradient and zero the parameter
    /// gradients first, as a training step does. Every call runs in a pooled tensor scope, as the trainers' steps do
    /// (see Engine.Training.TrainingStep), so the timing does not measure the garbage collector. Flops count
    /// multiply-adds as 2; backward as twice the forward.
    /// </summary>
    public static IReadOnlyList<(string Name, double Flops, Action Run)> Workloads()
    {
        double tokens = Batch * Length;
        double attention = 4.0 * Batch * Length * Length * Width; // q·kᵀ and P·v
        double mhaForward = tokens * 2 * Width * 4 * Width + attention;
        double encoderForward = mhaForward + tokens * 2 * 2 * Width * FeedForward;
        var attentionRun = new TransformerRun(encoder: false);
        var encoderRun = new TransformerRun(encoder: true);
        return
        [
            ("attn-fwd", mhaForward, attentionRun.Forward),
            ("attn-fwdbwd", 3 * mhaForward, attentionRun.ForwardBackward),
            ("encoder-layer-fwdbwd", 3 * encoderForward, encoderRun.ForwardBackward),
        ];
    }
}

/// <summary>One attention layer or encoder block with its input and output-gradient seed, ready to time.</summary>
public sealed class TransformerRun
{
    private readonly Module _module;
    private readonly Tensor _input, _seed;

    /// <summary>Builds the module (seeded) and random data at the <see cref="TransformerQuick"/> shape.</summary>
    public TransformerRun(bool encoder)
    {
        var random = new Random(42);
        int e = TransformerQuick.Width;
        _module = encoder
            ? new TransformerEncoderBlock(e, TransformerQuick.Heads, TransformerQuick.FeedForward, random, dropout: 0f)
            : new MultiheadAttention(e, TransformerQuick.Heads, random);
        _input = Tensor.Uniform(random, -1f, 1f, TransformerQuick.Batch, TransformerQuick.Length, e);
        _input.RequiresGrad = true;
        _seed = Tensor.Uniform(random, -1f, 1f, TransformerQuick.Batch, TransformerQuick.Length, e);
    }

    /// <summary>Forward only, without recording a graph, inside a pooled tensor scope.</summary>
    public void Forward()
    {
        using var scope = TensorScope.Begin();
        using var noGrad = GradMode.Disable();
        _module.Forward(_input);
    }

    /// <summary>
    /// Forward, then backward from a fixed output gradient into the input and every parameter, inside one pooled
    /// tensor scope as a trainer's step runs (so the steady state reuses the previous call's buffers).
    /// </summary>
    public void ForwardBackward()
    {
        using var scope = TensorScope.Begin();
        _module.ZeroGrad();
        _input.ZeroGrad();
        _module.Forward(_input).Backward(_seed);
    }
}
