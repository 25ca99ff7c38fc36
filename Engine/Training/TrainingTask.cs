using Engine.Layers;
using Engine.Tensors;

namespace Engine.Training;

/// <summary>
/// What one batch contributes to an epoch: the loss to minimise (a scalar in the graph), its named parts for the
/// report, the batch's weight in the epoch's mean loss, and the examples it holds (for the throughput figure).
/// </summary>
internal readonly record struct BatchLoss(Tensor Total, IReadOnlyDictionary<string, float> Parts, double Weight, int Examples);

/// <summary>
/// The part of training that differs between trainers: which batches make an epoch, and the loss of one batch.
/// <see cref="TrainingLoop"/> owns everything else (steps, reports, cancellation, checkpoints, early stopping),
/// so <see cref="Trainer"/>, <see cref="SupervisedTrainer"/> and <see cref="TextTrainer"/> each only describe
/// their data.
/// </summary>
internal abstract class TrainingTask(Module model, string trainer)
{
    /// <summary>The model being trained.</summary>
    public Module Model { get; } = model;

    /// <summary>The trainer's name, for messages and to tell training checkpoints of different trainers apart.</summary>
    public string Trainer { get; } = trainer;

    /// <summary>Examples in the training set (a resumed run must train on as many).</summary>
    public abstract int Examples { get; }

    /// <summary>Batches in the current epoch (known after <see cref="BeginEpoch"/> or <see cref="Restore"/>).</summary>
    public abstract int BatchCount { get; }

    /// <summary>Draws the next epoch's batches from the trainer's generators.</summary>
    public abstract void BeginEpoch();

    /// <summary>The loss of batch <paramref name="batch"/> of the current epoch, in training mode, recording a graph.</summary>
    public abstract BatchLoss Loss(int batch);

    /// <summary>Called when the optimizer stepped on <paramref name="batch"/> (the batch <see cref="Check"/> replays).</summary>
    public virtual void Stepped(int batch)
    {
    }

    /// <summary>
    /// The loss of <paramref name="batch"/>, the last batch that trained, at the current weights. The loop calls
    /// it in evaluation mode without recording; noise comes from a fixed side generator, so the training's own
    /// generators are not touched.
    /// </summary>
    public abstract float Check(int batch);

    /// <summary>Whether there is a validation set.</summary>
    public abstract bool HasValidation { get; }

    /// <summary>The mean loss on the validation set, called in evaluation mode without recording.</summary>
    public abstract float Validate();

    /// <summary>Writes the trainer's generators, orders and positions into <paramref name="state"/>.</summary>
    public abstract void Save(TrainingState state);

    /// <summary>Restores what <see cref="Save"/> wrote, after checking that it fits this data.</summary>
    /// <exception cref="InvalidDataException">The saved sampling state is missing, damaged or does not fit; names <paramref name="path"/>.</exception>
    public abstract void Restore(TrainingState state, string path);

    /// <summary>The generator <paramref name="name"/> of a saved state, or an <see cref="InvalidDataException"/> naming the file.</summary>
    protected static RngState Generator(TrainingState state, string name, string path) =>
        state.Generators.TryGetValue(name, out var value) ? value
            : throw new InvalidDataException($"{path}: the training state has no generator '{name}'.");

    /// <summary>The order <paramref name="name"/> of a saved state, or an <see cref="InvalidDataException"/> naming the file.</summary>
    protected static int[] Order(TrainingState state, string name, string path) =>
        state.Orders.TryGetValue(name, out var value) ? value
            : throw new InvalidDataException($"{path}: the training state has no order '{name}'.");

    /// <summary>The position <paramref name="name"/> of a saved state, checked to lie in [0, <paramref name="maximum"/>].</summary>
    protected static int Position(TrainingState state, string name, int maximum, string path) =>
        state.Positions.TryGetValue(name, out int value)
            ? value >= 0 && value <= maximum ? value
                : throw new InvalidDataException($"{path}: the training state's '{name}' is {value}, outside [0, {maximum}].")
            : throw new InvalidDataException($"{path}: the training state has no position '{name}'.");
}
