using Engine.Tensors;

namespace Engine.Autodiff.Ops;

public static partial class Op
{
    /// <summary>
    /// Mean absolute error Σ |prediction − target| / count (or the sum), fused into one op. The target receives no
    /// gradient. The derivative where prediction equals target is taken as 0 (as PyTorch does).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor L1Loss(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (prediction.Shape != target.Shape)
            throw new ArgumentException($"L1Loss: prediction is {prediction.Shape} but target is {target.Shape}; they must match.");
        var p = prediction.ReadOnlySpan;
        var t = target.ReadOnlySpan;
        double sum = 0;
        for (int i = 0; i < p.Length; i++) sum += Math.Abs((double)p[i] - t[i]);
        float scale = reduction == Reduction.Mean ? 1f / Math.Max(p.Length, 1) : 1f;
        var loss = Tensor.Scalar((float)(sum * scale));
        return Autograd.IsRecording(prediction) ? Autograd.Record(loss, new L1Node(prediction, target, scale)) : loss;
    }

    // d/dp scale·Σ|p − t| = scale·sign(p − t).
    private sealed class L1Node(Tensor prediction, Tensor target, float scale) : Node("L1Loss", prediction)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(prediction) is not { IsEmpty: false } gp) return;
            float k = scale * gradOutput.Item();
            var p = prediction.ReadOnlySpan;
            var t = target.ReadOnlySpan;
            for (int i = 0; i < gp.Length; i++)
            {
                if (p[i] > t[i]) gp[i] += k;
                else if (p[i] < t[i]) gp[i] -= k;
            }
        }
    }
}
