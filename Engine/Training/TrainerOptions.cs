using Engine.Optim;

namespace Engine.Training;

/// <summary>Settings of a <see cref="Trainer"/> run.</summary>
public sealed record TrainerOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per mini-batch.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Seeds the shuffling and the model's noise; the same seed and thread count give identical runs.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Stop after this many epochs without a better validation loss, and restore the best weights.</summary>
    public int? Patience { get; init; }

    /// <summary>Learning rate per epoch; null keeps the optimizer's rate.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Clip the global gradient norm to this value before each step; null for no clipping.</summary>
    public float? ClipGradientNorm { get; init; }

    /// <summary>Called after every batch.</summary>
    public Action<BatchReport>? OnBatch { get; init; }

    /// <summary>Called after every epoch.</summary>
    public Action<EpochReport>? OnEpoch { get; init; }

    /// <summary>Stops training cleanly after the current batch.</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>Progress after one batch.</summary>
public readonly record struct BatchReport(int Epoch, int Batch, int BatchCount, float Loss, double ExamplesPerSecond);

/// <summary>The result of one epoch: mean training loss and its parts, validation loss, time.</summary>
public sealed record EpochReport(
    int Epoch,
    float TrainLoss,
    IReadOnlyDictionary<string, float> TrainParts,
    float? ValidationLoss,
    double Seconds,
    float LearningRate);

/// <summary>Everything a run produced: per-epoch reports, the best epoch, and whether it stopped early.</summary>
public sealed record TrainingHistory(IReadOnlyList<EpochReport> Epochs, int BestEpoch, bool StoppedEarly, bool Cancelled);
