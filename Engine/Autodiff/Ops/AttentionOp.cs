using System.Runtime.CompilerServices;
using Engine.Kernels;
using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

// Legend: B = batch, H = heads, Tq = query steps, Tk = key steps, D = head width of q and k, Dv = of v.
// Forward, per head (b, h), on spans straight into the (B, H, T, D) layout (no per-head copies):
//   S = q·kᵀ (Tq, Tk) on the GEMM;  masked entries (padding key, or j > i when causal) → −∞;
//   P = softmax(S/√D) row by row (max subtracted; a row with every key masked becomes all zeros, not NaN);
//   P' = P ⊙ dropout mask (optional);  out = P'·v (Tq, Dv).  P and the mask are saved for backward.
// Backward, per head:  dv += P'ᵀ·dout;  dP = (dout·vᵀ) ⊙ mask;  dS = P ⊙ (dP − rowsum(dP ⊙ P)) / √D;
//   dq += dS·k;  dk += dSᵀ·q.  Masked entries have P = 0 exactly, so their dS is 0 and no gradient reaches
//   a masked key or value. Heads are independent and run in parallel, each on one thread: results do not depend
//   on the thread count.

public static partial class Op
{
    /// <summary>
    /// Scaled dot-product attention, fused: softmax(q·kᵀ/√D + mask)·v per batch entry and head, with an optional
    /// key padding mask, causal masking and dropout on the attention weights.
    /// </summary>
    /// <param name="query">q, shape (B, H, Tq, D).</param>
    /// <param name="key">k, shape (B, H, Tk, D).</param>
    /// <param name="value">v, shape (B, H, Tk, Dv).</param>
    /// <param name="keyPaddingMask">
    /// Optional (B, Tk): nonzero where the key is a real token, 0 where it is padding (the convention of
    /// <c>Engine.Text.SequenceBatch.Mask</c>; note PyTorch's boolean key_padding_mask is the opposite,
    /// True = ignore). Not differentiated.
    /// </param>
    /// <param name="causal">Query i attends only to keys j ≤ i (PyTorch's is_causal, aligned top-left).</param>
    /// <param name="dropout">Probability of dropping an attention weight (inverted dropout); 0 disables it.</param>
    /// <param name="random">
    /// Source of the dropout mask, required when <paramref name="dropout"/> &gt; 0: one NextSingle() per weight in
    /// (b, h, i, j) order, masked weights included, so a seeded Random gives a reproducible mask.
    /// </param>
    /// <returns>(B, H, Tq, Dv). A query whose keys are all masked gets a zero output row.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit, or dropout is on without a Random.</exception>
    /// <exception cref="ArgumentOutOfRangeException">dropout is outside [0, 1).</exception>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value,
        Tensor? keyPaddingMask = null, bool causal = false, float dropout = 0f, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var shape = AttentionShape.Of(query, key, value, keyPaddingMask);
        if (!(dropout >= 0f && dropout < 1f))
            throw new ArgumentOutOfRangeException(nameof(dropout), $"ScaledDotProductAttention: dropout {dropout} is outside [0, 1).");
        if (dropout > 0f && random is null)
            throw new ArgumentException("ScaledDotProductAttention: dropout > 0 needs a Random for the mask.", nameof(random));

