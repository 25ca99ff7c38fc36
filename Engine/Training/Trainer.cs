using Engine.Autodiff;
using Engine.Data;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Training;

/// <summary>
/// Trains an <see cref="AutoencoderModel"/>: each epoch shuffles the data, and each batch is one step on the
/// model's own loss (<see cref="AutoencoderModel.Loss"/>); the epoch's loss is the mean per example. The loop
/// itself (validation, early stopping, checkpoints, cancellation, the NaN guard) is <see cref="TrainingLoop"/>,
/// shared with <see cref="SupervisedTrainer"/> and <see cref="TextTrainer"/>.
/// </summary>
public sealed class Trainer(TrainerOptions options)
{
    /// <summary>The settings of this trainer.</summary>
    public TrainerOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Trains <paramref name="model"/> on <paramref name="train"/>, validating on <paramref name="validation"/>.</summary>
    /// <remarks>
    /// With <see cref="TrainerOptions.ResumeFrom"/>, the model's weights, the optimizer's state and the loop's
    /// position are first restored from that checkpoint; the returned history then covers the whole run.
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// The training set is empty; the validation set is empty, has other features or holds NaN or infinity; the
    /// optimizer does not update this model's parameters; the checkpoint folder does not exist; or the checkpoint to
    /// resume from was made with another model, optimizer, seed, batch size or data size.
    /// </exception>
    /// <exception cref="TrainingDivergedException">
    /// Training cannot make progress: a NaN or infinite loss or gradient (unless
    /// <see cref="TrainerOptions.SkipNonFiniteBatches"/>), a step that made the weights or the loss non-finite, an
    /// epoch in which every batch was skipped, or a non-finite validation loss. The message says which weights the
    /// model is left with.
    /// </exception>
    /// <exception cref="InvalidDataException">The checkpoint to resume from is damaged.</exception>
    public TrainingHistory Fit(AutoencoderModel model, Optimizer optimizer, IDataset train, IDataset? validation = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(train);
        DataChecks.NotEmpty(train, "Trainer.Fit", nameof(train));
        if (validation is not null)
        {
            DataChecks.NotEmpty(validation, "Trainer.Fit", nameof(validation));
            DataChecks.SameFeatures(train, validation, "Trainer.Fit", nameof(validation));
            DataChecks.Finite(validation, "Trainer.Fit", nameof(validation));
        }
        var task = new AutoencoderTask(this, model, train, validation);
        return new TrainingLoop(Options, task, optimizer).Run();
    }

    /// <summary>
    /// The model's mean loss per example over a dataset in evaluation mode, without recording a graph. Noise (if the
    /// model uses any) comes from a generator seeded by the trainer's seed, so the number is reproducible.
    /// </summary>
    /// <exception cref="ArgumentException">The data set is empty.</exception>
    public float Evaluate(AutoencoderModel model, IDataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        DataChecks.NotEmpty(data, "Trainer.Evaluate", nameof(data));
        bool wasTraining = model.IsTraining;
        model.Eval();
        using var _ = GradMode.Disable();
        var noise = new Rng(Options.Seed + 2);
        double sum = 0;
        int seen = 0;
        foreach (var batch in new DataLoader(data, Options.BatchSize).Epoch())
        {
            using var scope = TensorScope.Begin();
            sum += (double)model.Loss(batch.Inputs, noise).Total.Item() * batch.Count;
            seen += batch.Count;
        }
        if (wasTraining) model.Train();
        return (float)(sum / seen);
    }

    /// <summary>Shuffled batches of the training set; the loss is the model's, weighted by the batch's examples.</summary>
    private sealed class AutoencoderTask(Trainer trainer, AutoencoderModel model, IDataset train, IDataset? validation)
        : TrainingTask(model, nameof(Trainer))
    {
        private readonly DataLoader _loader = new(train, trainer.Options.BatchSize, trainer.Options.Seed);
        private readonly Rng _noise = new(trainer.Options.Seed + 1);

        public override int Examples => train.Count;

        public override int BatchCount => _loader.BatchCount;

        public override bool HasValidation => validation is not null;

        public override void BeginEpoch() => _loader.Shuffle();

        public override BatchLoss Loss(int batch)
        {
            var inputs = _loader.BatchAt(batch).Inputs;
            var loss = model.Loss(inputs, _noise);
            return new BatchLoss(loss.Total, loss.Parts, inputs.Shape[0], inputs.Shape[0]);
        }

        public override float Check(int batch)
        {
            using var scope = TensorScope.Begin();
            return model.Loss(_loader.BatchAt(batch).Inputs, new Rng(trainer.Options.Seed + 2)).Total.Item();
        }

        public override float Validate() => trainer.Evaluate(model, validation!);

        public override void Save(TrainingState state)
        {
            var loader = _loader.State;
            state.Orders["loader"] = loader.Order;
            state.Generators["loader"] = loader.Random!.Value;
            state.Generators["noise"] = _noise.State;
        }

        public override void Restore(TrainingState state, string path)
        {
            var loader = new DataLoaderState(Order(state, "loader", path), Generator(state, "loader", path));
            var noise = Generator(state, "noise", path);
            try
            {
                _loader.State = loader;
                _noise.State = noise;
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{path}: the saved data order does not fit this data set: {e.Message}", e);
            }
        }
    }
}
