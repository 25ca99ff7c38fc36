using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// A 2-D convolution layer (PyTorch's nn.Conv2d with square kernel, stride and padding): input (N, C, H, W),
/// weight (OC, C, K, K), bias (OC), output (N, OC, OH, OW) with <c>OH = (H + 2·padding − K) / stride + 1</c>.
/// Initialised as PyTorch does: weight and bias uniform in ±1/√fan_in with fan_in = C·K·K.
/// </summary>
public sealed class Conv2d : Module
{
    /// <summary>Creates the layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A channel count or the kernel is less than 1, the stride is
    /// less than 1 or the padding negative.</exception>
    public Conv2d(int inChannels, int outChannels, int kernelSize, Random random, int stride = 1, int padding = 0,
        bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        (InChannels, OutChannels, KernelSize, Stride, Padding) = (inChannels, outChannels, kernelSize, stride, padding);
        float bound = 1f / MathF.Sqrt(inChannels * kernelSize * kernelSize);
        Weight = RegisterParameter("weight", Tensor.Zeros(outChannels, inChannels, kernelSize, kernelSize));
        Init.Uniform(Weight, bound, random);
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Zeros(outChannels));
            Init.Uniform(Bias, bound, random);
        }
    }

    /// <summary>Input channels C.</summary>
    public int InChannels { get; }

    /// <summary>Output channels OC.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel size K (square).</summary>
    public int KernelSize { get; }

    /// <summary>Stride in both directions.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on every border.</summary>
    public int Padding { get; }

    /// <summary>The weight, (OC, C, K, K).</summary>
    public Tensor Weight { get; }

    /// <summary>The bias, (OC), or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        Op.Conv2D(TensorChecks.Images(input, InChannels, "Conv2d.Forward"), Weight, Bias, Stride, Padding);
}
