using System.Text.Json.Serialization;
using Engine.Autodiff.Ops;
using Engine.Data;
using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Persistence;
using Engine.Tensors;
using Engine.Tests.Testing;
using Engine.Text;
using Engine.Training;

namespace Engine.Tests.Training;

/// <summary>
/// NaN/Inf handling of the three trainers: a non-finite loss or gradient stops training with an exception naming
/// the epoch, the step and the parameter, without an optimizer step and without overwriting the last good
/// checkpoint; with SkipNonFiniteBatches the batch is dropped and counted instead.
/// </summary>
[Trait("Layer", "Training")]
public sealed class NonFiniteTrainingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("engine-nan-").FullName;

    static NonFiniteTrainingTests() => PoisonAutoencoder.Register();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly IDataset Data = SyntheticShapes.Generate(48, seed: 5, size: 8); // 6 batches of 8, 64 features

    private static TrainerOptions Options(int epochs) => new() { Epochs = epochs, BatchSize = 8, Seed = 3 };

    private static float[] Weights(Module model) => model.Parameters().SelectMany(p => p.ToArray()).ToArray();

    [Fact]
    public void Trainer_NanLoss_StopsNamingEpochAndStep_AndKeepsTheLastGoodCheckpoint()
    {
        var model = new PoisonAutoencoder(new PoisonOptions(64, 6, 3), new Random(1)) { PoisonCall = 9, Kind = Poison.Loss };
        string path = Path.Combine(_directory, "run.safetensors");
        var optimizer = new Adam(model.Parameters(), 1e-2f);

        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(Options(3) with
        {
            CheckpointPath = path, CheckpointEvery = CheckpointInterval.Batches(1),
        }).Fit(model, optimizer, Data));

        // Call 9 is the third batch of epoch 2; the optimizer stepped 8 times and never on the bad batch.
        Assert.Equal((2, 3, (string?)null), (e.Epoch, e.Step, e.Parameter));
        Assert.Contains("epoch 2, step 3", e.Message);
        Assert.Contains("NaN", e.Message);
        Assert.Equal(8, optimizer.StepCount);
        var saved = Checkpoint.Load(path);
        Assert.All(Weights(saved), w => Assert.True(float.IsFinite(w)));
        TensorAssert.BitwiseEqual(Weights(model), Weights(saved), "checkpoint after the last good step");
    }

    [Fact]
    public void Trainer_NanGradientWithFiniteLoss_NamesTheParameterByItsStateDictName()
    {
        var model = new PoisonAutoencoder(new PoisonOptions(64, 6, 3), new Random(1)) { PoisonCall = 2, Kind = Poison.Gradient };
        var optimizer = new Sgd(model.Parameters(), 0.1f);
        float[] before = [];

        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(Options(1) with
        {
            OnBatch = _ => before = Weights(model),
        }).Fit(model, optimizer, Data));

        Assert.True(float.IsFinite(e.Loss), $"the loss {e.Loss} should be finite; only the gradient is poisoned");
        Assert.Equal((1, 2, "inner.decoder.0.weight"), (e.Epoch, e.Step, e.Parameter));
        Assert.Contains("'inner.decoder.0.weight'", e.Message);
        TensorAssert.BitwiseEqual(before, Weights(model), "weights after the bad step");
    }

    [Fact]
    public void Trainer_SkipNonFiniteBatches_DropsAndCountsThem_AndTrainsOn()
    {
        var model = new PoisonAutoencoder(new PoisonOptions(64, 6, 3), new Random(1)) { PoisonCall = 4, Kind = Poison.Gradient };
        var optimizer = new Adam(model.Parameters(), 1e-2f);

        var history = new Trainer(Options(2) with { SkipNonFiniteBatches = true }).Fit(model, optimizer, Data);

        Assert.Equal(new[] { 1, 0 }, history.Epochs.Select(r => r.SkippedBatches));
        Assert.Equal(11, optimizer.StepCount);
        Assert.All(Weights(model), w => Assert.True(float.IsFinite(w)));
        Assert.All(history.Epochs, r => Assert.True(float.IsFinite(r.TrainLoss)));
    }

    [Fact]
    public void Trainer_InfiniteWeights_NeverReachTheCheckpoint()
    {
        var model = new PoisonAutoencoder(new PoisonOptions(64, 6, 3), new Random(1));
        string path = Path.Combine(_directory, "run.safetensors");
        float[] good = [];

        // A weight that overflows after a step (here: set to +Inf after the second step) must not be saved.
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(Options(1) with
        {
            CheckpointPath = path, CheckpointEvery = CheckpointInterval.Batches(1),
            OnBatch = r =>
            {
                if (r.Batch == 0) good = Weights(model);
                else model.Parameters()[2].Span[1] = float.PositiveInfinity;
            },
        }).Fit(model, new Adam(model.Parameters(), 1e-2f), Data));

        Assert.Equal(model.NamedParameters().ElementAt(2).Name, e.Parameter);
        Assert.Contains("weights of", e.Message);
        TensorAssert.BitwiseEqual(good, Weights(Checkpoint.Load(path)), "the checkpoint of the last good step");
    }

    [Fact]
    public void SupervisedTrainer_PoisonedInput_StopsOrSkips()
    {
        var rows = new float[24 * 4];
        for (int i = 0; i < rows.Length; i++) rows[i] = (i % 7) / 7f;
        rows[13 * 4 + 2] = float.NaN;
        var labels = Enumerable.Range(0, 24).Select(i => i % 3).ToArray();
        var data = new FloatDataset(rows, 4, labels);
        var options = new TrainerOptions { Epochs = 2, BatchSize = 24, Seed = 1 };

        var classifier = NewClassifier();
        var e = Assert.Throws<TrainingDivergedException>(() =>
            new SupervisedTrainer(options).Fit(classifier, new Adam(classifier.Parameters()), data));
        Assert.Equal((1, 1), (e.Epoch, e.Step));
        Assert.Contains("SupervisedTrainer", e.Message);

        // Skipping the only batch leaves an epoch in which nothing trained: that stops the run too, rather than
        // reporting a loss of 0 for an epoch that trained nothing.
        classifier = NewClassifier();
        float[] before = Weights(classifier);
        var optimizer = new Adam(classifier.Parameters());
        var skipped = Assert.Throws<TrainingDivergedException>(() =>
            new SupervisedTrainer(options with { SkipNonFiniteBatches = true }).Fit(classifier, optimizer, data));
        Assert.Contains("no batch of epoch 1 could be trained", skipped.Message);
        Assert.Equal(0, optimizer.StepCount);
        TensorAssert.BitwiseEqual(before, Weights(classifier), "weights when every batch was skipped");
    }

    private static EncoderClassifier NewClassifier() =>
        new(new Linear(4, 5, new Random(3)), 5, 3, new Random(4));

    [Fact]
    public void TextTrainer_NanGradient_StopsOrSkips()
    {
        int[][] sentences = [.. Enumerable.Range(0, 8).Select(i => new[] { 4 + i % 3, 5, 6 })];
        var model = new PoisonSequenceModel { PoisonCall = 3 };
        var e = Assert.Throws<TrainingDivergedException>(() =>
            TextTraining.Fit(model, sentences, new TrainerOptions { Epochs = 2, BatchSize = 4 }, chunkBatches: 1));
        Assert.Equal((2, 1, "weight"), (e.Epoch, e.Step, e.Parameter));

        model = new PoisonSequenceModel { PoisonCall = 3 };
        var reports = TextTraining.Fit(model, sentences,
            new TrainerOptions { Epochs = 2, BatchSize = 4, SkipNonFiniteBatches = true }, chunkBatches: 1).Epochs;
        Assert.Equal(new[] { 0, 1 }, reports.Select(r => r.SkippedBatches));
        Assert.All(model.Parameters()[0].ToArray(), w => Assert.True(float.IsFinite(w)));
    }
}

