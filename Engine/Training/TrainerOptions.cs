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

    /// <summary>
    /// When the loss or a gradient of a batch is NaN or infinite: false (default) stops with a
    /// <see cref="TrainingDivergedException"/> naming the epoch, step and parameter; true skips the batch without
    /// an optimizer step and counts it in <see cref="EpochReport.SkippedBatches"/>.
    /// </summary>
    public bool SkipNonFiniteBatches { get; init; }

    /// <summary>Called after every batch.</summary>
    public Action<BatchReport>? OnBatch { get; init; }

    /// <summary>Called after every epoch.</summary>
    public Action<EpochReport>? OnEpoch { get; init; }

    /// <summary>Stops training cleanly after the current batch (and saves a checkpoint there when <see cref="CheckpointPath"/> is set).</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Where to save resumable checkpoints (model, optimizer and trainer state in one safetensors file, written
    /// atomically): every <see cref="CheckpointEvery"/>, on cancellation, and at the end. Null: no checkpoints.
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>How often to save to <see cref="CheckpointPath"/>; every epoch by default.</summary>
    public CheckpointInterval CheckpointEvery { get; init; } = CheckpointInterval.Epochs(1);

    /// <summary>
    /// A checkpoint written by a run with the same seed and batch size, to continue from: the model's weights,
    /// the optimizer's state and the trainer's position are restored and training goes on to <see cref="Epochs"/>
    /// with results bitwise identical to an uninterrupted run (on the same thread count).
    /// </summary>
    public string? ResumeFrom { get; init; }
}

/// <summary>A checkpoint period: every <see cref="Count"/> batches, or every <see cref="Count"/> epochs.</summary>
public readonly record struct CheckpointInterval
{
    private CheckpointInterval(int count, bool inBatches)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
        InBatches = inBatches;
    }

    /// <summary>How many batches or epochs lie between two checkpoints.</summary>
    public int Count { get; }

    /// <summary>True when <see cref="Count"/> counts batches (across epochs), false for epochs.</summary>
    public bool InBatches { get; }

    /// <summary>Every <paramref name="count"/> batches, counted from the start of the run.</summary>
    public static CheckpointInterval Batches(int count) => new(count, inBatches: true);

    /// <summary>Every <paramref name="count"/> epochs.</summary>
    public static CheckpointInterval Epochs(int count) => new(count, inBatches: false);

    /// <inheritdoc/>
    public override string ToString() => $"every {Count} {(InBatches ? "batches" : "epochs")}";
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
    float LearningRate)
{
    /// <summary>Batches skipped because their loss or a gradient was NaN or infinite (see <see cref="TrainerOptions.SkipNonFiniteBatches"/>).</summary>
    public int SkippedBatches { get; init; }
}

/// <summary>Everything a run produced: per-epoch reports, the best epoch, and whether it stopped early.</summary>
public sealed record TrainingHistory(IReadOnlyList<EpochReport> Epochs, int BestEpoch, bool StoppedEarly, bool Cancelled);
