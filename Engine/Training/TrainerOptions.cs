using Engine.Optim;
using Engine.Persistence;
using Engine.Tensors;

namespace Engine.Training;

/// <summary>
/// Settings of a training run, shared by <see cref="Trainer"/>, <see cref="SupervisedTrainer"/> and
/// <see cref="TextTrainer"/>: they run the same loop (<see cref="TrainingLoop"/>). Every property is checked when
/// it is set, so an options record cannot hold a value the loop would misread.
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>Passes over the training set (0 trains nothing, which resuming a finished run may want).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int Epochs { get; init => field = Require.AtLeast(value, 0, "TrainerOptions.Epochs"); } = 10;

    /// <summary>Examples (sentences for <see cref="TextTrainer"/>) per mini-batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int BatchSize { get; init => field = Require.AtLeast(value, 1, "TrainerOptions.BatchSize"); } = 128;

    /// <summary>Seeds the shuffling and the model's noise; the same seed and thread count give identical runs.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Stop after this many epochs without a better monitored loss (the validation loss, else the training loss),
    /// and restore the weights of the best epoch. Null: train all <see cref="Epochs"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int? Patience
    {
        get;
        init => field = value is int p ? Require.AtLeast(p, 1, "TrainerOptions.Patience") : null;
    }

    /// <summary>Learning rate per epoch; null keeps the optimizer's rate.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Clip the global gradient norm to this value before each step; null for no clipping.</summary>
    /// <remarks>With clipping, each epoch report has a <c>grad_norm</c> part: the mean norm before clipping.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Not finite, or not greater than 0.</exception>
    public float? ClipGradientNorm
    {
        get;
        init => field = value is float c ? Require.FinitePositive(c, "TrainerOptions.ClipGradientNorm") : null;
    }

    /// <summary>
    /// When the loss or a gradient of a batch is NaN or infinite: false (default) stops with a
    /// <see cref="TrainingDivergedException"/> naming the epoch, step and parameter; true skips the batch without
    /// an optimizer step and counts it in <see cref="EpochReport.SkippedBatches"/>. An epoch in which every batch
    /// is skipped still stops the run, and so does a step that leaves a weight non-finite (skipping a batch cannot
    /// repair a step size that is too large).
    /// </summary>
    public bool SkipNonFiniteBatches { get; init; }

    /// <summary>Called after every batch that trained.</summary>
    public Action<BatchReport>? OnBatch { get; init; }

    /// <summary>Called after every epoch.</summary>
    public Action<EpochReport>? OnEpoch { get; init; }

    /// <summary>Stops training cleanly after the current batch (and saves a checkpoint there when <see cref="CheckpointPath"/> is set).</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Where to save resumable checkpoints (model, optimizer and trainer state in one safetensors file, written
    /// atomically): every <see cref="CheckpointEvery"/>, on cancellation, and at the end. Null: no checkpoints.
    /// The folder must exist. For an autoencoder the file is also a model checkpoint that
    /// <see cref="Checkpoint.Load(string)"/> reads.
    /// </summary>
    /// <exception cref="ArgumentException">Empty or white space.</exception>
    public string? CheckpointPath { get; init => field = NonBlank(value, "TrainerOptions.CheckpointPath"); }

    /// <summary>How often to save to <see cref="CheckpointPath"/>; every epoch by default.</summary>
    /// <exception cref="ArgumentException">The default (uninitialised) interval, which counts nothing.</exception>
    public CheckpointInterval CheckpointEvery
    {
        get;
        init => field = value.Count >= 1 ? value
            : throw new ArgumentException("TrainerOptions.CheckpointEvery must be made with CheckpointInterval.Batches(n) " +
                                          "or CheckpointInterval.Epochs(n); the default value counts nothing.", nameof(CheckpointEvery));
    } = CheckpointInterval.Epochs(1);

    /// <summary>
    /// A checkpoint written by a run of the same trainer with the same seed, batch size and data, to continue from:
    /// the model's weights, the optimizer's state and the trainer's position are restored and training goes on to
    /// <see cref="Epochs"/> with results bitwise identical to an uninterrupted run (on the same thread count).
    /// </summary>
    /// <exception cref="ArgumentException">Empty or white space.</exception>
    public string? ResumeFrom { get; init => field = NonBlank(value, "TrainerOptions.ResumeFrom"); }

    private static string? NonBlank(string? value, string what) =>
        value is null || !string.IsNullOrWhiteSpace(value) ? value
            : throw new ArgumentException($"{what} is empty; give a file path or null.", what["TrainerOptions.".Length..]);
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
