using Engine.Kernels;
using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

// Legend: N = rows (all leading dimensions of x flattened), I = in features, O = out features.
// Forward  y (N, O) = x (N, I) · Wᵀ (I, O) + b.   Weight is stored (O, I), as in PyTorch's nn.Linear.
// Backward dx += dy · W,  dW += dyᵀ · x,  db += column sums of dy.

public static partial class Ops
{
    /// <summary>
    /// The affine map of a dense layer, y = x·Wᵀ + b, as one fused op (one GEMM, bias added in the output pass).
    /// x is (..., I), weight (O, I), bias (O) or null; y is (..., O).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2 || x.Rank < 1 || x.Shape[-1] != weight.Shape[1] || (bias is not null && (bias.Rank != 1 || bias.Size != weight.Shape[0])))
            throw new ArgumentException(
                $"Linear: x is {x.Shape}, weight {weight.Shape}, bias {(bias is null ? "none" : bias.Shape.ToString())}; expected x (..., I), weight (O, I), bias (O).");
        int inF = weight.Shape[1], outF = weight.Shape[0], n = x.Size / Math.Max(inF, 1);
        var dims = x.Shape.ToArray();
        dims[^1] = outF;
        var y = Tensor.Zeros(dims);
        // The bias is added by the GEMM's epilogue while each output tile is still in cache (no second pass).
        if (bias is null) Gemm.Multiply(x.ReadOnlySpan, weight.ReadOnlySpan, n, inF, outF, y.Span, transposeB: true);
        else Gemm.MultiplyBiasActivation(x.ReadOnlySpan, weight.ReadOnlySpan, bias.ReadOnlySpan, n, inF, outF, y.Span,
            GemmActivation.None, transposeB: true);
        return Autograd.IsRecording(x, weight) || (bias is not null && Autograd.IsRecording(bias))
            ? Autograd.Record(y, new LinearNode(x, weight, bias, n, inF, outF))
            : y;
    }

    private sealed class LinearNode(Tensor x, Tensor weight, Tensor? bias, int n, int inF, int outF)
        : Node("Linear", bias is null ? [x, weight] : [x, weight, bias])
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            var gy = gradOutput.ReadOnlySpan;
            if (GradOf(x) is { IsEmpty: false } gx)
                Gemm.Multiply(gy, weight.ReadOnlySpan, n, outF, inF, gx, accumulate: true);
            if (GradOf(weight) is { IsEmpty: false } gw)
                Gemm.Multiply(gy, x.ReadOnlySpan, outF, n, inF, gw, transposeA: true, accumulate: true);
            if (bias is not null && GradOf(bias) is { IsEmpty: false } gb)
                for (int r = 0; r < n; r++) TensorPrimitives.Add(gb, gy.Slice(r * outF, outF), gb);
        }
    }
}
