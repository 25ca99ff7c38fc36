using Engine.Autodiff;
using Engine.Data;
using Engine.Tensors;

namespace Engine.Models;

/// <summary>Per-dimension KL and active units: the signs of posterior collapse.</summary>
/// <param name="KlPerDimension">Mean KL(q(zⱼ | x) ‖ N(0, 1)) over the data, per latent dimension, in nats.</param>
/// <param name="ActiveUnits">
/// Dimensions whose posterior mean varies with the input: Var_x(E_q[zⱼ]) &gt; <paramref name="Threshold"/>
/// (Burda et al., 2016). A collapsed dimension ignores x and carries no information.
/// </param>
/// <param name="Threshold">The activity threshold used (0.01 by convention).</param>
public sealed record PosteriorDiagnostics(float[] KlPerDimension, int ActiveUnits, float Threshold);

/// <summary>Evaluation of a trained VAE (dense or convolutional) beyond its training loss.</summary>
public static class VaeDiagnostics
{
    private const double HalfLog2Pi = 0.91893853320467274;

    /// <summary>
    /// The importance-weighted estimate of the test negative log-likelihood −log p(x) in nats per example
    /// (the IWAE bound of Burda et al., 2016): −log (1/k)·Σᵢ p(x | zᵢ)·p(zᵢ) / q(zᵢ | x) with zᵢ ~ q(z | x).
    /// It tightens towards −log p(x) as k grows; k = 1 is the negative ELBO. For the Gaussian likelihood the
    /// constants are included, so it is a true density.
    /// </summary>
    public static double ImportanceWeightedNll(IVariationalModel model, IDataset data, int samples, Random random,
        int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        using var _ = GradMode.Disable();
        bool gaussian = model.Likelihood == Likelihood.Gaussian;
        double total = 0;
        int seen = 0;
        foreach (var batch in new DataLoader(data, batchSize).Epoch())
        {
            var x = batch.Inputs;
            int n = x.Shape[0], d = model.LatentSize, f = x.Shape[1];
            var (mu, logVar) = model.Posterior(x);
            var logWeights = new double[samples, n];
            for (int s = 0; s < samples; s++)
            {
                var eps = Tensor.Normal(random, 0f, 1f, n, d);
                var z = Tensor.Zeros(n, d);
                for (int i = 0; i < z.Size; i++)
                    z.Span[i] = mu.Span[i] + MathF.Exp(0.5f * logVar.Span[i]) * eps.Span[i];
                var raw = model.DecodeRaw(z).ReadOnlySpan;
                var xs = x.ReadOnlySpan;
                for (int r = 0; r < n; r++)
                {
                    double logPx = 0, logPz = 0, logQ = 0;
                    for (int c = 0; c < f; c++)
                    {
                        double v = raw[r * f + c], t = xs[r * f + c];
                        logPx -= gaussian
                            ? 0.5 * (t - v) * (t - v) + HalfLog2Pi
                            : Math.Max(v, 0) - v * t + Math.Log(1 + Math.Exp(-Math.Abs(v)));
                    }
                    for (int j = 0; j < d; j++)
                    {
                        double zj = z.Span[r * d + j], e = eps.Span[r * d + j];
                        logPz -= 0.5 * zj * zj + HalfLog2Pi;
                        logQ -= 0.5 * e * e + HalfLog2Pi + 0.5 * logVar.Span[r * d + j];
                    }
                    logWeights[s, r] = logPx + logPz - logQ;
                }
            }
            for (int r = 0; r < n; r++)
            {
                // log-mean-exp over the k samples, shifted by the max for stability.
                double max = double.NegativeInfinity;
                for (int s = 0; s < samples; s++) max = Math.Max(max, logWeights[s, r]);
                double sum = 0;
                for (int s = 0; s < samples; s++) sum += Math.Exp(logWeights[s, r] - max);
                total -= max + Math.Log(sum / samples);
            }
            seen += n;
        }
        return total / Math.Max(seen, 1);
    }

    /// <summary>KL per latent dimension and the number of active units over a dataset.</summary>
    public static PosteriorDiagnostics Posterior(IVariationalModel model, IDataset data, float threshold = 0.01f,
        int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        using var _ = GradMode.Disable();
        int d = model.LatentSize;
        var kl = new double[d];
        var sum = new double[d];
        var sumSquares = new double[d];
        int seen = 0;
        foreach (var batch in new DataLoader(data, batchSize).Epoch())
        {
            var (mu, logVar) = model.Posterior(batch.Inputs);
            for (int r = 0; r < batch.Count; r++)
            {
                for (int j = 0; j < d; j++)
                {
                    double m = mu.Span[r * d + j], lv = logVar.Span[r * d + j];
                    kl[j] += 0.5 * (m * m + Math.Exp(lv) - 1 - lv);
                    sum[j] += m;
                    sumSquares[j] += m * m;
                }
            }
            seen += batch.Count;
        }
        int active = 0;
        var perDim = new float[d];
        for (int j = 0; j < d; j++)
        {
            perDim[j] = (float)(kl[j] / seen);
            double mean = sum[j] / seen, variance = sumSquares[j] / seen - mean * mean;
            if (variance > threshold) active++;
        }
        return new PosteriorDiagnostics(perDim, active, threshold);
    }
}
