using Engine.Kernels;
using Engine.Tensors;

namespace Engine.Autodiff.Ops;

// Legend: N = batch, C = input channels, H/W = input size, OC = output channels, KH/KW = kernel size,
// OH/OW = output size, s = stride, p = padding, op = output padding.
// Forward  y = convᵀ(x, W) + b: every input pixel scatters W[c, :, :, :]·x[n, c, y, x] into the window at
//          (y·s − p, x·s − p) of the output; OH = (H − 1)·s − 2p + KH + op.
// Backward dx += conv(dy, W) (an ordinary convolution), dW += Σ x · dy-patch, db += Σ dy
// (kernels in Kernels/Convolution/ConvTranspose2D.cs).

public static partial class Op
{
    /// <summary>
    /// 2-D transposed convolution (PyTorch's <c>conv_transpose2d</c>), the decoder's learned upsampling:
    /// input (N, C, H, W), weight (C, OC, KH, KW) as PyTorch stores it, bias (OC) or null; output (N, OC, OH, OW) with
    /// <c>OH = (H − 1)·stride − 2·padding + KH + outputPadding</c>, likewise OW.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The shapes do not fit, or stride/padding/output padding are out of range (0 ≤ outputPadding &lt; stride).
    /// </exception>
    public static Tensor ConvTranspose2D(Tensor input, Tensor weight, Tensor? bias, int stride = 1, int padding = 0,
        int outputPadding = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.Rank != 4 || weight.Rank != 4 || input.Shape[1] != weight.Shape[0] ||
            (bias is not null && (bias.Rank != 1 || bias.Size != weight.Shape[1])))
            throw new ArgumentException(
                $"ConvTranspose2D: input is {input.Shape}, weight {weight.Shape}, bias {(bias is null ? "none" : bias.Shape.ToString())}; " +
                "expected input (N, C, H, W), weight (C, OC, KH, KW), bias (OC).");
        var shape = new ConvTranspose2DShape(input.Shape[0], input.Shape[1], input.Shape[2], input.Shape[3],
            weight.Shape[1], weight.Shape[2], weight.Shape[3], stride, padding, outputPadding);
        shape.Validate("ConvTranspose2D");
        var output = Tensor.Zeros(shape.N, shape.OC, shape.OH, shape.OW);
        Kernels.ConvTranspose2DKernel.Forward(input.ReadOnlySpan, weight.ReadOnlySpan, bias is null ? [] : bias.ReadOnlySpan,
            shape, output.Span);
        return Autograd.IsRecording(input, weight) || (bias is not null && Autograd.IsRecording(bias))
            ? Autograd.Record(output, new ConvTranspose2DNode(input, weight, bias, shape))
            : output;
    }

    private sealed class ConvTranspose2DNode(Tensor input, Tensor weight, Tensor? bias, ConvTranspose2DShape shape)
        : Node("ConvTranspose2D", bias is null ? [input, weight] : [input, weight, bias])
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            var gy = gradOutput.ReadOnlySpan;
            if (GradOf(input) is { IsEmpty: false } gx)
                Kernels.ConvTranspose2DKernel.BackwardInput(gy, weight.ReadOnlySpan, shape, gx);
            if (GradOf(weight) is { IsEmpty: false } gw)
                Kernels.ConvTranspose2DKernel.BackwardWeight(input.ReadOnlySpan, gy, shape, gw);
            if (bias is not null && GradOf(bias) is { IsEmpty: false } gb)
                Kernels.ConvTranspose2DKernel.BackwardBias(gy, shape, gb);
        }
    }
}