internal enum Poison { None, Loss, Gradient }

internal sealed record PoisonOptions(int Features, int Hidden, int Latent);

/// <summary>A dense autoencoder whose loss turns NaN (or only its gradient) on one chosen call.</summary>
internal sealed class PoisonAutoencoder : AutoencoderModel
{
    private readonly DenseAutoencoder _inner;
    private int _calls;

    public PoisonAutoencoder(PoisonOptions options, Random random)
    {
        Options = options;
        _inner = RegisterModule("inner", new DenseAutoencoder(
            new DenseAutoencoderOptions(options.Features, [options.Hidden], options.Latent), random));
    }

    public PoisonOptions Options { get; }

    public int PoisonCall { get; init; }

    public Poison Kind { get; init; }

    public override int LatentSize => Options.Latent;

    public override Tensor Encode(Tensor input) => _inner.Encode(input);

    public override Tensor Decode(Tensor latent) => _inner.Decode(latent);

    public override ModelLoss Loss(Tensor input, Random random)
    {
        var loss = Op.MseLoss(Reconstruct(input), input);
        // Only training steps count: the loop also evaluates the loss (in evaluation mode) to check a step.
        if (!IsTraining || ++_calls != PoisonCall || Kind == Poison.None)
            return ModelLoss.Of(loss);
        if (Kind == Poison.Loss)
            return ModelLoss.Of(Op.Scale(loss, float.NaN));
        // sqrt(0·|w|) is 0 forward, but its backward is 0 · (0.5 / 0) = NaN for every element of w
        var decoderWeight = _inner.NamedParameters().First(p => p.Name == "decoder.0.weight").Parameter;
        return ModelLoss.Of(loss + Op.Sum(Op.Sqrt(Op.Scale(Op.Abs(decoderWeight), 0f))));
    }

