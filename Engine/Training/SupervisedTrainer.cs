using Engine.Autodiff;
using Engine.Data;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Training;

/// <summary>
/// Trains a <see cref="ClassifierModel"/> on labelled batches, optionally paired with unlabelled batches for
/// semi-supervised models. The loop itself (validation, early stopping, checkpoints, cancellation, the NaN guard)
/// is <see cref="TrainingLoop"/>, shared with <see cref="Trainer"/> and <see cref="TextTrainer"/>.
/// </summary>
/// <remarks>
/// Without an unlabelled set an epoch is one pass over the labelled set. With one, an epoch is one pass over the
/// unlabelled set and every step also takes the next labelled batch, reshuffling the labelled set whenever it runs
/// out, so a few labels are revisited many times. Losses are averaged per step: with paired batches there is no
/// single example count.
/// </remarks>
public sealed class SupervisedTrainer(TrainerOptions options)
{
    /// <summary>The settings of this trainer.</summary>
    public TrainerOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="labelled"/> (and <paramref name="unlabelled"/>),
    /// validating on <paramref name="validation"/> (labelled) when given.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The labelled set is empty or has a label outside the model's classes; the unlabelled or validation set has
    /// other features; the validation set is empty, has a bad label or holds NaN or infinity; the optimizer does not
    /// update this model; or the checkpoint to resume from belongs to another run.
    /// </exception>
    /// <exception cref="TrainingDivergedException">Training cannot make progress (see <see cref="Trainer.Fit"/>).</exception>
    /// <exception cref="InvalidDataException">The checkpoint to resume from is damaged.</exception>
    public TrainingHistory Fit(ClassifierModel model, Optimizer optimizer, IDataset labelled, IDataset? unlabelled = null,
        IDataset? validation = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(labelled);
        const string method = "SupervisedTrainer.Fit";
        DataChecks.NotEmpty(labelled, method, nameof(labelled));
        DataChecks.Labels(labelled, model.ClassCount, method, nameof(labelled));
        if (unlabelled is not null)
        {
            DataChecks.NotEmpty(unlabelled, method, nameof(unlabelled));
            DataChecks.SameFeatures(labelled, unlabelled, method, nameof(unlabelled));
        }
        if (validation is not null)
        {
            DataChecks.NotEmpty(validation, method, nameof(validation));
            DataChecks.SameFeatures(labelled, validation, method, nameof(validation));
            DataChecks.Labels(validation, model.ClassCount, method, nameof(validation));
            DataChecks.Finite(validation, method, nameof(validation));
        }
        var task = new ClassifierTask(this, model, labelled, unlabelled, validation);
        return new TrainingLoop(Options, task, optimizer).Run();
    }

    /// <summary>
    /// The model's mean loss per example over a labelled dataset in evaluation mode, without recording a graph
    /// (noise, if the model draws any, from a generator seeded by the trainer's seed).
    /// </summary>
    /// <exception cref="ArgumentException">The data set is empty or has a label outside the model's classes.</exception>
    public float Evaluate(ClassifierModel model, IDataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        DataChecks.NotEmpty(data, "SupervisedTrainer.Evaluate", nameof(data));
        DataChecks.Labels(data, model.ClassCount, "SupervisedTrainer.Evaluate", nameof(data));
        bool wasTraining = model.IsTraining;
        model.Eval();
        using var _ = GradMode.Disable();
        var noise = new Rng(Options.Seed + 2);
        double sum = 0;
        foreach (var batch in new DataLoader(data, Options.BatchSize).Epoch())
        {
            using var scope = TensorScope.Begin();
            sum += (double)model.Loss(batch.Inputs, batch.Labels.ToArray(), null, noise).Total.Item() * batch.Count;
        }
        if (wasTraining) model.Train();
        return (float)(sum / data.Count);
    }

    /// <summary>The predicted class of every example of <paramref name="data"/>, in order, in evaluation mode.</summary>
    public int[] Predict(ClassifierModel model, IDataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        bool wasTraining = model.IsTraining;
        model.Eval();
        var result = new int[data.Count];
        foreach (var batch in new DataLoader(data, Options.BatchSize).Epoch())
        {
            // The logits are temporaries: only the int[] of classes leaves the scope.
            using var scope = TensorScope.Begin();
            model.Predict(batch.Inputs).CopyTo(result, batch.Index * Options.BatchSize);
        }
        if (wasTraining) model.Train();
        return result;
    }

    /// <summary>Fraction of <paramref name="data"/>'s examples whose predicted class equals their label.</summary>
    /// <exception cref="ArgumentException">The data set is empty.</exception>
    public double Accuracy(ClassifierModel model, IDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataChecks.NotEmpty(data, "SupervisedTrainer.Accuracy", nameof(data));
        var predicted = Predict(model, data);
        int correct = 0;
        for (int i = 0; i < predicted.Length; i++)
            if (predicted[i] == data.Label(i)) correct++;
        return (double)correct / predicted.Length;
    }

