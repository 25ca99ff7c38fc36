using Engine.Tensors;

namespace Engine.Autodiff.Ops;

// The VAE reparameterisation trick as one fused op: z = mu + σ·ε with σ = exp(0.5·logVar) and ε ~ N(0, 1) drawn by
// the caller, so the op is deterministic and gradient-checkable.
// Backward:  dmu += dz;  dlogVar += dz·0.5·σ·ε;  ε is data and gets nothing.

public static partial class Op
{
    /// <summary>
    /// z = mu + exp(0.5·logVar)·epsilon, elementwise. epsilon (usually standard normal noise, e.g. from
    /// <see cref="Tensor.Normal"/> with a seeded Random) is passed in and receives no gradient.
    /// </summary>
    /// <exception cref="ArgumentException">The three shapes are not all equal.</exception>
    public static Tensor Reparameterize(Tensor mu, Tensor logVar, Tensor epsilon)
    {
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(logVar);
        ArgumentNullException.ThrowIfNull(epsilon);
        if (mu.Shape != logVar.Shape || mu.Shape != epsilon.Shape)
            throw new ArgumentException($"Reparameterize: mu is {mu.Shape}, logVar {logVar.Shape}, epsilon {epsilon.Shape}; all three must match.");
        var z = Tensor.Zeros(mu.Shape);
        var m = mu.ReadOnlySpan;
        var lv = logVar.ReadOnlySpan;
        var e = epsilon.ReadOnlySpan;
        var zs = z.Span;
        for (int i = 0; i < zs.Length; i++) zs[i] = m[i] + MathF.Exp(0.5f * lv[i]) * e[i];
        return Autograd.IsRecording(mu, logVar) ? Autograd.Record(z, new ReparameterizeNode(mu, logVar, epsilon)) : z;
    }

    private sealed class ReparameterizeNode(Tensor mu, Tensor logVar, Tensor epsilon) : Node("Reparameterize", mu, logVar)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            var g = gradOutput.ReadOnlySpan;
            if (GradOf(mu) is { IsEmpty: false } gm)
                for (int i = 0; i < gm.Length; i++) gm[i] += g[i];
            if (GradOf(logVar) is { IsEmpty: false } glv)
            {
                var lv = logVar.ReadOnlySpan;
                var e = epsilon.ReadOnlySpan;
                for (int i = 0; i < glv.Length; i++) glv[i] += g[i] * 0.5f * MathF.Exp(0.5f * lv[i]) * e[i];
            }
        }
    }
}
