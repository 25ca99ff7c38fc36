using Engine.Kernels;
using Engine.Tensors;

namespace Engine.Autodiff.Ops;

// Legend: N = batch, C = input channels, H/W = input size, OC = output channels, KH/KW = kernel size,
// OH/OW = output size, s = stride, p = padding.
// Forward  y[n, oc, y, x] = b[oc] + Σ_{c, kh, kw} W[oc, c, kh, kw] · x[n, c, y·s − p + kh, x·s − p + kw].
// Backward dx += convᵀ(dy, W),  dW += Σ_{n, y, x} dy · x-patch,  db += Σ_{n, y, x} dy (kernels in Kernels/Convolution/Conv2D.cs).

public static partial class Op
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as PyTorch's <c>conv2d</c>) of an NCHW batch: input (N, C, H, W),
    /// weight (OC, C, KH, KW), bias (OC) or null; output (N, OC, OH, OW) with
    /// <c>OH = (H + 2·padding − KH) / stride + 1</c> (floor), likewise OW. Padding is zeros.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not fit, or stride/padding are out of range.</exception>
    public static Tensor Conv2D(Tensor input, Tensor weight, Tensor? bias, int stride = 1, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.Rank != 4 || weight.Rank != 4 || input.Shape[1] != weight.Shape[1] ||
            (bias is not null && (bias.Rank != 1 || bias.Size != weight.Shape[0])))
            throw new ArgumentException(
                $"Conv2D: input is {input.Shape}, weight {weight.Shape}, bias {(bias is null ? "none" : bias.Shape.ToString())}; " +
                "expected input (N, C, H, W), weight (OC, C, KH, KW), bias (OC).");
        var shape = new Conv2DShape(input.Shape[0], input.Shape[1], input.Shape[2], input.Shape[3],
            weight.Shape[0], weight.Shape[2], weight.Shape[3], stride, padding);
        shape.Validate("Conv2D");
        // Conv2DKernel.Forward writes every output element, so the pooled storage needs no zero-fill.
        var output = Tensor.Uninitialized(new Shape(shape.N, shape.OC, shape.OH, shape.OW));
        Kernels.Conv2DKernel.Forward(input.ReadOnlySpan, weight.ReadOnlySpan, bias is null ? [] : bias.ReadOnlySpan, shape,
            output.Span);
        return Autograd.IsRecording(input, weight) || (bias is not null && Autograd.IsRecording(bias))
            ? Autograd.Record(output, new Conv2DNode(input, weight, bias, shape))
            : output;
    }

    private sealed class Conv2DNode(Tensor input, Tensor weight, Tensor? bias, Conv2DShape shape)
        : Node("Conv2D", bias is null ? [input, weight] : [input, weight, bias])
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            var gy = gradOutput.ReadOnlySpan;
            // Input and weight gradients in one pass over the batch (each chunk of gy gathered once).
            Kernels.Conv2DKernel.Backward(input.ReadOnlySpan, gy, weight.ReadOnlySpan, shape, GradOf(input), GradOf(weight));
            if (bias is not null && GradOf(bias) is { IsEmpty: false } gb)
                Kernels.Conv2DKernel.BackwardBias(gy, shape, gb);
        }
    }
}