    /// <summary>
    /// Labelled batches (from a loader that reshuffles whenever a pass ends), each paired with the next unlabelled
    /// batch when there is an unlabelled set; one step per batch, so the loss weight of every batch is 1.
    /// </summary>
    private sealed class ClassifierTask : TrainingTask
    {
        private readonly SupervisedTrainer _trainer;
        private readonly ClassifierModel _model;
        private readonly IDataset _labelled;
        private readonly IDataset? _unlabelled, _validation;
        private readonly DataLoader _labelledLoader;
        private readonly DataLoader? _unlabelledLoader;
        private readonly Rng _noise;
        private int _labelledNext;
        // The labelled examples of the batch in progress and of the last batch that trained (which Check replays).
        private int[] _pending, _last;
        private int _pendingCount, _lastCount;

        public ClassifierTask(SupervisedTrainer trainer, ClassifierModel model, IDataset labelled, IDataset? unlabelled,
            IDataset? validation) : base(model, nameof(SupervisedTrainer))
        {
            (_trainer, _model, _labelled, _unlabelled, _validation) = (trainer, model, labelled, unlabelled, validation);
            var options = trainer.Options;
            _labelledLoader = new DataLoader(labelled, Math.Min(options.BatchSize, labelled.Count), options.Seed);
            _unlabelledLoader = unlabelled is null ? null : new DataLoader(unlabelled, options.BatchSize, options.Seed + 3);
            _noise = new Rng(options.Seed + 1);
            _labelledNext = _labelledLoader.BatchCount; // the first batch begins a pass
            _pending = new int[_labelledLoader.BatchSize];
            _last = new int[_labelledLoader.BatchSize];
        }

        public override int Examples => _labelled.Count + (_unlabelled?.Count ?? 0);

        public override int BatchCount => _unlabelledLoader?.BatchCount ?? _labelledLoader.BatchCount;

        public override bool HasValidation => _validation is not null;

        public override void BeginEpoch() => _unlabelledLoader?.Shuffle();

        public override BatchLoss Loss(int batch)
        {
            if (_labelledNext == _labelledLoader.BatchCount)
            {
                _labelledLoader.Shuffle();
                _labelledNext = 0;
            }
            int index = _labelledNext++;
            var examples = _labelledLoader.ExamplesOf(index);
            examples.CopyTo(_pending);
            _pendingCount = examples.Length;
            var labelled = _labelledLoader.BatchAt(index);
            var extra = _unlabelledLoader?.BatchAt(batch);
            var loss = _model.Loss(labelled.Inputs, labelled.Labels.ToArray(), extra?.Inputs, _noise);
            return new BatchLoss(loss.Total, loss.Parts, 1, extra?.Count ?? labelled.Count);
        }

        public override void Stepped(int batch)
        {
            (_pending, _last) = (_last, _pending);
            _lastCount = _pendingCount;
        }

        public override float Check(int batch)
        {
            int features = _labelled.Features;
            var rows = new float[_lastCount * features];
            var labels = new int[_lastCount];
            for (int i = 0; i < _lastCount; i++)
            {
                _labelled.CopyRow(_last[i], rows.AsSpan(i * features, features));
                labels[i] = _labelled.Label(_last[i]);
            }
            using var scope = TensorScope.Begin();
            var extra = _unlabelledLoader?.BatchAt(batch).Inputs;
            return _model.Loss(Tensor.FromArray(rows, _lastCount, features), labels, extra,
                new Rng(_trainer.Options.Seed + 2)).Total.Item();
        }

        public override float Validate() => _trainer.Evaluate(_model, _validation!);

        public override void Save(TrainingState state)
        {
            Save(state, "labelled", _labelledLoader);
            if (_unlabelledLoader is not null) Save(state, "unlabelled", _unlabelledLoader);
            state.Positions["labelled_next"] = _labelledNext;
            state.Generators["noise"] = _noise.State;
        }

        public override void Restore(TrainingState state, string path)
        {
            var labelled = Loader(state, "labelled", path);
            var unlabelled = _unlabelledLoader is null ? null : Loader(state, "unlabelled", path);
            int next = Position(state, "labelled_next", _labelledLoader.BatchCount, path);
            var noise = Generator(state, "noise", path);
            try
            {
                _labelledLoader.State = labelled;
                if (unlabelled is not null) _unlabelledLoader!.State = unlabelled;
                _noise.State = noise;
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{path}: the saved data order does not fit this data set: {e.Message}", e);
            }
            _labelledNext = next;
        }

        private static void Save(TrainingState state, string name, DataLoader loader)
        {
            var saved = loader.State;
            state.Orders[name] = saved.Order;
            state.Generators[name] = saved.Random!.Value;
        }

        private static DataLoaderState Loader(TrainingState state, string name, string path) =>
            new(Order(state, name, path), Generator(state, name, path));
    }
}
