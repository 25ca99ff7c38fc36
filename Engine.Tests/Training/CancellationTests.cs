using Engine.Data;
using Engine.IO;
using Engine.Models;
using Engine.Optim;
using Engine.Persistence;
using Engine.Tests.Testing;
using Engine.Text;
using Engine.Training;

namespace Engine.Tests.Training;

/// <summary>
/// Ctrl+C in the demo: a token cancelled during batch N stops every trainer right after batch N (no further
/// optimizer step), and the autoencoder trainer's checkpoint at that point loads.
/// </summary>
[Trait("Layer", "Training")]
public sealed class CancellationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("engine-cancel-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // 100 images of 8×8 in batches of 16: 7 batches per epoch, the last one of 4.
    private static readonly ByteImageDataset Shapes = SyntheticShapes.Generate(100, seed: 3, size: 8);

    private static DenseAutoencoder NewModel(int seed) =>
        new(new DenseAutoencoderOptions(64, [12], 5), new Random(seed));

    /// <summary>The training state a checkpoint holds (its "training" metadata as JSON).</summary>
    private static System.Text.Json.JsonElement TrainingStateOf(string path) =>
        System.Text.Json.JsonDocument.Parse(SafeTensors.Read(path).Metadata["training"]).RootElement;

    private static float[] Weights(AutoencoderModel model) => model.StateDict().SelectMany(s => s.Tensor.ToArray()).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(10)]
    public void Trainer_CancelledDuringBatchN_StopsAfterBatchN_AndItsCheckpointLoads(int n)
    {
        string path = Path.Combine(_directory, $"cancel-{n}.safetensors");
        using var stop = new CancellationTokenSource();
        int batches = 0;
        var model = NewModel(1);
        var optimizer = new Adam(model.Parameters(), 1e-2f);
        var history = new Trainer(new TrainerOptions
        {
            Epochs = 5, BatchSize = 16, Seed = 11, CheckpointPath = path, Cancellation = stop.Token,
            OnBatch = _ => { if (++batches == n) stop.Cancel(); },
        }).Fit(model, optimizer, Shapes);

        Assert.True(history.Cancelled);
        Assert.Equal(n, batches);
        Assert.Equal(n, optimizer.StepCount);

        // The resumable checkpoint stands exactly after batch n: weights, optimizer steps and position.
        var resumed = NewModel(99);
        var resumedOptimizer = new Adam(resumed.Parameters(), 1e-2f);
        var state = TrainingStateOf(path);
        Assert.Equal(n, state.GetProperty("epoch").GetInt32() * 7 + state.GetProperty("next_batch").GetInt32());
        Assert.False(state.GetProperty("finished").GetBoolean());
        new Trainer(new TrainerOptions { Epochs = 0, BatchSize = 16, Seed = 11, ResumeFrom = path })
            .Fit(resumed, resumedOptimizer, Shapes);
        Assert.Equal(n, resumedOptimizer.StepCount);
        TensorAssert.BitwiseEqual(Weights(model), Weights(resumed), "weights in the checkpoint");

        // It is a model checkpoint as well: --load in the demo reads it.
        var loaded = Checkpoint.Load(path);
        Assert.IsType<DenseAutoencoder>(loaded);
        TensorAssert.BitwiseEqual(Weights(model), Weights(loaded), "weights loaded as a model");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    public void SupervisedTrainer_CancelledDuringStepN_StopsAfterStepN(int n)
    {
        var labels = Enumerable.Range(0, Shapes.Count).Select(Shapes.Label).ToArray();
        var encoder = NewModel(1).Encoder;
        var model = new EncoderClassifier(encoder, 5, labels.Max() + 1, new Random(2));
        var optimizer = new Adam(model.Parameters(), 1e-2f);
        using var stop = new CancellationTokenSource();
        int steps = 0;
        var history = new SupervisedTrainer(new TrainerOptions
        {
            Epochs = 5, BatchSize = 16, Seed = 11, Cancellation = stop.Token,
            OnBatch = _ => { if (++steps == n) stop.Cancel(); },
        }).Fit(model, optimizer, Shapes);

        Assert.True(history.Cancelled);
        Assert.Equal(n, steps);
        Assert.Equal(n, optimizer.StepCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    public void TextTrainer_CancelledDuringBatchN_StopsAfterBatchN(int n)
    {
        var vocabulary = Vocabulary.Build([Enumerable.Range(0, 10).Select(i => $"w{i}").ToArray()]);
        var random = new Random(Seeds.Default);
        var sentences = Enumerable.Range(0, 40)
            .Select(_ => Enumerable.Range(0, random.Next(1, 6)).Select(_ => Vocabulary.SpecialCount + random.Next(10)).ToArray())
            .ToList();
        var model = new LstmTextAutoencoder(vocabulary, new LstmTextAutoencoderOptions
        {
            EmbeddingSize = 4, HiddenSize = 3, LatentSize = 3, Layers = 1, MaxLength = 8,
        }, new Random(1));
        using var stop = new CancellationTokenSource();
        int batches = 0;
        var before = model.Parameters().Select(p => p.ToArray()).ToArray();
        var reports = TextTraining.Fit(model, sentences, new TrainerOptions
        {
            Epochs = 5, BatchSize = 8, Seed = 5, Cancellation = stop.Token, // 5 batches per epoch
            OnBatch = _ => { if (++batches == n) stop.Cancel(); },
        }).Epochs;

        Assert.Equal(n, batches);
        Assert.Equal((n + 4) / 5, reports.Count); // the epoch in progress is reported with the batches it finished
        Assert.Contains(model.Parameters().Zip(before), p => !p.First.ToArray().SequenceEqual(p.Second));
    }
}
