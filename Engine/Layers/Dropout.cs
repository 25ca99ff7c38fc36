using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// Inverted dropout: in training mode each element is zeroed with probability p and the survivors are scaled by
/// 1/(1 − p), so eval mode (the identity) sees the same expected activation. The mask comes from the generator given
/// at construction, so a seeded model drops the same units on every run.
/// </summary>
public sealed class Dropout : Module
{
    private readonly Random _random;

    /// <summary>Creates the layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1).</exception>
    public Dropout(float p, Random random)
    {
        if (p is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1).");
        ArgumentNullException.ThrowIfNull(random);
        P = p;
        _random = random;
    }

    /// <summary>The probability of zeroing an element.</summary>
    public float P { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Op.Dropout(input, P, _random, IsTraining);
    }
}
