using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// A pre-norm Transformer decoder layer, PyTorch's nn.TransformerDecoderLayer(E, H, F, dropout, activation='gelu',
/// batch_first=True, norm_first=True) with the same parameter names (<c>self_attn</c>, <c>multihead_attn</c>,
/// <c>linear1</c>, <c>linear2</c>, <c>norm1..3</c>):
/// x = x + Dropout(CausalSelfAttention(LayerNorm1(x)));  x = x + Dropout(CrossAttention(LayerNorm2(x), memory));
/// x = x + Dropout(Linear2(Dropout(GELU(Linear1(LayerNorm3(x)))))).
/// </summary>
/// <remarks>Dropout acts in training mode only and draws from the constructor's Random.</remarks>
public sealed class TransformerDecoderBlock : Module
{
    private readonly Random _random;

    /// <summary>Creates the block: model width E, H heads, feed-forward width F.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1 or dropout is outside [0, 1).</exception>
    /// <exception cref="ArgumentException">embedDim is not a multiple of numHeads.</exception>
    public TransformerDecoderBlock(int embedDim, int numHeads, int feedForwardDim, Random random, float dropout = 0.1f,
        float eps = 1e-5f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(feedForwardDim, 1);
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
        SelfAttention = RegisterModule("self_attn", new MultiheadAttention(embedDim, numHeads, random, dropout));
        CrossAttention = RegisterModule("multihead_attn", new MultiheadAttention(embedDim, numHeads, random, dropout));
        Linear1 = RegisterModule("linear1", new Linear(embedDim, feedForwardDim, random));
        Linear2 = RegisterModule("linear2", new Linear(feedForwardDim, embedDim, random));
        Norm1 = RegisterModule("norm1", new LayerNorm(embedDim, eps));
        Norm2 = RegisterModule("norm2", new LayerNorm(embedDim, eps));
        Norm3 = RegisterModule("norm3", new LayerNorm(embedDim, eps));
        Dropout = dropout;
    }

    /// <summary>Causal self-attention over the target.</summary>
    public MultiheadAttention SelfAttention { get; }

    /// <summary>Attention from the target to the memory.</summary>
    public MultiheadAttention CrossAttention { get; }

    /// <summary>First feed-forward layer, E → F.</summary>
    public Linear Linear1 { get; }

    /// <summary>Second feed-forward layer, F → E.</summary>
    public Linear Linear2 { get; }

    /// <summary>The norm before self-attention.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>The norm before cross-attention.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>The norm before the feed-forward part.</summary>
    public LayerNorm Norm3 { get; }

    /// <summary>Dropout probability on the residual branches, the feed-forward hidden layer and attention weights.</summary>
    public float Dropout { get; }

    /// <summary>Not available: a decoder block needs a memory; call the overload that takes one.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        throw new NotSupportedException("TransformerDecoderBlock: Forward needs a memory; call Forward(x, memory, ...).");
    }

    /// <summary>Runs the block on the target x (B, T, E) attending to memory (B, S, E).</summary>
    /// <param name="x">Target sequence (B, T, E).</param>
    /// <param name="memory">Encoder output (B, S, E).</param>
    /// <param name="memoryKeyPaddingMask">Optional (B, S): 1 for real memory steps, 0 for padding.</param>
    /// <param name="targetKeyPaddingMask">Optional (B, T): 1 for real target steps, 0 for padding.</param>
    /// <param name="causal">Causal self-attention (the default: step t sees steps ≤ t only).</param>
    public Tensor Forward(Tensor x, Tensor memory, Tensor? memoryKeyPaddingMask = null,
        Tensor? targetKeyPaddingMask = null, bool causal = true)
    {
        TensorChecks.Sequence(x, SelfAttention.EmbedDim, "TransformerDecoderBlock.Forward");
        TensorChecks.Sequence(memory, SelfAttention.EmbedDim, "TransformerDecoderBlock.Forward");
        var h = Norm1.Forward(x);
        x = Op.Add(x, Drop(SelfAttention.Forward(h, h, h, targetKeyPaddingMask, causal)));
        h = Norm2.Forward(x);
        x = Op.Add(x, Drop(CrossAttention.Forward(h, memory, memory, memoryKeyPaddingMask)));
        return Op.Add(x, Drop(Linear2.Forward(Drop(Op.Gelu(Linear1.Forward(Norm3.Forward(x)))))));
    }

    private Tensor Drop(Tensor x) => Op.Dropout(x, Dropout, _random, IsTraining);
}
