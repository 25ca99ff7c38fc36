using Engine.Tensors;

namespace Engine.Autodiff.Ops;

// Legend: N = batch (first axis), D = latent elements per example; mu and logVar are (N, ...).
// KL(q ‖ p) of q = N(mu, exp(logVar)) from p = N(0, 1), summed over every element:
//   KL = −0.5 · Σ (1 + logVar − mu² − exp(logVar)).
// Backward:  dmu += s·mu,  dlogVar += s·0.5·(exp(logVar) − 1),  with s = dL / (N for Mean, 1 for Sum).

public static partial class Op
{
    /// <summary>
    /// The KL divergence of the diagonal Gaussian N(mu, exp(logVar)) from the standard normal, the VAE
    /// regulariser: KL = −0.5·Σ (1 + logVar − mu² − exp(logVar)), fused into one op.
    /// </summary>
    /// <param name="mu">Means (N, ...), N = batch size.</param>
    /// <param name="logVar">Log-variances, the same shape.</param>
    /// <param name="reduction">
    /// Sum: the total over all N·D elements. Mean: that total divided by the batch size N only (not by N·D), i.e.
    /// the per-example KL (summed over the latent dimensions) averaged over the batch — the usual VAE convention and
    /// deliberately different from <see cref="Reduction.Mean"/> in the element-wise losses.
    /// </param>
    /// <exception cref="ArgumentException">The shapes differ or are scalars.</exception>
    public static Tensor GaussianKl(Tensor mu, Tensor logVar, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(logVar);
        if (mu.Shape != logVar.Shape || mu.Rank == 0)
            throw new ArgumentException($"GaussianKl: mu is {mu.Shape} and logVar is {logVar.Shape}; they must match and have a batch axis.");
        var m = mu.ReadOnlySpan;
        var lv = logVar.ReadOnlySpan;
        double sum = 0;
        for (int i = 0; i < m.Length; i++)
            sum += 1.0 + lv[i] - (double)m[i] * m[i] - Math.Exp(lv[i]);
        int batch = mu.Shape[0];
        float scale = reduction == Reduction.Mean ? 1f / Math.Max(batch, 1) : 1f;
        var loss = Tensor.Scalar((float)(-0.5 * sum * scale));
        return Autograd.IsRecording(mu, logVar) ? Autograd.Record(loss, new GaussianKlNode(mu, logVar, scale)) : loss;
    }

    private sealed class GaussianKlNode(Tensor mu, Tensor logVar, float scale) : Node("GaussianKl", mu, logVar)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            float s = scale * gradOutput.Item();
            var m = mu.ReadOnlySpan;
            var lv = logVar.ReadOnlySpan;
            if (GradOf(mu) is { IsEmpty: false } gm)
                for (int i = 0; i < gm.Length; i++) gm[i] += s * m[i];
            if (GradOf(logVar) is { IsEmpty: false } glv)
                for (int i = 0; i < glv.Length; i++) glv[i] += s * 0.5f * (MathF.Exp(lv[i]) - 1f);
        }
    }
}
