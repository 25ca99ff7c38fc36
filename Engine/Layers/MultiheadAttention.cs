using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// Multi-head attention as PyTorch's nn.MultiheadAttention(E, H, batch_first=True): inputs (B, T, E), q/k/v
/// projections packed in <c>in_proj_weight</c> (3E, E) and <c>in_proj_bias</c> (3E), heads of width E/H, fused
/// scaled dot-product attention, then <c>out_proj</c> (a Linear E → E). A state dict of the PyTorch module loads
/// by name.
/// </summary>
/// <remarks>
/// Initialised as PyTorch does: in_proj_weight Xavier-uniform, in_proj_bias and out_proj.bias zero, out_proj.weight
/// uniform in ±1/√E. The <see cref="Random"/> given to the constructor also draws the attention dropout masks.
/// </remarks>
public sealed class MultiheadAttention : Module
{
    private readonly Random _random;

    /// <summary>Creates the layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1 or dropout is outside [0, 1).</exception>
    /// <exception cref="ArgumentException">embedDim is not a multiple of numHeads.</exception>
    public MultiheadAttention(int embedDim, int numHeads, Random random, float dropout = 0f, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(embedDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numHeads, 1);
        ArgumentNullException.ThrowIfNull(random);
        if (embedDim % numHeads != 0)
            throw new ArgumentException($"MultiheadAttention: embedDim {embedDim} is not a multiple of numHeads {numHeads}.", nameof(numHeads));
        if (!(dropout >= 0f && dropout < 1f))
            throw new ArgumentOutOfRangeException(nameof(dropout), $"MultiheadAttention: dropout {dropout} is outside [0, 1).");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        Dropout = dropout;
        _random = random;
        InProjWeight = RegisterParameter("in_proj_weight", Tensor.Zeros(3 * embedDim, embedDim));
        Init.XavierUniform(InProjWeight, embedDim, 3 * embedDim, random);
        if (bias) InProjBias = RegisterParameter("in_proj_bias", Tensor.Zeros(3 * embedDim));
        OutProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, random, bias));
        OutProj.Bias?.Span.Clear();
    }

    /// <summary>Model width E.</summary>
    public int EmbedDim { get; }

    /// <summary>Number of heads H; each has width E/H.</summary>
    public int NumHeads { get; }

    /// <summary>Dropout probability on the attention weights (training mode only).</summary>
    public float Dropout { get; }

    /// <summary>The packed query, key and value projections, (3E, E): rows [0, E) for q, [E, 2E) k, [2E, 3E) v.</summary>
    public Tensor InProjWeight { get; }

    /// <summary>The packed projection biases, (3E), or null.</summary>
    public Tensor? InProjBias { get; }

    /// <summary>The output projection.</summary>
    public Linear OutProj { get; }

    /// <summary>Self-attention without masks: <c>Forward(x, x, x)</c>.</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Forward(input, input, input);
    }

    /// <summary>
    /// Attention of <paramref name="query"/> (B, Tq, E) over <paramref name="key"/> and <paramref name="value"/>
    /// (B, Tk, E); returns (B, Tq, E). When query, key and value are the same tensor the three projections run
    /// as one GEMM.
    /// </summary>
    /// <param name="query">Queries (B, Tq, E).</param>
    /// <param name="key">Keys (B, Tk, E).</param>
    /// <param name="value">Values (B, Tk, E).</param>
    /// <param name="keyPaddingMask">Optional (B, Tk): 1 for real keys, 0 for padding (the opposite of PyTorch's boolean mask).</param>
    /// <param name="causal">Query i attends only to keys j ≤ i.</param>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    public Tensor Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null, bool causal = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        int e = EmbedDim, h = NumHeads;
        if (query.Rank != 3 || key.Rank != 3 || value.Rank != 3 || query.Shape[2] != e || key.Shape[2] != e
            || value.Shape[2] != e || key.Shape[0] != query.Shape[0] || value.Shape[0] != query.Shape[0]
            || key.Shape[1] != value.Shape[1])
            throw new ArgumentException(
                $"MultiheadAttention.Forward: query is {query.Shape}, key {key.Shape}, value {value.Shape}; " +
                $"expected (B, Tq, {e}), (B, Tk, {e}), (B, Tk, {e}).");
        Tensor q, k, v;
        if (ReferenceEquals(query, key) && ReferenceEquals(key, value))
        {
            // Self-attention: one (B·T, E)·(E, 3E) GEMM, then each third split into heads in one copy.
            var packed = Op.Linear(query, InProjWeight, InProjBias);
            (q, k, v) = (Op.SplitHeads(packed, h, 0, e), Op.SplitHeads(packed, h, e, e), Op.SplitHeads(packed, h, 2 * e, e));
        }
        else if (ReferenceEquals(key, value))
        {
            // Cross-attention over a memory: q from the query, k and v from one (E → 2E) projection of the memory.
            q = Op.SplitHeads(Project(query, 0, 1), h, 0, e);
            var kv = Project(key, 1, 2);
            (k, v) = (Op.SplitHeads(kv, h, 0, e), Op.SplitHeads(kv, h, e, e));
        }
        else
        {
            q = Op.SplitHeads(Project(query, 0, 1), h, 0, e);
            k = Op.SplitHeads(Project(key, 1, 1), h, 0, e);
            v = Op.SplitHeads(Project(value, 2, 1), h, 0, e);
        }
        var attended = Op.ScaledDotProductAttention(q, k, v, keyPaddingMask, causal,
            IsTraining ? Dropout : 0f, _random);
        // (B, H, Tq, Dh) → (B, Tq, H, Dh) → (B, Tq, E): one copy, then a free reshape.
        var merged = Op.Reshape(Op.Transpose(attended, 1, 2), query.Shape[0], query.Shape[1], e);
        return OutProj.Forward(merged);
    }

    // x·Wᵀ + b with the rows [first·E, (first + count)·E) of the packed weight and bias.
    private Tensor Project(Tensor x, int first, int count)
    {
        int e = EmbedDim;
        var weight = Op.Slice(InProjWeight, 0, first * e, count * e);
        var bias = InProjBias is null ? null : Op.Slice(InProjBias, 0, first * e, count * e);
        return Op.Linear(x, weight, bias);
    }
}
