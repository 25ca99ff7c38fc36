using System.Globalization;
using Engine.Tensors;

namespace Engine.Optim;

/// <summary>A learning rate as a function of the epoch (or step) number, starting at 0.</summary>
/// <remarks>
/// The schedules here check their settings when they are set: rates finite and at least 0 (a negative rate would
/// climb the loss), periods at least 1, decay factors finite and above 0. A schedule of your own is checked where it
/// is used: <see cref="Apply"/> refuses a rate that is NaN, infinite or negative.
/// </remarks>
public abstract record LearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="epoch"/>.</summary>
    public abstract float At(int epoch);

    /// <summary>Sets the optimizer's learning rate for <paramref name="epoch"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The schedule's rate at this epoch is NaN, infinite or negative; the optimizer keeps its rate.</exception>
    public void Apply(Optimizer optimizer, int epoch)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        float rate = At(epoch);
        if (!float.IsFinite(rate) || rate < 0)
            throw new ArgumentOutOfRangeException(nameof(epoch), rate,
                $"{GetType().Name}: the learning rate at epoch {epoch + 1} (index {epoch}) is " +
                $"{rate.ToString(CultureInfo.InvariantCulture)}; it must be finite and at least 0. The optimizer keeps {optimizer.LearningRate}.");
        optimizer.LearningRate = rate;
    }

    /// <summary>A learning rate setting: finite and at least 0.</summary>
    private protected static float Rate(float value, string what) => Require.FiniteAtLeast(value, 0f, what);
}

/// <summary>The same rate at every epoch.</summary>
/// <param name="BaseRate">The rate.</param>
public sealed record ConstantSchedule(float BaseRate) : LearningRateSchedule
{
    /// <summary>The rate (finite, at least 0).</summary>
    public float BaseRate { get; init => field = Rate(value, "ConstantSchedule.BaseRate"); } = Rate(BaseRate, "ConstantSchedule.BaseRate");

    /// <inheritdoc/>
    public override float At(int epoch) => BaseRate;
}

/// <summary>base · gamma^⌊epoch / stepSize⌋ (PyTorch's StepLR).</summary>
/// <param name="BaseRate">The rate of the first <paramref name="StepSize"/> epochs.</param>
/// <param name="StepSize">Epochs between two decays.</param>
/// <param name="Gamma">The factor of each decay.</param>
public sealed record StepSchedule(float BaseRate, int StepSize, float Gamma) : LearningRateSchedule
{
    /// <summary>The rate of the first <see cref="StepSize"/> epochs (finite, at least 0).</summary>
    public float BaseRate { get; init => field = Rate(value, "StepSchedule.BaseRate"); } = Rate(BaseRate, "StepSchedule.BaseRate");

    /// <summary>Epochs between two decays (at least 1).</summary>
    public int StepSize { get; init => field = Require.AtLeast(value, 1, "StepSchedule.StepSize"); } = Require.AtLeast(StepSize, 1, "StepSchedule.StepSize");

    /// <summary>The factor of each decay (finite, above 0).</summary>
    public float Gamma { get; init => field = Require.FinitePositive(value, "StepSchedule.Gamma"); } = Require.FinitePositive(Gamma, "StepSchedule.Gamma");

    /// <inheritdoc/>
    public override float At(int epoch) => BaseRate * MathF.Pow(Gamma, epoch / StepSize);
}

/// <summary>base · gamma^epoch (PyTorch's ExponentialLR).</summary>
/// <param name="BaseRate">The rate at epoch 0.</param>
/// <param name="Gamma">The factor per epoch.</param>
public sealed record ExponentialSchedule(float BaseRate, float Gamma) : LearningRateSchedule
{
    /// <summary>The rate at epoch 0 (finite, at least 0).</summary>
    public float BaseRate { get; init => field = Rate(value, "ExponentialSchedule.BaseRate"); } = Rate(BaseRate, "ExponentialSchedule.BaseRate");

    /// <summary>The factor per epoch (finite, above 0).</summary>
    public float Gamma { get; init => field = Require.FinitePositive(value, "ExponentialSchedule.Gamma"); } = Require.FinitePositive(Gamma, "ExponentialSchedule.Gamma");

    /// <inheritdoc/>
    public override float At(int epoch) => BaseRate * MathF.Pow(Gamma, epoch);
}

/// <summary>
/// Cosine annealing from base to min over <paramref name="Period"/> epochs:
/// min + (base − min)·(1 + cos(π·epoch/period))/2 (PyTorch's CosineAnnealingLR, without restarts).
/// </summary>
/// <param name="BaseRate">The rate at epoch 0.</param>
/// <param name="Period">Epochs from the base rate down to the minimum.</param>
/// <param name="MinRate">The rate from epoch <paramref name="Period"/> on (at most <paramref name="BaseRate"/>).</param>
public sealed record CosineSchedule(float BaseRate, int Period, float MinRate = 0f) : LearningRateSchedule
{
    /// <summary>The rate at epoch 0 (finite, at least 0).</summary>
    public float BaseRate { get; init => field = Rate(value, "CosineSchedule.BaseRate"); } = Rate(BaseRate, "CosineSchedule.BaseRate");

    /// <summary>Epochs from the base rate down to the minimum (at least 1).</summary>
    public int Period { get; init => field = Require.AtLeast(value, 1, "CosineSchedule.Period"); } = Require.AtLeast(Period, 1, "CosineSchedule.Period");

    /// <summary>The rate from epoch <see cref="Period"/> on (finite, in [0, <see cref="BaseRate"/>]).</summary>
    public float MinRate { get; init => field = Rate(value, "CosineSchedule.MinRate"); } = Require.InRange(MinRate, 0f, BaseRate, "CosineSchedule.MinRate");

    /// <inheritdoc/>
    public override float At(int epoch) =>
        MinRate + (BaseRate - MinRate) * (1f + MathF.Cos(MathF.PI * Math.Min(epoch, Period) / Period)) / 2f;
}
