using Engine.Autodiff.Ops;
using Engine.Kernels;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>A parameter-free module applying an elementwise activation.</summary>
public sealed class Activation(ActivationKind kind) : Module
{
    /// <summary>Which function this module applies.</summary>
    public ActivationKind Kind { get; } = kind;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Apply(Kind, input);
    }

    /// <summary>Applies an activation by kind.</summary>
    public static Tensor Apply(ActivationKind kind, Tensor x) => x is null ? throw new ArgumentNullException(nameof(x)) : kind switch
    {
        ActivationKind.Identity => x,
        ActivationKind.Relu => Op.Relu(x),
        ActivationKind.Sigmoid => Op.Sigmoid(x),
        ActivationKind.Tanh => Op.Tanh(x),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation."),
    };

}
