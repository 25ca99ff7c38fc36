using Engine.Tensors;

namespace Engine.Autodiff.Ops;

public static partial class Ops
{
    /// <summary>
    /// Mean squared error Σ (prediction − target)² / count (or the sum), fused into one op.
    /// The target receives no gradient (it is data).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor MseLoss(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (prediction.Shape != target.Shape)
            throw new ArgumentException($"MseLoss: prediction is {prediction.Shape} but target is {target.Shape}; they must match.");
        var p = prediction.ReadOnlySpan;
        var t = target.ReadOnlySpan;
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double d = p[i] - t[i];
            sum += d * d;
        }
        float scale = reduction == Reduction.Mean ? 1f / Math.Max(p.Length, 1) : 1f;
        var loss = Tensor.Scalar((float)(sum * scale));
        return Autograd.IsRecording(prediction) ? Autograd.Record(loss, new MseNode(prediction, target, scale)) : loss;
    }

    // d/dp scale·Σ(p − t)² = 2·scale·(p − t).
    private sealed class MseNode(Tensor prediction, Tensor target, float scale) : Node("MseLoss", prediction)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(prediction) is not { IsEmpty: false } gp) return;
            float k = 2f * scale * gradOutput.Item();
            var p = prediction.ReadOnlySpan;
            var t = target.ReadOnlySpan;
            for (int i = 0; i < gp.Length; i++) gp[i] += k * (p[i] - t[i]);
        }
    }
}
