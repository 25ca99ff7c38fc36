using Engine.Tensors;

namespace Engine.Autodiff.Ops;

public static partial class Op
{
    /// <summary>
    /// Binary cross-entropy on logits z against targets t in [0, 1]:
    /// ℓ = max(z, 0) − z·t + log(1 + exp(−|z|)), the numerically stable form of
    /// −[t·log σ(z) + (1 − t)·log(1 − σ(z))]. Reduced by mean or sum; the target gets no gradient.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor BceWithLogitsLoss(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(target);
        if (logits.Shape != target.Shape)
            throw new ArgumentException($"BceWithLogitsLoss: logits are {logits.Shape} but target is {target.Shape}; they must match.");
        var z = logits.ReadOnlySpan;
        var t = target.ReadOnlySpan;
        double sum = 0;
        for (int i = 0; i < z.Length; i++)
            sum += Math.Max(z[i], 0f) - z[i] * t[i] + Math.Log(1 + Math.Exp(-Math.Abs(z[i])));
        float scale = reduction == Reduction.Mean ? 1f / Math.Max(z.Length, 1) : 1f;
        var loss = Tensor.Scalar((float)(sum * scale));
        return Autograd.IsRecording(logits) ? Autograd.Record(loss, new BceWithLogitsNode(logits, target, scale)) : loss;
    }

    // dℓ/dz = σ(z) − t.
    private sealed class BceWithLogitsNode(Tensor logits, Tensor target, float scale) : Node("BceWithLogitsLoss", logits)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(logits) is not { IsEmpty: false } gz) return;
            float k = scale * gradOutput.Item();
            var z = logits.ReadOnlySpan;
            var t = target.ReadOnlySpan;
            for (int i = 0; i < gz.Length; i++) gz[i] += k * (1f / (1f + MathF.Exp(-z[i])) - t[i]);
        }
    }
}
