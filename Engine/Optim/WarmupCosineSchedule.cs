namespace Engine.Optim;

/// <summary>
/// Linear warm-up, then cosine decay: the schedule Transformers are usually trained with. The rate climbs from
/// base/warmup to base over the first <see cref="WarmupEpochs"/> epochs (Adam's early steps, taken with moment
/// estimates from few gradients, then stay small), then falls along half a cosine to <see cref="MinRate"/> at
/// <see cref="TotalEpochs"/> (so the last epochs take small steps and settle in a minimum instead of bouncing
/// around it), and stays there after.
/// </summary>
public sealed record WarmupCosineSchedule : LearningRateSchedule
{
    /// <summary>A schedule that peaks at <paramref name="baseRate"/> after <paramref name="warmupEpochs"/>.</summary>
    /// <param name="baseRate">The peak learning rate (finite, positive).</param>
    /// <param name="warmupEpochs">Epochs of linear warm-up (0 starts at the peak).</param>
    /// <param name="totalEpochs">The epoch at which the rate reaches <paramref name="minRate"/> (after the warm-up).
    /// </param>
    /// <param name="minRate">The final rate (finite, between 0 and <paramref name="baseRate"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate or epoch count is out of range.</exception>
    public WarmupCosineSchedule(float baseRate, int warmupEpochs, int totalEpochs, float minRate = 0f)
    {
        if (!float.IsFinite(baseRate) || baseRate <= 0)
            throw new ArgumentOutOfRangeException(nameof(baseRate), baseRate,
                "The peak learning rate must be finite and positive.");
        ArgumentOutOfRangeException.ThrowIfNegative(warmupEpochs);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(totalEpochs, warmupEpochs);
        if (!float.IsFinite(minRate) || minRate < 0 || minRate > baseRate)
            throw new ArgumentOutOfRangeException(nameof(minRate), minRate,
                $"The final learning rate must lie in [0, {baseRate}].");
        (BaseRate, WarmupEpochs, TotalEpochs, MinRate) = (baseRate, warmupEpochs, totalEpochs, minRate);
    }

    /// <summary>The peak rate, reached after the warm-up.</summary>
    public float BaseRate { get; }

    /// <summary>Epochs of linear warm-up.</summary>
    public int WarmupEpochs { get; }

    /// <summary>The epoch at which the rate reaches <see cref="MinRate"/>.</summary>
    public int TotalEpochs { get; }

    /// <summary>The final rate.</summary>
    public float MinRate { get; }

    /// <inheritdoc/>
    public override float At(int epoch)
    {
        if (epoch < WarmupEpochs)
            return BaseRate * (Math.Max(epoch, 0) + 1) / WarmupEpochs;
        int decay = TotalEpochs - WarmupEpochs;
        float progress = Math.Min(epoch - WarmupEpochs, decay) / (float)decay;
        return MinRate + (BaseRate - MinRate) * (1f + MathF.Cos(MathF.PI * progress)) / 2f;
    }
}
