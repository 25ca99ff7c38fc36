using Engine.Data;
using Engine.Tensors;

namespace Engine.Training;

/// <summary>
/// Everything besides the weights that a <see cref="Trainer"/> needs to continue a run exactly: where it is
/// (epoch and batch), the random generators, the optimizer's state, the running sums of the current epoch, and
/// the early-stopping bookkeeping. Saved in the checkpoint file next to the weights (see
/// <see cref="TrainerOptions.CheckpointPath"/>).
/// </summary>
public sealed record TrainingState
{
    /// <summary>The run's seed; a resumed run must use the same.</summary>
    public required int Seed { get; init; }

    /// <summary>The run's batch size; a resumed run must use the same.</summary>
    public required int BatchSize { get; init; }

    /// <summary>The epoch in progress (or the next one when <see cref="EpochStarted"/> is false), from 0.</summary>
    public required int Epoch { get; init; }

    /// <summary>The next batch of the current epoch (equal to the batch count when all are done).</summary>
    public required int NextBatch { get; init; }

    /// <summary>Whether the epoch's order was drawn (and its learning rate set) before the checkpoint.</summary>
    public required bool EpochStarted { get; init; }

    /// <summary>Set by the final checkpoint of a run (all epochs done, or stopped early).</summary>
    public required bool Finished { get; init; }

    /// <summary>Whether early stopping ended the run; resuming then trains no more.</summary>
    public required bool StoppedEarly { get; init; }

    /// <summary>The generator behind the model's noise (<see cref="Models.AutoencoderModel.Loss"/>).</summary>
    public required RngState Noise { get; init; }

    /// <summary>The data loader's order and shuffle generator.</summary>
    public required DataLoaderState Loader { get; init; }

    /// <summary>The optimizer's type name (Adam, Sgd); a resumed run must use the same type.</summary>
    public required string Optimizer { get; init; }

    /// <summary>Optimizer steps taken.</summary>
    public required long Step { get; init; }

    /// <summary>The optimizer's learning rate.</summary>
    public required float LearningRate { get; init; }

    /// <summary>The optimizer's per-parameter buffers by slot (see <see cref="Optim.Optimizer.StateBuffers"/>).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<float[]?>> OptimizerBuffers { get; init; }

    /// <summary>Sum of batch loss × batch size so far in the current epoch.</summary>
    public required double LossSum { get; init; }

    /// <summary>Sums of the loss parts × batch size so far in the current epoch.</summary>
    public required IReadOnlyDictionary<string, double> PartSums { get; init; }

    /// <summary>Examples seen so far in the current epoch.</summary>
    public required int Seen { get; init; }

    /// <summary>The best monitored loss so far (validation, else training).</summary>
    public required float Best { get; init; }

    /// <summary>The epoch of <see cref="Best"/>, or -1.</summary>
    public required int BestEpoch { get; init; }

    /// <summary>Epochs since the best one.</summary>
    public required int SinceBest { get; init; }

    /// <summary>The weights at the best epoch (state-dict order), kept when early stopping is on.</summary>
    public required float[][]? BestWeights { get; init; }

    /// <summary>Batches skipped so far in the current epoch for a non-finite loss or gradient.</summary>
    public int Skipped { get; init; }

    /// <summary>The reports of the finished epochs.</summary>
    public required IReadOnlyList<EpochReport> Reports { get; init; }
}