        var probabilities = Tensor.Zeros(shape.B, shape.H, shape.Tq, shape.Tk);
        var output = Tensor.Zeros(shape.B, shape.H, shape.Tq, shape.Dv);
        float[]? dropMask = null;
        if (dropout > 0f)
        {
            // Drawn up front, in element order, so the mask does not depend on which thread runs which head.
            // Pooled like the tensors: the mask lives exactly as long as the step's graph.
            dropMask = TensorStorage.AllocateUninitialized(probabilities.Size);
            float keep = 1f / (1f - dropout);
            for (int i = 0; i < probabilities.Size; i++) dropMask[i] = random!.NextSingle() >= dropout ? keep : 0f;
        }
        float[]? mask = keyPaddingMask?.ToArray();
        ParallelRange.Chunks(shape.B * shape.H, shape.FlopsPerHead, (start, end) =>
        {
            int scratchSize = dropMask is null ? 0 : shape.Tq * shape.Tk;
            float[] scratch = scratchSize == 0 ? [] : Scratch.Rent(scratchSize);
            try
            {
                for (int head = start; head < end; head++)
                    AttentionForward(query.ReadOnlySpan, key.ReadOnlySpan, value.ReadOnlySpan, mask, dropMask, causal,
                        shape, head, probabilities.Span, scratch.AsSpan(0, scratchSize), output.Span);
            }
            finally
            {
                if (scratchSize > 0) Scratch.Return(scratch);
            }
        });
        return Autograd.IsRecording(query, key, value)
            ? Autograd.Record(output, new AttentionNode(query, key, value, shape, probabilities, dropMask))
            : output;
    }

    // One head: q (Tq, D), k (Tk, D), v (Tk, Dv) at head index (b·H + h) -> probabilities (Tq, Tk), output (Tq, Dv).
    // scratch (Tq·Tk) holds P' when dropout is on.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AttentionForward(ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value,
        ReadOnlySpan<float> keyPaddingMask, ReadOnlySpan<float> dropMask, bool causal, AttentionShape s, int head,
        Span<float> probabilities, Span<float> scratch, Span<float> output)
    {
        int b = head / s.H, tq = s.Tq, tk = s.Tk;
        var p = probabilities.Slice(head * tq * tk, tq * tk);
        Gemm.Multiply(query.Slice(head * tq * s.D, tq * s.D), key.Slice(head * tk * s.D, tk * s.D), tq, s.D, tk, p,
            transposeB: true);
        var padding = keyPaddingMask.IsEmpty ? default : keyPaddingMask.Slice(b * tk, tk);
        for (int i = 0; i < tq; i++)
        {
            var row = p.Slice(i * tk, tk);
            int visible = causal ? Math.Min(i + 1, tk) : tk;
            row[visible..].Fill(float.NegativeInfinity);
            if (!padding.IsEmpty)
                for (int j = 0; j < visible; j++)
                    if (padding[j] == 0f) row[j] = float.NegativeInfinity;
            MaskedSoftmaxRow(row, s.Scale);
        }
        var weights = p;
        if (!dropMask.IsEmpty)
        {
            TensorPrimitives.Multiply(p, dropMask.Slice(head * tq * tk, tq * tk), scratch);
            weights = scratch;
        }
        Gemm.Multiply(weights, value.Slice(head * tk * s.Dv, tk * s.Dv), tq, tk, s.Dv,
            output.Slice(head * tq * s.Dv, tq * s.Dv));
    }

    // In place: row = softmax(scale·row), with −∞ entries giving exactly 0 and an all −∞ row giving all zeros.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MaskedSoftmaxRow(Span<float> row, float scale)
    {
        float max = TensorPrimitives.Max(row);
        if (float.IsNegativeInfinity(max))
        {
            row.Clear();
            return;
        }
        // exp(scale·(s − max)): scale > 0, so the max of scale·s is scale·max; −∞ stays −∞ and exp gives 0.
        TensorPrimitives.Subtract(row, max, row);
        TensorPrimitives.Multiply(row, scale, row);
        TensorPrimitives.Exp(row, row);
        TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
    }

    // One head's backward. ACCUMULATES into gradQuery, gradKey, gradValue (each may be empty: not needed).
    // scratch holds 2·Tq·Tk floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AttentionBackward(ReadOnlySpan<float> query, ReadOnlySpan<float> key,
        ReadOnlySpan<float> value, ReadOnlySpan<float> probabilities, ReadOnlySpan<float> dropMask,
        ReadOnlySpan<float> gradOutput, AttentionShape s, int head, Span<float> scratch, Span<float> gradQuery,
        Span<float> gradKey, Span<float> gradValue)
    {
        int tq = s.Tq, tk = s.Tk, d = s.D, dv = s.Dv;
        var p = probabilities.Slice(head * tq * tk, tq * tk);
        var mask = dropMask.IsEmpty ? default : dropMask.Slice(head * tq * tk, tq * tk);
        var gOut = gradOutput.Slice(head * tq * dv, tq * dv);
        var q = query.Slice(head * tq * d, tq * d);
        var k = key.Slice(head * tk * d, tk * d);
        var v = value.Slice(head * tk * dv, tk * dv);
        var gradScores = scratch[..(tq * tk)];
        if (!gradValue.IsEmpty)
        {
            // dv (Tk, Dv) += P'ᵀ (Tk, Tq) · dout (Tq, Dv)
            ReadOnlySpan<float> weights = p;
            if (!mask.IsEmpty)
            {
                var dropped = scratch.Slice(tq * tk, tq * tk);
                TensorPrimitives.Multiply(p, mask, dropped);
                weights = dropped;
            }
            Gemm.Multiply(weights, gOut, tk, tq, dv, gradValue.Slice(head * tk * dv, tk * dv), transposeA: true,
                accumulate: true);
        }
        if (gradQuery.IsEmpty && gradKey.IsEmpty) return;
        // dP (Tq, Tk) = dout (Tq, Dv) · vᵀ (Dv, Tk), through the dropout mask.
        Gemm.Multiply(gOut, v, tq, dv, tk, gradScores, transposeB: true);
        if (!mask.IsEmpty) TensorPrimitives.Multiply(gradScores, mask, gradScores);
        for (int i = 0; i < tq; i++)
        {
            // Softmax backward on the scaled scores: dS = P ⊙ (dP − Σ dP ⊙ P) · scale.
            var pRow = p.Slice(i * tk, tk);
            var gRow = gradScores.Slice(i * tk, tk);
            float dot = TensorPrimitives.Dot(gRow, pRow);
            TensorPrimitives.Subtract(gRow, dot, gRow);
            TensorPrimitives.Multiply(gRow, pRow, gRow);
            TensorPrimitives.Multiply(gRow, s.Scale, gRow);
        }
        // dq (Tq, D) += dS (Tq, Tk) · k (Tk, D);  dk (Tk, D) += dSᵀ (Tk, Tq) · q (Tq, D).
        if (!gradQuery.IsEmpty)
            Gemm.Multiply(gradScores, k, tq, tk, d, gradQuery.Slice(head * tq * d, tq * d), accumulate: true);
        if (!gradKey.IsEmpty)
            Gemm.Multiply(gradScores, q, tk, tq, d, gradKey.Slice(head * tk * d, tk * d), transposeA: true,
                accumulate: true);
    }

    private sealed class AttentionNode(Tensor query, Tensor key, Tensor value, AttentionShape shape,
        Tensor probabilities, float[]? dropMask) : Node("ScaledDotProductAttention", query, key, value)
    {
        private Tensor? _probabilities = probabilities;
        private float[]? _dropMask = dropMask;

        protected internal override void Backward(Tensor gradOutput)
        {
            // GradOf allocates the gradient buffers; the lambda below reads them through the tensors.
            bool needQ = !GradOf(query).IsEmpty, needK = !GradOf(key).IsEmpty, needV = !GradOf(value).IsEmpty;
            var p = _probabilities!;
            var dropMask = _dropMask;
            ParallelRange.Chunks(shape.B * shape.H, 2 * shape.FlopsPerHead, (start, end) =>
            {
                int scratchSize = 2 * shape.Tq * shape.Tk;
                var scratch = Scratch.Rent(scratchSize);
                try
                {
                    for (int head = start; head < end; head++)
                        AttentionBackward(query.ReadOnlySpan, key.ReadOnlySpan, value.ReadOnlySpan, p.ReadOnlySpan,
                            dropMask, gradOutput.ReadOnlySpan, shape, head, scratch.AsSpan(0, scratchSize),
                            needQ ? query.Grad!.Span : default, needK ? key.Grad!.Span : default,
                            needV ? value.Grad!.Span : default);
                }
                finally
                {
                    Scratch.Return(scratch);
                }
            });
        }

        protected override void ReleaseSavedState() => (_probabilities, _dropMask) = (null, null);
    }
}

