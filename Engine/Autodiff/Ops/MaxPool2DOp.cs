using Engine.Kernels;
using Engine.Tensors;

namespace Engine.Autodiff.Ops;

// Legend: N = batch, C = channels, H/W = input size, k = window, s = stride, p = padding (−∞ border).
// Forward  y[n, c, y, x] = max of the k×k window at (y·s − p, x·s − p); the argmax of each window is cached.
// Backward dx[n, c, argmax] += dy[n, c, y, x]: each output gradient goes to the one input that won its window.

public static partial class Op
{
    /// <summary>
    /// 2-D max pooling of an NCHW batch with a square window: input (N, C, H, W) → (N, C, OH, OW) with
    /// <c>OH = (H + 2·padding − kernel) / stride + 1</c>. Ties go to the first maximum in row-major window order.
    /// </summary>
    /// <param name="input">(N, C, H, W).</param>
    /// <param name="kernel">Window size, at least 1.</param>
    /// <param name="stride">Step between windows; null means <paramref name="kernel"/> (PyTorch's default).</param>
    /// <param name="padding">Implicit −∞ border, at most kernel / 2.</param>
    /// <exception cref="ArgumentException">The input is not 4-D or a size is out of range.</exception>
    public static Tensor MaxPool2D(Tensor input, int kernel, int? stride = null, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4)
            throw new ArgumentException($"MaxPool2D: input is {input.Shape}; expected (N, C, H, W).");
        int s = stride ?? kernel;
        if (kernel < 1 || s < 1 || padding < 0 || padding > kernel / 2)
            throw new ArgumentException(
                $"MaxPool2D: kernel {kernel}, stride {s}, padding {padding}; need kernel ≥ 1, stride ≥ 1, 0 ≤ padding ≤ kernel / 2.");
        int n = input.Shape[0], c = input.Shape[1], h = input.Shape[2], w = input.Shape[3];
        if (h + 2 * padding < kernel || w + 2 * padding < kernel)
            throw new ArgumentException(
                $"MaxPool2D: the {kernel}×{kernel} window does not fit the padded input {input.Shape} (padding {padding}).");
        int oh = Kernels.MaxPool2DKernel.OutputSize(h, kernel, s, padding), ow = Kernels.MaxPool2DKernel.OutputSize(w, kernel, s, padding);
        var output = Tensor.Zeros(n, c, oh, ow);
        var indices = new int[output.Size];
        Kernels.MaxPool2DKernel.Forward(input.ReadOnlySpan, n, c, h, w, kernel, s, padding, output.Span, indices);
        return Autograd.IsRecording(input)
            ? Autograd.Record(output, new MaxPool2DNode(input, indices, kernel, s, padding))
            : output;
    }

    private sealed class MaxPool2DNode(Tensor input, int[] indices, int kernel, int stride, int padding)
        : Node("MaxPool2D", input)
    {
        private int[] _indices = indices;

        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(input) is not { IsEmpty: false } gx) return;
            var d = input.Shape;
            Kernels.MaxPool2DKernel.Backward(gradOutput.ReadOnlySpan, _indices, d[0], d[1], d[2], d[3], kernel, stride, padding, gx);
        }

        protected override void ReleaseSavedState() => _indices = [];
    }
}
