using Engine.Tensors;

namespace Engine.Autodiff.Ops;

public static partial class Op
{
    /// <summary>
    /// Binary cross-entropy on probabilities p in [0, 1] against targets t:
    /// ℓ = −[t·max(log p, −100) + (1 − t)·max(log(1 − p), −100)]. The logs are clamped at −100 as in PyTorch, so
    /// p = 0 or 1 gives a finite loss. Reduced by mean or sum; the target gets no gradient. Prefer
    /// <see cref="BceWithLogitsLoss"/> when the probabilities come from a sigmoid: it is stabler.
    /// </summary>
    /// <remarks>
    /// Backward is the derivative of exactly this clamped function: −t/p + (1 − t)/(1 − p), where a term whose log
    /// hit the −100 clamp contributes 0 (PyTorch instead divides by max(p(1 − p), 1e-12) there).
    /// </remarks>
    /// <exception cref="ArgumentException">The shapes differ, or a probability is outside [0, 1].</exception>
    public static Tensor BceLoss(Tensor probabilities, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(target);
        if (probabilities.Shape != target.Shape)
            throw new ArgumentException($"BceLoss: probabilities are {probabilities.Shape} but target is {target.Shape}; they must match.");
        var p = probabilities.ReadOnlySpan;
        var t = target.ReadOnlySpan;
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (!(p[i] >= 0f && p[i] <= 1f))
                throw new ArgumentException($"BceLoss: probability {p[i]} at element {i} is outside [0, 1]; use BceWithLogitsLoss for logits.", nameof(probabilities));
            sum -= t[i] * ClampedLog(p[i]) + (1.0 - t[i]) * ClampedLog(1.0 - p[i]);
        }
        float scale = reduction == Reduction.Mean ? 1f / Math.Max(p.Length, 1) : 1f;
        var loss = Tensor.Scalar((float)(sum * scale));
        return Autograd.IsRecording(probabilities) ? Autograd.Record(loss, new BceNode(probabilities, target, scale)) : loss;
    }

    private const double LogClamp = -100.0;

    private static double ClampedLog(double v) => Math.Max(Math.Log(v), LogClamp);

    // dℓ/dp = −t/p + (1 − t)/(1 − p); a clamped log is constant, so its term drops out.
    private sealed class BceNode(Tensor probabilities, Tensor target, float scale) : Node("BceLoss", probabilities)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(probabilities) is not { IsEmpty: false } gp) return;
            double k = scale * gradOutput.Item();
            var p = probabilities.ReadOnlySpan;
            var t = target.ReadOnlySpan;
            for (int i = 0; i < gp.Length; i++)
            {
                double d = 0, pi = p[i], qi = 1.0 - p[i];
                if (Math.Log(pi) > LogClamp) d -= t[i] / pi;
                if (Math.Log(qi) > LogClamp) d += (1.0 - t[i]) / qi;
                gp[i] += (float)(k * d);
            }
        }
    }
}
