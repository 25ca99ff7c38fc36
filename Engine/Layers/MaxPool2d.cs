using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// 2-D max pooling (PyTorch's nn.MaxPool2d with a square window): (N, C, H, W) → (N, C, OH, OW) with
/// <c>OH = (H + 2·padding − kernel) / stride + 1</c>. No parameters.
/// </summary>
/// <param name="kernelSize">Window size.</param>
/// <param name="stride">Step between windows; null means the window size (PyTorch's default).</param>
/// <param name="padding">Implicit −∞ border, at most kernelSize / 2.</param>
public sealed class MaxPool2d(int kernelSize, int? stride = null, int padding = 0) : Module
{
    /// <summary>Window size.</summary>
    public int KernelSize { get; } = kernelSize >= 1 ? kernelSize
        : throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "MaxPool2d: the window size must be at least 1.");

    /// <summary>Step between windows.</summary>
    public int Stride { get; } = (stride ?? kernelSize) >= 1 ? stride ?? kernelSize
        : throw new ArgumentOutOfRangeException(nameof(stride), stride, "MaxPool2d: the stride must be at least 1.");

    /// <summary>Implicit −∞ border.</summary>
    public int Padding { get; } = padding >= 0 && padding <= kernelSize / 2 ? padding
        : throw new ArgumentOutOfRangeException(nameof(padding), padding, $"MaxPool2d: the padding must be in [0, {kernelSize / 2}] for a window of {kernelSize}.");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        Op.MaxPool2D(TensorChecks.Images(input, 0, "MaxPool2d.Forward"), KernelSize, Stride, Padding);
}
