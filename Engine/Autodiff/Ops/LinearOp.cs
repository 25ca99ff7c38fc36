using Engine.Kernels;
using Engine.Tensors;

namespace Engine.Autodiff.Ops;

// Legend: N = rows (all leading dimensions of x flattened), I = in features, O = out features.
// Forward  y (N, O) = act(x (N, I) · Wᵀ (I, O) + b).   Weight is stored (O, I), as in PyTorch's nn.Linear.
// Backward gz = gy ⊙ act'(z) (from the saved y),  dx += gz · W,  dW += gzᵀ · x,  db += column sums of gz.

public static partial class Op
{
    // Columns per parallel task of the activation/bias-gradient pass (a multiple of every vector width).
    private const int LinearGradColumns = 64;

    /// <summary>
    /// The affine map of a dense layer, y = x·Wᵀ + b, as one fused op (one GEMM, bias added in the output pass).
    /// x is (..., I), weight (O, I), bias (O) or null; y is (..., O).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias) => Linear(x, weight, bias, ActivationKind.Identity);

    /// <summary>
    /// The affine map of a dense layer followed by an activation, y = act(x·Wᵀ + b), as one fused op: one
    /// GEMM with the bias and activation applied in its output pass (no second pass, no pre-activation tensor).
    /// x is (..., I), weight (O, I), bias (O) or null; y is (..., O).
    /// </summary>
    /// <remarks>
    /// Equal to <c>Relu(Linear(x, w, b))</c> (or Sigmoid, Tanh) up to float32 rounding of the activation; the
    /// backward uses the activation's derivative from the saved output, as the separate ops do.
    /// </remarks>
    /// <exception cref="ArgumentException">The shapes do not fit or the activation is not defined.</exception>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias, ActivationKind activation)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2 || x.Rank < 1 || x.Shape[-1] != weight.Shape[1] || (bias is not null && (bias.Rank != 1 || bias.Size != weight.Shape[0])))
            throw new ArgumentException(
                $"Linear: x is {x.Shape}, weight {weight.Shape}, bias {(bias is null ? "none" : bias.Shape.ToString())}; expected x (..., I), weight (O, I), bias (O).");
        if (!Enum.IsDefined(activation))
            throw new ArgumentException($"Linear: activation {(int)activation} is not a ActivationKind.", nameof(activation));
        var dims = x.Shape.ToArray();
        int inF = weight.Shape[1], outF = weight.Shape[0], n = 1;
        for (int i = 0; i < dims.Length - 1; i++) n *= dims[i];
        dims[^1] = outF;
        // The GEMM overwrites every element (k = 0 included), so the pooled output needs no zero-fill.
        var y = Tensor.Uninitialized(new Shape(dims));
        // Bias and activation are applied by the GEMM's epilogue while each output tile is still in cache.
        Gemm.Run(x.ReadOnlySpan, weight.ReadOnlySpan, bias is null ? default : bias.ReadOnlySpan, n, inF, outF, y.Span,
            transposeA: false, transposeB: true, accumulate: false, activation, GemmKernelKind.Best);
        return Autograd.IsRecording(x, weight) || (bias is not null && Autograd.IsRecording(bias))
            ? Autograd.Record(y, new LinearNode(x, weight, bias, y, activation, n, inF, outF))
            : y;
    }

    private sealed class LinearNode(Tensor x, Tensor weight, Tensor? bias, Tensor y, ActivationKind activation,
        int n, int inF, int outF)
        : Node(NodeName(activation), bias is null ? [x, weight] : [x, weight, bias])
    {
        private Tensor? _y = activation == ActivationKind.Identity ? null : y;

        protected internal override void Backward(Tensor gradOutput)
        {
            bool biasGrad = bias is not null && !GradOf(bias).IsEmpty;
            // gz = gy ⊙ act'(z) into pooled scratch, and the bias gradient, in one pass over gy.
            var gz = activation == ActivationKind.Identity ? gradOutput : Tensor.Uninitialized(gradOutput.Shape);
            if (activation != ActivationKind.Identity || biasGrad)
            {
                var saved = _y ?? gradOutput;
                int blocks = (outF + LinearGradColumns - 1) / LinearGradColumns;
                ParallelRange.Chunks(blocks, 2L * n * LinearGradColumns, (start, end) => ActivationGrad.Backward(
                    saved.ReadOnlySpan, gradOutput.ReadOnlySpan, n, outF, start * LinearGradColumns,
                    Math.Min(end * LinearGradColumns, outF), activation,
                    activation == ActivationKind.Identity ? default : gz.Span, biasGrad ? bias!.Grad!.Span : default));
            }
            var g = gz.ReadOnlySpan;
            if (GradOf(x) is { IsEmpty: false } gx)
                Gemm.Multiply(g, weight.ReadOnlySpan, n, outF, inF, gx, accumulate: true);
            if (GradOf(weight) is { IsEmpty: false } gw)
                Gemm.Multiply(g, x.ReadOnlySpan, outF, n, inF, gw, transposeA: true, accumulate: true);
        }

        protected override void ReleaseSavedState() => _y = null;

        private static string NodeName(ActivationKind activation) => activation switch
        {
            ActivationKind.Relu => "Linear+Relu",
            ActivationKind.Sigmoid => "Linear+Sigmoid",
            ActivationKind.Tanh => "Linear+Tanh",
            _ => "Linear",
        };
    }
}
