using Engine.Autodiff.Ops;
using Engine.Kernels;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>The activation functions a layer stack can name.</summary>
public enum ActivationKind
{
    /// <summary>The identity.</summary>
    Identity,
    /// <summary>max(x, 0).</summary>
    Relu,
    /// <summary>1 / (1 + exp(-x)).</summary>
    Sigmoid,
    /// <summary>tanh(x).</summary>
    Tanh,
}

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

    /// <summary>The same function as the GEMM epilogue names it.</summary>
    internal static GemmActivation ToGemm(ActivationKind kind) => kind switch
    {
        ActivationKind.Identity => GemmActivation.None,
        ActivationKind.Relu => GemmActivation.Relu,
        ActivationKind.Sigmoid => GemmActivation.Sigmoid,
        ActivationKind.Tanh => GemmActivation.Tanh,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation."),
    };
}
