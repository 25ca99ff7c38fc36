using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;
using Engine.Text;

namespace Engine.Training;

/// <summary>
/// Trains a sentence autoencoder (<see cref="ISequenceAutoencoder"/>): each epoch cuts the sentences into
/// length-bucketed batches in a seeded random order (<see cref="LengthBucketing"/>), and each batch is one step on
/// the teacher-forced loss (with word dropout when the model has it); the epoch's loss is the mean cross-entropy per
/// target token. The loop itself (validation, early stopping, checkpoints, cancellation, the NaN guard) is
/// <see cref="TrainingLoop"/>, shared with <see cref="Trainer"/> and <see cref="SupervisedTrainer"/>.
/// </summary>
/// <remarks>
/// Recurrent and attention models need their gradients clipped: set <see cref="TrainerOptions.ClipGradientNorm"/>
/// (5 is the usual choice); each epoch report then carries the mean norm before clipping as <c>grad_norm</c>.
/// </remarks>
public sealed class TextTrainer
{
    /// <summary>Creates the trainer.</summary>
    /// <param name="options">The run's settings; <see cref="TrainerOptions.BatchSize"/> counts sentences.</param>
    /// <param name="chunkBatches">Batches per length-sorted chunk (see <see cref="LengthBucketing"/>); 1 turns bucketing off.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkBatches"/> is less than 1.</exception>
    public TextTrainer(TrainerOptions options, int chunkBatches = 50)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        ChunkBatches = Require.AtLeast(chunkBatches, 1, "TextTrainer.chunkBatches");
    }

    /// <summary>The settings of this trainer.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Batches per length-sorted chunk.</summary>
    public int ChunkBatches { get; }

    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="sentences"/> (id sequences from
    /// <see cref="ISequenceAutoencoder.ToIds"/>), validating on <paramref name="validation"/> when given.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// No sentences, a null sentence, a model that is not a <see cref="Module"/>, an optimizer that does not update
    /// this model, or a checkpoint to resume from that belongs to another run.
    /// </exception>
    /// <exception cref="TrainingDivergedException">Training cannot make progress (see <see cref="Trainer.Fit"/>).</exception>
    /// <exception cref="InvalidDataException">The checkpoint to resume from is damaged.</exception>
    public TrainingHistory Fit(ISequenceAutoencoder model, Optimizer optimizer, IReadOnlyList<int[]> sentences,
        IReadOnlyList<int[]>? validation = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(sentences);
        var module = AsModule(model, "TextTrainer.Fit");
        RequireSentences(sentences, "TextTrainer.Fit", nameof(sentences));
        if (validation is not null) RequireSentences(validation, "TextTrainer.Fit", nameof(validation));
        var task = new SentenceTask(this, model, module, sentences, validation);
        return new TrainingLoop(Options, task, optimizer).Run();
    }

    /// <summary>
    /// The model's mean cross-entropy per target token over <paramref name="sentences"/>, in evaluation mode
    /// without word dropout or a graph.
    /// </summary>
    /// <exception cref="ArgumentException">No sentences, a null sentence, or a model that is not a <see cref="Module"/>.</exception>
    public float Evaluate(ISequenceAutoencoder model, IReadOnlyList<int[]> sentences)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sentences);
        var module = AsModule(model, "TextTrainer.Evaluate");
        RequireSentences(sentences, "TextTrainer.Evaluate", nameof(sentences));
        bool wasTraining = module.IsTraining;
        model.Eval();
        using var _ = Autodiff.GradMode.Disable();
        double sum = 0;
        long tokens = 0;
        for (int start = 0; start < sentences.Count; start += Options.BatchSize)
        {
            int[] indices = [.. Enumerable.Range(start, Math.Min(Options.BatchSize, sentences.Count - start))];
            using var scope = TensorScope.Begin();
            var (loss, count) = model.BatchLoss(sentences, indices, null);
            sum += (double)loss.Item() * count;
            tokens += count;
        }
        if (wasTraining) model.Train();
        return (float)(sum / Math.Max(tokens, 1));
    }

    private static Module AsModule(ISequenceAutoencoder model, string method) =>
        model as Module ?? throw new ArgumentException(
            $"{method}: the model is a {model.GetType().Name}, which is not a Module; the trainer needs its named " +
            "parameters and state dict.", nameof(model));

    private static void RequireSentences(IReadOnlyList<int[]> sentences, string method, string name)
    {
        if (sentences.Count == 0)
            throw new ArgumentException($"{method}: there are no {(name == "sentences" ? "training" : name)} sentences.", name);
        for (int i = 0; i < sentences.Count; i++)
        {
            if (sentences[i] is null)
                throw new ArgumentException($"{method}: {name}[{i}] is null.", name);
        }
    }

    /// <summary>
    /// Length-bucketed batches of sentences. Two generators, so that turning word dropout on or off does not change
    /// the batch order; the batch generator's state at the start of an epoch is saved, so a resumed run draws the
    /// same batches again.
    /// </summary>
    private sealed class SentenceTask : TrainingTask
    {
        private readonly TextTrainer _trainer;
        private readonly ISequenceAutoencoder _model;
        private readonly IReadOnlyList<int[]> _sentences;
        private readonly IReadOnlyList<int[]>? _validation;
        private readonly int[] _lengths;
        private readonly Rng _batchRandom, _dropout;
        private RngState _epochStart;
        private List<int[]> _batches = [];

        public SentenceTask(TextTrainer trainer, ISequenceAutoencoder model, Module module, IReadOnlyList<int[]> sentences,
            IReadOnlyList<int[]>? validation) : base(module, nameof(TextTrainer))
        {
            (_trainer, _model, _sentences, _validation) = (trainer, model, sentences, validation);
            _lengths = sentences.Select(s => s.Length).ToArray();
            int seed = trainer.Options.Seed;
            _batchRandom = new Rng(seed);
            _dropout = new Rng(unchecked(seed * 31 + 7));
        }

        public override int Examples => _sentences.Count;

        public override int BatchCount => _batches.Count;

        public override bool HasValidation => _validation is not null;

        public override void BeginEpoch()
        {
            _epochStart = _batchRandom.State;
            _batches = LengthBucketing.BatchIndices(_lengths, _trainer.Options.BatchSize, _trainer.ChunkBatches, _batchRandom);
        }

        public override BatchLoss Loss(int batch)
        {
            int[] indices = _batches[batch];
            var (loss, tokens) = _model.BatchLoss(_sentences, indices, _dropout);
            return new BatchLoss(loss, NoParts, tokens, indices.Length);
        }

        public override float Check(int batch)
        {
            using var scope = TensorScope.Begin();
            return _model.BatchLoss(_sentences, _batches[batch], null).Loss.Item();
        }

        public override float Validate() => _trainer.Evaluate(_model, _validation!);

        public override void Save(TrainingState state)
        {
            state.Generators["epoch_batches"] = _epochStart;
            state.Generators["batches"] = _batchRandom.State;
            state.Generators["dropout"] = _dropout.State;
        }

        public override void Restore(TrainingState state, string path)
        {
            var epochStart = Generator(state, "epoch_batches", path);
            var batches = Generator(state, "batches", path);
            var dropout = Generator(state, "dropout", path);
            try
            {
                if (state.EpochStarted)
                {
                    // Draw the interrupted epoch's batches again from where its draw began.
                    _batchRandom.State = epochStart;
                    BeginEpoch();
                }
                _batchRandom.State = batches;
                _dropout.State = dropout;
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{path}: the training state has a bad generator state: {e.Message}", e);
            }
        }

        private static readonly IReadOnlyDictionary<string, float> NoParts = new Dictionary<string, float>();
    }
}
