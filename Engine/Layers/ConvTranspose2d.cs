using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// A 2-D transposed convolution layer (PyTorch's nn.ConvTranspose2d with square kernel): input (N, C, H, W),
/// weight (C, OC, K, K) as PyTorch stores it, bias (OC), output (N, OC, OH, OW) with
/// <c>OH = (H − 1)·stride − 2·padding + K + outputPadding</c>.
/// </summary>
/// <remarks>
/// Initialised as PyTorch does: weight and bias uniform in ±1/√fan_in, where PyTorch computes fan_in from the
/// weight's dimension 1, which for a transposed convolution is the <em>output</em> channel count: fan_in = OC·K·K.
/// </remarks>
public sealed class ConvTranspose2d : Module
{
    /// <summary>Creates the layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range (outputPadding must be below the stride).</exception>
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, Random random, int stride = 1,
        int padding = 0, int outputPadding = 0, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfNegative(outputPadding);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(outputPadding, stride);
        (InChannels, OutChannels, KernelSize) = (inChannels, outChannels, kernelSize);
        (Stride, Padding, OutputPadding) = (stride, padding, outputPadding);
        float bound = 1f / MathF.Sqrt(outChannels * kernelSize * kernelSize);
        Weight = RegisterParameter("weight", Tensor.Zeros(inChannels, outChannels, kernelSize, kernelSize));
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

    /// <summary>Padding removed from every border of the full output.</summary>
    public int Padding { get; }

    /// <summary>Extra rows and columns at the bottom and right of the output.</summary>
    public int OutputPadding { get; }

    /// <summary>The weight, (C, OC, K, K).</summary>
    public Tensor Weight { get; }

    /// <summary>The bias, (OC), or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        Op.ConvTranspose2D(TensorChecks.Images(input, InChannels, "ConvTranspose2d.Forward"), Weight, Bias, Stride, Padding,
            OutputPadding);
}
