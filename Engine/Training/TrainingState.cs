using Engine.Tensors;

namespace Engine.Training;

/// <summary>
/// Where a training run stands, besides the weights and the optimizer: the epoch and batch, the running sums of
/// the epoch in progress, the early-stopping bookkeeping, the finished epochs' reports, and the state of the
/// trainer's data sampling. <see cref="TrainingLoop"/> updates it as it trains, and a training checkpoint
/// (<see cref="TrainingCheckpoint"/>) is this object saved next to the weights and the optimizer's state, so
/// a resumed run continues exactly.
/// </summary>
internal sealed class TrainingState
{
    /// <summary>The epoch in progress (or the next one when <see cref="EpochStarted"/> is false), from 0.</summary>
    public int Epoch { get; set; }

    /// <summary>The next batch of the current epoch (the batch count when all are done).</summary>
    public int NextBatch { get; set; }

    /// <summary>Whether the epoch's batches were drawn (and its learning rate set).</summary>
    public bool EpochStarted { get; set; }

    /// <summary>Set by the final checkpoint of a run (all epochs done, or stopped early).</summary>
    public bool Finished { get; set; }

    /// <summary>Whether early stopping ended the run; resuming then trains no more.</summary>
    public bool StoppedEarly { get; set; }

    /// <summary>Σ batch loss × batch weight over the batches of this epoch that trained.</summary>
    public double LossSum { get; set; }

    /// <summary>Σ batch weight (examples, steps or tokens: what the trainer averages over).</summary>
    public double LossWeight { get; set; }

    /// <summary>Σ loss part × batch weight, by part name.</summary>
    public Dictionary<string, double> PartSums { get; set; } = [];

    /// <summary>Σ gradient norm before clipping (with clipping on).</summary>
    public double GradientNormSum { get; set; }

    /// <summary>Batches of this epoch that trained (optimizer steps).</summary>
    public int Steps { get; set; }

    /// <summary>Batches of this epoch skipped for a non-finite loss or gradient.</summary>
    public int Skipped { get; set; }

    /// <summary>Examples of this epoch that trained (for the examples-per-second figure).</summary>
    public long Seen { get; set; }

    /// <summary>The best monitored loss so far (validation, else training).</summary>
    public float Best { get; set; } = float.PositiveInfinity;

    /// <summary>The epoch of <see cref="Best"/>, or -1.</summary>
    public int BestEpoch { get; set; } = -1;

    /// <summary>Epochs since the best one.</summary>
    public int SinceBest { get; set; }

    /// <summary>The weights at the best epoch (state-dict order), kept when early stopping is on.</summary>
    public float[][]? BestWeights { get; set; }

    /// <summary>The reports of the finished epochs.</summary>
    public List<EpochReport> Reports { get; set; } = [];

    /// <summary>The trainer's random generators by name (the data order, the model's noise...).</summary>
    public Dictionary<string, RngState> Generators { get; } = [];

    /// <summary>The trainer's example orders by name (a data loader's current permutation).</summary>
    public Dictionary<string, int[]> Orders { get; } = [];

    /// <summary>The trainer's other positions by name (e.g. the next labelled batch of a semi-supervised run).</summary>
    public Dictionary<string, int> Positions { get; } = [];

    /// <summary>Begins an epoch: its batches are drawn, nothing is trained yet.</summary>
    public void StartEpoch()
    {
        EpochStarted = true;
        NextBatch = 0;
        LossSum = 0;
        LossWeight = 0;
        PartSums = [];
        GradientNormSum = 0;
        Steps = 0;
        Skipped = 0;
        Seen = 0;
    }
}
