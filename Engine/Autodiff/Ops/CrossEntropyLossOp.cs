using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

// Legend: N = examples (rows), C = classes, z = logits (N, C), t = target class per row, w = per-example weight.
// Forward per counted row (fused, stable log-sum-exp):  lse = m + log Σ_c exp(z_c − m) with m = max_c z_c,
//   ℓ_n = w_n·(lse_n − z_{n,t_n});  loss = Σ ℓ_n / W  with W = Σ of counted w_n (Mean) or 1 (Sum).
// Backward:  dz_{n,c} += dL · w_n·(softmax(z_n)_c − [c = t_n]) / W  — the (softmax − onehot)/N rule, with the
// softmax recomputed from the saved lse_n as exp(z − lse).

public static partial class Op
{
    /// <summary>
    /// Softmax cross-entropy of logits (N, C) against integer class targets, as one fused, numerically stable op
    /// (the log-sum-exp subtracts each row's maximum).
    /// </summary>
    /// <param name="logits">Unnormalised scores (N, C).</param>
    /// <param name="targets">N class indices in 0..C−1 (or <paramref name="ignoreIndex"/>). No gradient.</param>
    /// <param name="reduction">
    /// Sum: Σₙ wₙ·ℓₙ. Mean: Σₙ wₙ·ℓₙ / Σₙ wₙ over the rows that count, i.e. the plain mean over non-ignored rows
    /// when no weights are given (PyTorch's weighted-mean convention). When no row counts (all ignored or zero
    /// total weight) the loss and its gradient are 0 rather than PyTorch's NaN.
    /// </param>
    /// <param name="ignoreIndex">Rows whose target equals this contribute nothing (e.g. padding tokens).</param>
    /// <param name="weights">Optional per-example weights or a 0/1 mask, shape (N); data, no gradient.</param>
    /// <exception cref="ArgumentException">
    /// logits is not 2-D, targets or weights do not have N entries, or a target is outside 0..C−1.
    /// </exception>
    public static Tensor CrossEntropyLoss(Tensor logits, int[] targets, Reduction reduction = Reduction.Mean,
        int? ignoreIndex = null, Tensor? weights = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (logits.Rank != 2)
            throw new ArgumentException($"CrossEntropyLoss: logits are {logits.Shape}; expected (N, C).", nameof(logits));
        int n = logits.Shape[0], c = logits.Shape[1];
        if (targets.Length != n)
            throw new ArgumentException($"CrossEntropyLoss: logits are {logits.Shape} but there are {targets.Length} targets; expected {n}.", nameof(targets));
        if (weights is not null && (weights.Rank != 1 || weights.Size != n))
            throw new ArgumentException($"CrossEntropyLoss: logits are {logits.Shape} but weights are {weights.Shape}; expected ({n},).", nameof(weights));
        targets = (int[])targets.Clone(); // backward must see these targets even if the caller reuses the array
        for (int r = 0; r < n; r++)
            if (targets[r] != ignoreIndex && (uint)targets[r] >= (uint)c)
                throw new ArgumentException($"CrossEntropyLoss: target {targets[r]} of row {r} is out of range for {c} classes (logits {logits.Shape}).", nameof(targets));

        var z = logits.ReadOnlySpan;
        var lse = new float[n];
        double sum = 0, totalWeight = 0;
        for (int r = 0; r < n; r++)
        {
            if (targets[r] == ignoreIndex) continue;
            double w = weights is null ? 1.0 : weights.ReadOnlySpan[r];
            var row = z.Slice(r * c, c);
            float m = TensorPrimitives.Max(row);
            // Σ exp(z − m) ≥ 1, so its log never underflows; m brings the scale back.
            double sumExp = 0;
            for (int k = 0; k < c; k++) sumExp += Math.Exp(row[k] - (double)m);
            lse[r] = (float)(m + Math.Log(sumExp));
            sum += w * ((double)lse[r] - row[targets[r]]);
            totalWeight += w;
        }
        double denominator = reduction == Reduction.Mean ? totalWeight : 1.0;
        float scale = denominator == 0 ? 0f : (float)(1.0 / denominator);
        var loss = Tensor.Scalar((float)(sum * scale));
        return Autograd.IsRecording(logits)
            ? Autograd.Record(loss, new CrossEntropyNode(logits, targets, weights, ignoreIndex, lse, scale))
            : loss;
    }

    private sealed class CrossEntropyNode(Tensor logits, int[] targets, Tensor? weights, int? ignoreIndex, float[] lse,
        float scale) : Node("CrossEntropyLoss", logits)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(logits) is not { IsEmpty: false } gz) return;
            int c = logits.Shape[1];
            float k = gradOutput.Item() * scale;
            var z = logits.ReadOnlySpan;
            for (int r = 0; r < targets.Length; r++)
            {
                if (targets[r] == ignoreIndex) continue;
                float kw = weights is null ? k : k * weights.ReadOnlySpan[r];
                var row = z.Slice(r * c, c);
                var g = gz.Slice(r * c, c);
                // dz += kw·(softmax − onehot), softmax = exp(z − lse); one += per element.
                for (int j = 0; j < c; j++) g[j] += kw * (MathF.Exp(row[j] - lse[r]) - (j == targets[r] ? 1f : 0f));
            }
        }
    }
}
