namespace Engine.Optim;

/// <summary>A learning rate as a function of the epoch (or step) number, starting at 0.</summary>
public abstract record LearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="epoch"/>.</summary>
    public abstract float At(int epoch);

    /// <summary>Sets the optimizer's learning rate for <paramref name="epoch"/>.</summary>
    public void Apply(Optimizer optimizer, int epoch)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer.LearningRate = At(epoch);
    }
}

/// <summary>The same rate at every epoch.</summary>
public sealed record ConstantSchedule(float BaseRate) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override float At(int epoch) => BaseRate;
}

/// <summary>base · gamma^⌊epoch / stepSize⌋ (PyTorch's StepLR).</summary>
public sealed record StepSchedule(float BaseRate, int StepSize, float Gamma) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override float At(int epoch) => BaseRate * MathF.Pow(Gamma, epoch / Math.Max(StepSize, 1));
}

/// <summary>base · gamma^epoch (PyTorch's ExponentialLR).</summary>
public sealed record ExponentialSchedule(float BaseRate, float Gamma) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override float At(int epoch) => BaseRate * MathF.Pow(Gamma, epoch);
}

/// <summary>
/// Cosine annealing from base to min over <paramref name="Period"/> epochs:
/// min + (base − min)·(1 + cos(π·epoch/period))/2 (PyTorch's CosineAnnealingLR, without restarts).
/// </summary>
public sealed record CosineSchedule(float BaseRate, int Period, float MinRate = 0f) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override float At(int epoch) =>
        MinRate + (BaseRate - MinRate) * (1f + MathF.Cos(MathF.PI * Math.Min(epoch, Period) / Math.Max(Period, 1))) / 2f;
}
