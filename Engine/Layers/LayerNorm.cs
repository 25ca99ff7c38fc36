using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// Layer normalisation over the last dimension, y = (x − mean)/√(var + eps) ⊙ weight + bias, as PyTorch's
/// nn.LayerNorm(d): weight starts at 1, bias at 0 (parameter names <c>weight</c>, <c>bias</c>).
/// </summary>
public sealed class LayerNorm : Module
{
    /// <summary>Creates the layer for inputs (..., <paramref name="features"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">features is less than 1, or eps is negative.</exception>
    public LayerNorm(int features, float eps = 1e-5f, bool elementwiseAffine = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(eps);
        Features = features;
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(features));
            Bias = RegisterParameter("bias", Tensor.Zeros(features));
        }
    }

    /// <summary>The normalised (last) dimension.</summary>
    public int Features { get; }

    /// <summary>Added to the variance.</summary>
    public float Eps { get; }

    /// <summary>γ, (features), or null without the affine part.</summary>
    public Tensor? Weight { get; }

    /// <summary>β, (features), or null without the affine part.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Op.LayerNorm(input, Weight, Bias, Eps);
    }
}
