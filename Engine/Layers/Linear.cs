using Engine.Autodiff.Ops;
using Engine.Tensors;
using Engine.Kernels;

namespace Engine.Layers;

/// <summary>
/// A dense layer y = x·Wᵀ + b with weight (out, in) and bias (out), initialised as PyTorch's nn.Linear does:
/// uniform in ±1/√in for both.
/// </summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A feature count is less than 1.</exception>
    public Linear(int inFeatures, int outFeatures, Random random, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        float bound = 1f / MathF.Sqrt(inFeatures);
        Weight = RegisterParameter("weight", Tensor.Zeros(outFeatures, inFeatures));
        Init.Uniform(Weight, bound, random);
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Zeros(outFeatures));
            Init.Uniform(Bias, bound, random);
        }
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, (out, in).</summary>
    public Tensor Weight { get; }

    /// <summary>The bias, (out), or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Op.Linear(Checked(input), Weight, Bias);

    /// <summary>
    /// <c>activation(Forward(input))</c> as one fused op: the activation runs in the GEMM's output pass and its
    /// backward shares one pass with the bias gradient (see <see cref="Op.Linear(Tensor, Tensor, Tensor?, Engine.Kernels.ActivationKind)"/>).
    /// </summary>
    public Tensor Forward(Tensor input, ActivationKind activation) =>
        Op.Linear(Checked(input), Weight, Bias, activation);

    private Tensor Checked(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Rank > 0 && input.Shape[-1] == InFeatures
            ? input
            : throw new ArgumentException(
                $"Linear.Forward: input is {input.Shape}; expected (..., {InFeatures}) for weight {Weight.Shape}.", nameof(input));
    }
}
