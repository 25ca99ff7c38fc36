using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Models;

/// <summary>The kinds of input corruption a denoising autoencoder learns to undo.</summary>
public enum NoiseKind
{
    /// <summary>Add N(0, level²) to every pixel, then clip to [0, 1].</summary>
    Gaussian,
    /// <summary>Set each pixel to 0 with probability level (masking noise).</summary>
    Masking,
    /// <summary>Set each pixel to 0 or 1 (half each) with probability level.</summary>
    SaltAndPepper,
}

/// <summary>How a denoising autoencoder corrupts its input; the loss is still measured against the clean input.</summary>
/// <param name="Kind">The noise model.</param>
/// <param name="Level">σ for Gaussian noise, the corrupted fraction for masking and salt-and-pepper.</param>
public sealed record Corruption(NoiseKind Kind, float Level)
{
    /// <summary>The noise model.</summary>
    public NoiseKind Kind { get; init => field = Require.Defined(value, "Corruption.Kind"); } = Require.Defined(Kind, "Corruption.Kind");

    /// <summary>
    /// σ for Gaussian noise, the corrupted fraction for masking and salt-and-pepper (finite, at least 0; a fraction
    /// is also at most 1, which the model given this record checks, as it depends on <see cref="Kind"/>).
    /// </summary>
    public float Level { get; init => field = Require.FiniteAtLeast(value, 0f, "Corruption.Level"); } = Require.FiniteAtLeast(Level, 0f, "Corruption.Level");

    /// <summary>Throws unless <see cref="Level"/> fits <see cref="Kind"/>: a masking or salt-and-pepper fraction is at most 1.</summary>
    internal void RequireFits(string owner, string parameter)
    {
        if (Kind != NoiseKind.Gaussian && Level > 1f)
            throw new ArgumentException(
                $"{owner}: the {Kind} noise level {Level} is a fraction of pixels and must be at most 1.", parameter);
    }

    /// <summary>A corrupted copy of <paramref name="clean"/> (outside any graph); the noise comes from <paramref name="random"/>.</summary>
    public Tensor Apply(Tensor clean, Random random)
    {
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(random);
        var noisy = clean.Clone();
        var s = noisy.Span;
        switch (Kind)
        {
            case NoiseKind.Gaussian:
                // Noise is drawn straight into the copy's storage (no per-batch array), then clean + noise, clipped.
                Tensor.FillNormalFast(random, s, 0f, Level);
                TensorPrimitives.Add(clean.ReadOnlySpan, s, s);
                TensorPrimitives.Clamp(s, 0f, 1f, s);
                break;
            case NoiseKind.Masking:
                for (int i = 0; i < s.Length; i++)
                    if (random.NextSingle() < Level) s[i] = 0f;
                break;
            default:
                for (int i = 0; i < s.Length; i++)
                    if (random.NextSingle() < Level) s[i] = random.Next(2);
                break;
        }
        return noisy;
    }
}
