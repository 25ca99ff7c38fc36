using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// A pre-norm Transformer encoder layer, PyTorch's nn.TransformerEncoderLayer(E, H, F, dropout, activation='gelu',
/// batch_first=True, norm_first=True) with the same parameter names (<c>self_attn.*</c>, <c>linear1</c>,
/// <c>linear2</c>, <c>norm1</c>, <c>norm2</c>):
/// x = x + Dropout(SelfAttention(LayerNorm1(x)));  x = x + Dropout(Linear2(Dropout(GELU(Linear1(LayerNorm2(x)))))).
/// </summary>
/// <remarks>Dropout (also inside the attention) acts in training mode only and draws from the constructor's Random.</remarks>
public sealed class TransformerEncoderBlock : Module
{
    private readonly Random _random;

    /// <summary>Creates the block: model width E, H heads, feed-forward width F.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1 or dropout is outside [0, 1).</exception>
    /// <exception cref="ArgumentException">embedDim is not a multiple of numHeads.</exception>
    public TransformerEncoderBlock(int embedDim, int numHeads, int feedForwardDim, Random random, float dropout = 0.1f,
        float eps = 1e-5f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(feedForwardDim, 1);
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
        SelfAttention = RegisterModule("self_attn", new MultiheadAttention(embedDim, numHeads, random, dropout));
        Linear1 = RegisterModule("linear1", new Linear(embedDim, feedForwardDim, random));
        Linear2 = RegisterModule("linear2", new Linear(feedForwardDim, embedDim, random));
        Norm1 = RegisterModule("norm1", new LayerNorm(embedDim, eps));
        Norm2 = RegisterModule("norm2", new LayerNorm(embedDim, eps));
        Dropout = dropout;
    }

    /// <summary>Self-attention.</summary>
    public MultiheadAttention SelfAttention { get; }

    /// <summary>First feed-forward layer, E → F.</summary>
    public Linear Linear1 { get; }

    /// <summary>Second feed-forward layer, F → E.</summary>
    public Linear Linear2 { get; }

    /// <summary>The norm before self-attention.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>The norm before the feed-forward part.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>Dropout probability on both residual branches, the feed-forward hidden layer and the attention weights.</summary>
    public float Dropout { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Forward(input, null);
    }

    /// <summary>Runs the block on x (B, T, E).</summary>
    /// <param name="x">Input (B, T, E).</param>
    /// <param name="keyPaddingMask">Optional (B, T): 1 for real tokens, 0 for padding.</param>
    /// <param name="causal">Each step attends only to itself and earlier steps.</param>
    public Tensor Forward(Tensor x, Tensor? keyPaddingMask, bool causal = false)
    {
        TensorChecks.Sequence(x, SelfAttention.EmbedDim, "TransformerEncoderBlock.Forward");
        var h = Norm1.Forward(x);
        x = Op.Add(x, Drop(SelfAttention.Forward(h, h, h, keyPaddingMask, causal)));
        return Op.Add(x, Drop(FeedForward(Norm2.Forward(x))));
    }

    private Tensor FeedForward(Tensor x) => Linear2.Forward(Drop(Op.Gelu(Linear1.Forward(x))));

    private Tensor Drop(Tensor x) => Op.Dropout(x, Dropout, _random, IsTraining);
}
