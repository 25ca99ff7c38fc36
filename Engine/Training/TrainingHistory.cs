namespace Engine.Training;

/// <summary>Progress after one batch that trained.</summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="Batch">The batch within the epoch, from 0.</param>
/// <param name="BatchCount">Batches in the epoch.</param>
/// <param name="Loss">The batch's loss before the step.</param>
/// <param name="ExamplesPerSecond">Examples (sentences for text) trained per second so far in this epoch.</param>
public readonly record struct BatchReport(int Epoch, int Batch, int BatchCount, float Loss, double ExamplesPerSecond);

/// <summary>The result of one epoch: mean training loss and its parts, validation loss, time.</summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="TrainLoss">
/// The mean loss of the batches that trained: per example (<see cref="Trainer"/>), per step
/// (<see cref="SupervisedTrainer"/>) or per target token (<see cref="TextTrainer"/>).
/// </param>
/// <param name="TrainParts">The loss parts, averaged the same way, and <c>grad_norm</c> (mean per step) with clipping.</param>
/// <param name="ValidationLoss">The mean loss on the validation set in evaluation mode, or null without one.</param>
/// <param name="Seconds">Wall-clock time of the epoch.</param>
/// <param name="LearningRate">The optimizer's learning rate during the epoch.</param>
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

/// <summary>Everything a run produced: per-epoch reports, the best epoch, and whether it stopped early or was cancelled.</summary>
/// <param name="Epochs">One report per epoch (a cancelled epoch is reported with the batches it trained).</param>
/// <param name="BestEpoch">The epoch with the lowest monitored loss (validation, else training), or -1.</param>
/// <param name="StoppedEarly">Whether <see cref="TrainerOptions.Patience"/> ended the run.</param>
/// <param name="Cancelled">Whether <see cref="TrainerOptions.Cancellation"/> ended the run.</param>
public sealed record TrainingHistory(IReadOnlyList<EpochReport> Epochs, int BestEpoch, bool StoppedEarly, bool Cancelled);
