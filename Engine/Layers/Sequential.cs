using Engine.Tensors;
using Engine.Kernels;

namespace Engine.Layers;

/// <summary>
/// Runs its children in order, with one fusion: a <see cref="Linear"/> directly followed by an
/// <see cref="Activation"/> runs as one op, <see cref="Linear.Forward(Tensor, ActivationKind)"/> (equal to running
/// the two one after the other up to float rounding; Engine.Tests/Layers/SequentialFusionTests.cs checks the outputs
/// and every gradient). Children are named 0, 1, 2, ... as in PyTorch's nn.Sequential, so a Linear at position 0 has
/// parameters <c>0.weight</c> and <c>0.bias</c>, and the activation after it is child 1.
/// </summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];

    /// <summary>Creates the container from its layers.</summary>
    public Sequential(params Module[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var layer in layers) Add(layer);
    }

    /// <summary>Appends a layer (named by its position) and returns this container.</summary>
    public Sequential Add(Module layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Module> Layers => _layers;

    /// <inheritdoc/>
    /// <remarks>
    /// A <see cref="Linear"/> directly followed by an <see cref="Activation"/> runs as one fused op (the activation in
    /// the GEMM's output pass, its derivative in the bias-gradient pass): the same function, two passes fewer.
    /// </remarks>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            try
            {
                if (_layers[i] is Linear linear && i + 1 < _layers.Count && _layers[i + 1] is Activation activation)
                {
                    x = linear.Forward(x, activation.Kind);
                    i++;
                }
                else
                {
                    x = _layers[i].Forward(x);
                }
            }
            catch (ArgumentException e)
            {
                // a layer names only its own input; say which layer, and what the Sequential was given
                throw new ArgumentException($"Sequential.Forward: layer {i} ({_layers[i].GetType().Name}) rejected its " +
                    $"input {x.Shape} (the Sequential's input is {input.Shape}): {TensorChecks.Reason(e)}", nameof(input), e);
            }
        }
        return x;
    }
}
