using Engine.Kernels;
using Engine.Tensors;

namespace Engine.Autodiff.Ops;

// Legend: N = batch, C = channels, S = positions per channel and example (1 for (N, C), L for (N, C, L), H·W for
// (N, C, H, W)), M = N·S values per channel.
// Forward (training) per channel c over its M values:
//   μ = Σ x / M,  σ² = Σ (x − μ)² / M (biased),  x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β.
// Backward (Ioffe & Szegedy, 2015, the fused form), with g = γ·dy:
//   dx = (1/√(σ² + ε))·(g − mean(g) − x̂·mean(g·x̂)),  dγ += Σ dy·x̂,  dβ += Σ dy.
// μ and σ² depend on every x of the channel, which is where the two mean terms come from.

public static partial class Op
{
    /// <summary>
    /// Batch normalisation with batch statistics (training mode): each channel (axis 1) is normalised over the batch
    /// and every position, <c>y = γ·(x − μ)/√(σ² + ε) + β</c> with μ, σ² the channel's mean and biased variance.
    /// Works on (N, C), (N, C, L) and (N, C, H, W).
    /// </summary>
    /// <param name="input">(N, C, ...), at least rank 2.</param>
    /// <param name="gamma">Scale γ (C), or null for 1.</param>
    /// <param name="beta">Shift β (C), or null for 0.</param>
    /// <param name="epsilon">Added to the variance, e.g. 1e-5.</param>
    /// <param name="batchMean">The per-channel means μ (C), for the caller's running estimate.</param>
    /// <param name="batchVariance">The per-channel biased variances σ² (C).</param>
    /// <exception cref="ArgumentException">The shapes do not fit, or ε is negative or not finite.</exception>
    public static Tensor BatchNorm(Tensor input, Tensor? gamma, Tensor? beta, float epsilon, out Tensor batchMean,
        out Tensor batchVariance)
    {
        var (n, c, s) = BatchNormSizes("BatchNorm", input, gamma, beta, epsilon);
        var x = input.ReadOnlySpan;
        batchMean = Tensor.Zeros(c);
        batchVariance = Tensor.Zeros(c);
        var invStd = new float[c];
        var mean = batchMean.Span;
        var variance = batchVariance.Span;
        int m = n * s;
        if (m < 2)
            throw new ArgumentException(
                $"BatchNorm: input {input.Shape} has one value per channel; batch statistics need more (PyTorch raises too).");
        for (int ch = 0; ch < c; ch++)
        {
            // Two passes in double: the mean first, then squared deviations (no cancellation from E[x²] − μ²).
            double sum = 0;
            for (int b = 0; b < n; b++)
                foreach (float v in x.Slice((b * c + ch) * s, s)) sum += v;
            double mu = sum / m, squares = 0;
            for (int b = 0; b < n; b++)
                foreach (float v in x.Slice((b * c + ch) * s, s)) squares += (v - mu) * (v - mu);
            mean[ch] = (float)mu;
            variance[ch] = (float)(squares / m);
            invStd[ch] = (float)(1.0 / Math.Sqrt(squares / m + epsilon));
        }
        var output = Tensor.Zeros(input.Shape);
        var y = output.Span;
        var g = gamma is null ? default : gamma.ReadOnlySpan;
        var bt = beta is null ? default : beta.ReadOnlySpan;
        for (int b = 0; b < n; b++)
        for (int ch = 0; ch < c; ch++)
        {
            // y = x·a + d with a = γ/√(σ² + ε), d = β − μ·a: one fused multiply-add per element.
            float a = invStd[ch] * (g.IsEmpty ? 1f : g[ch]);
            float d = (bt.IsEmpty ? 0f : bt[ch]) - mean[ch] * a;
            int offset = (b * c + ch) * s;
            for (int i = 0; i < s; i++) y[offset + i] = x[offset + i] * a + d;
        }
        bool record = Autograd.IsRecording(input) || (gamma is not null && Autograd.IsRecording(gamma)) ||
                      (beta is not null && Autograd.IsRecording(beta));
        return record
            ? Autograd.Record(output, new BatchNormNode(input, gamma, beta, mean.ToArray(), invStd, n, c, s))
            : output;
    }

    /// <summary>Batch normalisation with batch statistics; see the overload that also returns the statistics.</summary>
    /// <exception cref="ArgumentException">The shapes do not fit, or ε is negative or not finite.</exception>
    public static Tensor BatchNorm(Tensor input, Tensor? gamma, Tensor? beta, float epsilon = 1e-5f) =>
        BatchNorm(input, gamma, beta, epsilon, out _, out _);

