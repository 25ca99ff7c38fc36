using Engine.Kernels;
using Engine.Tensors;

namespace Engine.Autodiff.Ops;

// Legend: N = batch, C = channels, H/W = input size, s = integer scale.
// Forward  y[n, c, y, x] = x[n, c, y / s, x / s] (nearest neighbour: each pixel becomes an s×s block).
// Backward dx[n, c, y, x] += Σ of dy over that s×s block.

public static partial class Op
{
    /// <summary>
    /// Nearest-neighbour upsampling of an NCHW batch by an integer factor (PyTorch's
    /// <c>Upsample(scale_factor=s, mode="nearest")</c>): input (N, C, H, W) → (N, C, H·s, W·s).
    /// </summary>
    /// <exception cref="ArgumentException">The input is not 4-D or the scale is less than 1.</exception>
    public static Tensor Upsample2D(Tensor input, int scale)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4 || scale < 1)
            throw new ArgumentException($"Upsample2D: input is {input.Shape}, scale {scale}; expected (N, C, H, W) and scale ≥ 1.");
        int n = input.Shape[0], c = input.Shape[1], h = input.Shape[2], w = input.Shape[3];
        if ((long)input.Size * scale * scale > int.MaxValue)
            throw new ArgumentException($"Upsample2D: {input.Shape} scaled by {scale} exceeds 2^31 elements.");
        var output = Tensor.Zeros(n, c, h * scale, w * scale);
        Kernels.Upsample2DKernel.Forward(input.ReadOnlySpan, n, c, h, w, scale, output.Span);
        return Autograd.IsRecording(input) ? Autograd.Record(output, new Upsample2DNode(input, scale)) : output;
    }

    private sealed class Upsample2DNode(Tensor input, int scale) : Node("Upsample2D", input)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(input) is not { IsEmpty: false } gx) return;
            var d = input.Shape;
            Kernels.Upsample2DKernel.Backward(gradOutput.ReadOnlySpan, d[0], d[1], d[2], d[3], scale, gx);
        }
    }
}
