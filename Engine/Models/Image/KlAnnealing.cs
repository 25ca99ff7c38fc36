using Engine.Tensors;

namespace Engine.Models;

/// <summary>How the KL weight of a VAE grows during training.</summary>
public enum AnnealingKind
{
    /// <summary>The weight rises linearly from 0 to 1 over <see cref="KlAnnealing.Steps"/> steps, then stays at 1.</summary>
    Linear,
    /// <summary>
    /// Cyclical (Fu et al., 2019): every <see cref="KlAnnealing.Steps"/> steps the weight restarts at 0 and rises
    /// linearly to 1 over the first half of the cycle, then stays at 1 for the second half.
    /// </summary>
    Cyclical,
}

/// <summary>A KL-annealing schedule, which fights posterior collapse by letting the decoder learn first.</summary>
/// <param name="Kind">Linear warm-up or cyclical.</param>
/// <param name="Steps">Warm-up length (linear) or cycle length (cyclical), in optimizer steps.</param>
public sealed record KlAnnealing(AnnealingKind Kind, int Steps)
{
    /// <summary>Linear warm-up or cyclical.</summary>
    public AnnealingKind Kind { get; init => field = Require.Defined(value, "KlAnnealing.Kind"); } = Require.Defined(Kind, "KlAnnealing.Kind");

    /// <summary>Warm-up length or cycle length in optimizer steps (at least 1).</summary>
    public int Steps { get; init => field = Require.AtLeast(value, 1, "KlAnnealing.Steps"); } = Require.AtLeast(Steps, 1, "KlAnnealing.Steps");

    /// <summary>The multiplier of the KL term at training step <paramref name="step"/> (0-based), in [0, 1].</summary>
    public float WeightAt(long step)
    {
        return Kind switch
        {
            AnnealingKind.Linear => Math.Min(1f, (float)step / Steps),
            _ => Math.Min(1f, (float)(step % Steps) / (Steps * 0.5f)),
        };
    }
}