    public static void Register() => ModelRegistry.Register(ModelRegistration.For<PoisonAutoencoder, PoisonOptions>(
        PoisonJson.Default.PoisonOptions, m => m.Options,
        o => checked(2L * o.Features * o.Hidden + o.Hidden + o.Features + 2L * o.Hidden * o.Latent + o.Latent + o.Hidden),
        o => new PoisonAutoencoder(o, new Random(0))));
}

/// <summary>A minimal sequence "autoencoder": one weight vector, squared-error loss, NaN gradient on one call.</summary>
internal sealed class PoisonSequenceModel : Module, ISequenceAutoencoder
{
    private readonly Tensor _weight;
    private int _calls;

    public PoisonSequenceModel() => _weight = RegisterParameter("weight", Tensor.Full(0.5f, 4));

    public int PoisonCall { get; init; }

    public Vocabulary Vocabulary { get; } = Vocabulary.Build([["a", "b", "c"]]);

    public int Dimensions => 4;

    public override Tensor Forward(Tensor input) => input;

    public float[] Encode(IReadOnlyList<IReadOnlyList<string>> sentences) => new float[sentences.Count * 4];

    public int[] ToIds(IReadOnlyList<string> tokens) => Vocabulary.Encode(tokens);

    public List<int[]> Reconstruct(IReadOnlyList<int[]> sentences) => [.. sentences];

    public (Tensor Loss, int Tokens) BatchLoss(IReadOnlyList<int[]> sentences, IReadOnlyList<int> indices, Random? wordDropout)
    {
        var loss = Op.Sum(Op.Mul(_weight, _weight));
        if (IsTraining && ++_calls == PoisonCall)
            loss = loss + Op.Sum(Op.Sqrt(Op.Scale(Op.Abs(_weight), 0f)));
        return (loss, indices.Count);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PoisonOptions))]
internal sealed partial class PoisonJson : JsonSerializerContext;