/// <summary>The sizes of one attention call, checked once (see <see cref="Op.ScaledDotProductAttention"/>).</summary>
internal readonly record struct AttentionShape(int B, int H, int Tq, int Tk, int D, int Dv)
{
    /// <summary>1/√D, the score scale.</summary>
    public float Scale => 1f / MathF.Sqrt(D);

    /// <summary>Multiply-adds of one head's forward pass, times two.</summary>
    public long FlopsPerHead => 2L * Tq * Tk * (D + Dv);

    /// <summary>Validates the four inputs and reads their sizes.</summary>
    public static AttentionShape Of(Tensor q, Tensor k, Tensor v, Tensor? mask)
    {
        bool ok = q.Rank == 4 && k.Rank == 4 && v.Rank == 4
            && k.Shape[0] == q.Shape[0] && v.Shape[0] == q.Shape[0] && k.Shape[1] == q.Shape[1] && v.Shape[1] == q.Shape[1]
            && k.Shape[3] == q.Shape[3] && v.Shape[2] == k.Shape[2] && q.Size > 0 && k.Size > 0 && v.Size > 0;
        if (!ok)
            throw new ArgumentException(
                $"ScaledDotProductAttention: q is {q.Shape}, k {k.Shape}, v {v.Shape}; expected q (B, H, Tq, D), k (B, H, Tk, D), v (B, H, Tk, Dv) with every size ≥ 1.");
        var s = new AttentionShape(q.Shape[0], q.Shape[1], q.Shape[2], k.Shape[2], q.Shape[3], v.Shape[3]);
        if (mask is not null && (mask.Rank != 2 || mask.Shape[0] != s.B || mask.Shape[1] != s.Tk))
            throw new ArgumentException(
                $"ScaledDotProductAttention: keyPaddingMask is {mask.Shape}; expected (B, Tk) = ({s.B}, {s.Tk}).");
        return s;
    }
}
