using System.Runtime.CompilerServices;
using Engine.Kernels;
using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

// Legend: N = rows (all leading dimensions of x flattened), D = normalised (last) dimension.
// Forward, per row:  μ = Σx/D;  σ² = Σ(x − μ)²/D (biased, as PyTorch);  r = 1/√(σ² + eps);  x̂ = (x − μ)·r;
//                    y = x̂ ⊙ γ + β.  μ and r are saved per row for backward (llm.c's mean/rstd).
// Backward, per row: g = dy ⊙ γ;  dx += r·(g − mean(g) − x̂·mean(g ⊙ x̂));  dγ += Σ_rows dy ⊙ x̂;  dβ += Σ_rows dy.
// Derivation: llm.c doc/layernorm/layernorm.md. Rows are independent, so they run in parallel; the parameter
// gradients sum over rows in row order on one thread (a fixed order for any thread count).

public static partial class Op
{
    /// <summary>
    /// Layer normalisation over the last dimension, fused into one op:
    /// y = (x − mean) / √(var + eps) ⊙ weight + bias, with the biased variance (PyTorch's nn.LayerNorm).
    /// </summary>
    /// <param name="x">Input (..., D).</param>
    /// <param name="weight">γ, shape (D), or null for 1.</param>
    /// <param name="bias">β, shape (D), or null for 0.</param>
    /// <param name="eps">Added to the variance for stability (PyTorch's default 1e-5).</param>
    /// <exception cref="ArgumentException">x is a scalar, or weight/bias is not (D).</exception>
    /// <exception cref="ArgumentOutOfRangeException">eps is negative or not finite.</exception>
    public static Tensor LayerNorm(Tensor x, Tensor? weight, Tensor? bias, float eps = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 1 || (weight is not null && (weight.Rank != 1 || weight.Size != x.Shape[-1]))
            || (bias is not null && (bias.Rank != 1 || bias.Size != x.Shape[-1])))
            throw new ArgumentException(
                $"LayerNorm: x is {x.Shape}, weight {weight?.Shape.ToString() ?? "none"}, bias {bias?.Shape.ToString() ?? "none"}; expected x (..., D) with weight and bias (D).");
        if (!(eps >= 0f) || float.IsInfinity(eps))
            throw new ArgumentOutOfRangeException(nameof(eps), $"LayerNorm: eps {eps} must be finite and ≥ 0.");
        int d = x.Shape[-1], rows = d == 0 ? 0 : x.Size / d;
        var y = Tensor.Zeros(x.Shape);
        // Saved for backward, so they live as long as the step's graph: pooled like the tensors (every row is written).
        var mean = TensorStorage.AllocateUninitialized(rows);
        var invStd = TensorStorage.AllocateUninitialized(rows);
        ParallelRange.Chunks(rows, 8L * d, (start, end) =>
            LayerNormForward(x.ReadOnlySpan, weight is null ? default : weight.ReadOnlySpan,
                bias is null ? default : bias.ReadOnlySpan, start, end, d, eps, y.Span, mean, invStd));
        bool record = Autograd.IsRecording(x) || (weight is not null && Autograd.IsRecording(weight))
            || (bias is not null && Autograd.IsRecording(bias));
        return record ? Autograd.Record(y, new LayerNormNode(x, weight, bias, rows, d, mean, invStd)) : y;
    }

    // x (N, D), weight (D) or empty, bias (D) or empty -> y (N, D), mean (N), invStd (N); rows [start, end) only.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void LayerNormForward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int start, int end, int d, float eps, Span<float> y, Span<float> mean, Span<float> invStd)
    {
        for (int r = start; r < end; r++)
        {
            var xr = x.Slice(r * d, d);
            var yr = y.Slice(r * d, d);
            float mu = TensorPrimitives.Sum(xr) / d;
            // Two passes (centre, then square) instead of E[x²] − μ²: no cancellation when |μ| ≫ σ.
            TensorPrimitives.Subtract(xr, mu, yr);
            float rstd = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(yr) / d + eps);
            mean[r] = mu;
            invStd[r] = rstd;
            if (weight.IsEmpty) TensorPrimitives.Multiply(yr, rstd, yr);
            else
            {
                TensorPrimitives.Multiply(yr, rstd, yr);
                TensorPrimitives.Multiply(yr, weight, yr);
            }
            if (!bias.IsEmpty) TensorPrimitives.Add(yr, bias, yr);
        }
    }

    // Rows [start, end): gradInput (N, D) += r·(g − mean(g) − x̂·mean(g ⊙ x̂)) with g = gradOutput ⊙ weight.
    // ACCUMULATES into gradInput.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void LayerNormBackwardInput(ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, int start, int end,
        int d, Span<float> gradInput)
    {
        Span<float> xhat = new float[d], g = new float[d];
        for (int r = start; r < end; r++)
        {
            TensorPrimitives.Subtract(x.Slice(r * d, d), mean[r], xhat);
            TensorPrimitives.Multiply(xhat, invStd[r], xhat);
            if (weight.IsEmpty) gradOutput.Slice(r * d, d).CopyTo(g);
            else TensorPrimitives.Multiply(gradOutput.Slice(r * d, d), weight, g);
            float meanG = TensorPrimitives.Sum(g) / d;
            float meanGx = TensorPrimitives.Dot(g, xhat) / d;
            // g − meanG − x̂·meanGx, then scale by r and add into the gradient row.
            TensorPrimitives.MultiplyAdd(xhat, -meanGx, g, g);
            TensorPrimitives.Subtract(g, meanG, g);
            var gx = gradInput.Slice(r * d, d);
            TensorPrimitives.MultiplyAdd(g, invStd[r], gx, gx);
        }
    }

    // gradWeight (D) += Σ_rows gradOutput ⊙ x̂;  gradBias (D) += Σ_rows gradOutput. Either may be empty.
    // ACCUMULATES, summing rows in order.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void LayerNormBackwardParameters(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, int rows, int d, Span<float> gradWeight,
        Span<float> gradBias)
    {
        Span<float> xhat = new float[d];
        for (int r = 0; r < rows; r++)
        {
            var gy = gradOutput.Slice(r * d, d);
            if (!gradWeight.IsEmpty)
            {
                TensorPrimitives.Subtract(x.Slice(r * d, d), mean[r], xhat);
                TensorPrimitives.Multiply(xhat, invStd[r], xhat);
                TensorPrimitives.MultiplyAdd(gy, xhat, gradWeight, gradWeight);
            }
            if (!gradBias.IsEmpty) TensorPrimitives.Add(gradBias, gy, gradBias);
        }
    }

    private sealed class LayerNormNode(Tensor x, Tensor? weight, Tensor? bias, int rows, int d, float[] mean,
        float[] invStd) : Node("LayerNorm", InputList(x, weight, bias))
    {
        private float[]? _mean = mean, _invStd = invStd;

        private static Tensor[] InputList(Tensor x, Tensor? weight, Tensor? bias) =>
            [x, .. weight is null ? Array.Empty<Tensor>() : [weight], .. bias is null ? Array.Empty<Tensor>() : [bias]];

        protected internal override void Backward(Tensor gradOutput)
        {
            float[] mu = _mean!, rstd = _invStd!;
            if (GradOf(x) is { IsEmpty: false })
            {
                var gradInput = x.Grad!; // the buffer GradOf just made sure of: a lambda cannot capture the span
                ParallelRange.Chunks(rows, 10L * d, (start, end) =>
                    LayerNormBackwardInput(x.ReadOnlySpan, weight is null ? default : weight.ReadOnlySpan,
                        gradOutput.ReadOnlySpan, mu, rstd, start, end, d, gradInput.Span));
            }
            var gw = weight is null ? default : GradOf(weight);
            var gb = bias is null ? default : GradOf(bias);
            if (!gw.IsEmpty || !gb.IsEmpty)
                LayerNormBackwardParameters(x.ReadOnlySpan, gradOutput.ReadOnlySpan, mu, rstd, rows, d, gw, gb);
        }

        protected override void ReleaseSavedState() => (_mean, _invStd) = (null, null);
    }
}