    /// <summary>
    /// Batch normalisation with fixed statistics (evaluation mode): <c>y = γ·(x − mean)/√(variance + ε) + β</c> per
    /// channel. The statistics are constants, so this is a plain per-channel affine map, built from broadcasting ops
    /// (its gradients flow to the input, γ and β through them).
    /// </summary>
    /// <param name="input">(N, C, ...), at least rank 2.</param>
    /// <param name="gamma">Scale γ (C), or null for 1.</param>
    /// <param name="beta">Shift β (C), or null for 0.</param>
    /// <param name="mean">Running mean (C).</param>
    /// <param name="variance">Running variance (C).</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <exception cref="ArgumentException">The shapes do not fit, or ε is negative or not finite.</exception>
    public static Tensor BatchNormInference(Tensor input, Tensor? gamma, Tensor? beta, Tensor mean, Tensor variance,
        float epsilon = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(variance);
        var (_, c, _) = BatchNormSizes("BatchNormInference", input, gamma, beta, epsilon);
        if (mean.Size != c || variance.Size != c)
            throw new ArgumentException(
                $"BatchNormInference: input {input.Shape} has {c} channels but mean is {mean.Shape} and variance {variance.Shape}.");
        // Per-channel constants shaped (C, 1, ..., 1) so they broadcast against (N, C, ...).
        var channelShape = new int[input.Rank - 1];
        channelShape.AsSpan().Fill(1);
        channelShape[0] = c;
        var scale = Tensor.Zeros(channelShape);
        var shift = Tensor.Zeros(channelShape);
        for (int ch = 0; ch < c; ch++)
        {
            float a = 1f / MathF.Sqrt(variance.ReadOnlySpan[ch] + epsilon);
            scale.Span[ch] = a;
            shift.Span[ch] = -mean.ReadOnlySpan[ch] * a;
        }
        var y = input * scale + shift;
        if (gamma is not null) y *= Reshape(gamma, channelShape);
        if (beta is not null) y += Reshape(beta, channelShape);
        return y;
    }

    private static (int N, int C, int S) BatchNormSizes(string op, Tensor input, Tensor? gamma, Tensor? beta, float epsilon)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2 || input.Shape[1] < 1)
            throw new ArgumentException($"{op}: input is {input.Shape}; expected (N, C, ...) with at least rank 2.");
        int n = input.Shape[0], c = input.Shape[1];
        if ((gamma is not null && (gamma.Rank != 1 || gamma.Size != c)) || (beta is not null && (beta.Rank != 1 || beta.Size != c)))
            throw new ArgumentException(
                $"{op}: input {input.Shape} has {c} channels but gamma is {gamma?.Shape.ToString() ?? "none"} and beta {beta?.Shape.ToString() ?? "none"}; both must be ({c}).");
        if (!(epsilon >= 0) || float.IsInfinity(epsilon))
            throw new ArgumentException($"{op}: epsilon must be finite and at least 0, got {epsilon}.");
        return (n, c, n == 0 ? 0 : input.Size / (n * c));
    }

    private sealed class BatchNormNode(Tensor input, Tensor? gamma, Tensor? beta, float[] mean, float[] invStd, int n,
        int c, int s) : Node("BatchNorm", ListInputs(input, gamma, beta))
    {
        private static Tensor[] ListInputs(Tensor input, Tensor? gamma, Tensor? beta) =>
            [input, .. gamma is null ? Array.Empty<Tensor>() : [gamma], .. beta is null ? Array.Empty<Tensor>() : [beta]];

        protected internal override void Backward(Tensor gradOutput)
        {
            var x = input.ReadOnlySpan;
            var dy = gradOutput.ReadOnlySpan;
            var gx = GradOf(input);
            var gg = gamma is null ? default : GradOf(gamma);
            var gb = beta is null ? default : GradOf(beta);
            int m = n * s;
            for (int ch = 0; ch < c; ch++)
            {
                // Σ dy and Σ dy·x̂ over the channel's M values.
                double sumDy = 0, sumDyXhat = 0;
                float mu = mean[ch], inv = invStd[ch];
                for (int b = 0; b < n; b++)
                {
                    int offset = (b * c + ch) * s;
                    for (int i = 0; i < s; i++)
                    {
                        float d = dy[offset + i];
                        sumDy += d;
                        sumDyXhat += d * (x[offset + i] - mu) * inv;
                    }
                }
                if (!gg.IsEmpty) gg[ch] += (float)sumDyXhat;
                if (!gb.IsEmpty) gb[ch] += (float)sumDy;
                if (gx.IsEmpty) continue;
                // dx = γ·inv·(dy − mean(dy) − x̂·mean(dy·x̂)).
                float k = (gamma is null ? 1f : gamma.ReadOnlySpan[ch]) * inv;
                float meanDy = (float)(sumDy / m), meanDyXhat = (float)(sumDyXhat / m);
                for (int b = 0; b < n; b++)
                {
                    int offset = (b * c + ch) * s;
                    for (int i = 0; i < s; i++)
                    {
                        float xhat = (x[offset + i] - mu) * inv;
                        gx[offset + i] += k * (dy[offset + i] - meanDy - xhat * meanDyXhat);
                    }
                }
            }
        }
    }
}
