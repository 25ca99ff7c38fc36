using Engine.Data;
using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Tests.Testing;
using Engine.Training;

namespace Engine.Tests.Training;

/// <summary>
/// The three trainers run one loop (<see cref="TrainingLoop"/>), so checkpoints, cancellation and resume work the
/// same for all of them: a run cancelled in the middle of an epoch and resumed in a fresh model, optimizer and
/// trainer ends bitwise where the uninterrupted run ends, for a semi-supervised classifier (labelled batches that
/// wrap around mid-epoch), a sentence autoencoder with word dropout, and a VAE whose KL weight warms up with the
/// step count the loop owns.
/// </summary>
[Trait("Layer", "Training")]
public sealed class SharedLoopResumeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("engine-shared-resume-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static float[] Weights(Module model) => model.StateDict().SelectMany(s => s.Tensor.ToArray()).ToArray();

    /// <summary>
    /// Runs <paramref name="fit"/> uninterrupted, then cancelled after global batch <paramref name="cancelAfter"/>
    /// with a checkpoint, then resumed from it; returns both final weights and both histories.
    /// </summary>
    private (float[] Full, float[] Resumed, TrainingHistory FullHistory, TrainingHistory ResumedHistory) RunThreeWays(
        Func<int, Module> build, Func<Module, TrainerOptions, TrainingHistory> fit, TrainerOptions options, int cancelAfter)
    {
        var reference = build(1);
        var full = fit(reference, options);

        string path = Path.Combine(_directory, $"run-{Guid.NewGuid():N}.safetensors");
        using var stop = new CancellationTokenSource();
        int batches = 0;
        var first = build(1);
        var interrupted = fit(first, options with
        {
            CheckpointPath = path, Cancellation = stop.Token,
            OnBatch = _ => { if (++batches == cancelAfter) stop.Cancel(); },
        });
        Assert.True(interrupted.Cancelled);

        var resumed = build(99); // another initialisation: the weights must come from the checkpoint
        var rest = fit(resumed, options with { ResumeFrom = path });
        return (Weights(reference), Weights(resumed), full, rest);
    }

    private static void AssertSameRun((float[] Full, float[] Resumed, TrainingHistory FullHistory, TrainingHistory ResumedHistory) run,
        string what)
    {
        TensorAssert.BitwiseEqual(run.Full, run.Resumed, $"{what}: weights after resume");
        Assert.Equal(run.FullHistory.Epochs.Select(e => e.TrainLoss), run.ResumedHistory.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(run.FullHistory.Epochs.Select(e => e.ValidationLoss), run.ResumedHistory.Epochs.Select(e => e.ValidationLoss));
        Assert.Equal(run.FullHistory.BestEpoch, run.ResumedHistory.BestEpoch);
    }

    [Fact]
    public void SupervisedTrainer_SemiSupervised_CancelMidEpochThenResume_MatchesUninterruptedRun()
    {
        // 64 unlabelled rows in batches of 16 drive 4 steps per epoch; 20 labelled rows give 2 labelled batches, so
        // the labelled set is reshuffled in the middle of every epoch and its position must be restored exactly.
        var data = SyntheticShapes.Generate(64, seed: 5, size: 8);
        var labelled = data.Subset(Enumerable.Range(0, 20).ToArray());
        var validation = data.Subset(Enumerable.Range(40, 24).ToArray());
        var run = RunThreeWays(
            seed => new JointAutoencoderClassifier(
                new DenseAutoencoder(new DenseAutoencoderOptions(64, [12], 4), new Random(seed)), 4, 0.5f, new Random(seed + 1)),
            (model, options) => new SupervisedTrainer(options)
                .Fit((ClassifierModel)model, new Adam(model.Parameters(), 1e-2f), labelled, data, validation),
            new TrainerOptions { Epochs = 3, BatchSize = 16, Seed = 7, Patience = 5, ClipGradientNorm = 1f },
            cancelAfter: 6);
        AssertSameRun(run, "semi-supervised classifier");
    }

    [Fact]
    public void TextTrainer_LstmWithWordDropout_CancelMidEpochThenResume_MatchesUninterruptedRun()
    {
        var sentences = ToyText.Sentences(new Random(2), 40, 1, 8);
        var validation = ToyText.Sentences(new Random(3), 12, 1, 8);
        var run = RunThreeWays(
            seed => new LstmTextAutoencoder(ToyText.TenWords, new LstmTextAutoencoderOptions
            {
                EmbeddingSize = 6, HiddenSize = 8, LatentSize = 5, Layers = 1, Bidirectional = true, MaxLength = 8,
                WordDropout = 0.2f,
            }, new Random(seed)),
            (model, options) => new TextTrainer(options, chunkBatches: 2)
                .Fit((ISequenceAutoencoder)model, new Adam(model.Parameters(), 1e-2f), sentences, validation),
            new TrainerOptions { Epochs = 3, BatchSize = 8, Seed = 4, ClipGradientNorm = 5f },
            cancelAfter: 7); // epoch 2, batch 2 of 5
        AssertSameRun(run, "LSTM text autoencoder");
    }

    [Fact]
    public void Trainer_VaeWithKlWarmUp_CancelMidEpochThenResume_ContinuesTheAnnealingSchedule()
    {
        // The KL weight follows the optimizer's step count, which the checkpoint restores; when the VAE counted
        // its own Loss calls, a resumed run restarted the warm-up from 0 and drifted from the uninterrupted run.
        var data = SyntheticShapes.Generate(60, seed: 3, size: 8);
        var run = RunThreeWays(
            seed => new VariationalAutoencoder(new VaeOptions(64, [16], 3,
                Annealing: new KlAnnealing(AnnealingKind.Linear, 10)), new Random(seed)),
            (model, options) => new Trainer(options).Fit((AutoencoderModel)model, new Adam(model.Parameters(), 1e-2f), data),
            new TrainerOptions { Epochs = 3, BatchSize = 16, Seed = 2 },
            cancelAfter: 6);
        AssertSameRun(run, "VAE with KL warm-up");
    }

    [Fact]
    public void Trainer_Vae_TheLoopSetsTheTrainingStepAndTheLossOnlyReadsIt()
    {
        var model = new VariationalAutoencoder(new VaeOptions(64, [8], 2,
            Annealing: new KlAnnealing(AnnealingKind.Linear, 100)), new Random(1));
        var data = SyntheticShapes.Generate(48, seed: 3, size: 8);
        var seen = new List<long>();
        var optimizer = new Adam(model.Parameters(), 1e-3f);
        new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 16, Seed = 1, OnBatch = _ => seen.Add(model.TrainingStep) })
            .Fit(model, optimizer, data);
        // Before batch k the loop sets the step to k (steps taken); the loss does not advance it.
        Assert.Equal([0, 1, 2, 3, 4, 5], seen);
        model.Train();
        model.Loss(Engine.Tensors.Tensor.Full(0.5f, 4, 64), new Random(1));
        Assert.Equal(5, model.TrainingStep);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.TrainingStep = -1);
    }

    [Fact]
    public void Resume_WithAnotherTrainer_IsRejectedNamingTheTrainerThatWroteIt()
    {
        var sentences = ToyText.Sentences(new Random(2), 16, 1, 6);
        string path = Path.Combine(_directory, "text.safetensors");
        var model = new LstmTextAutoencoder(ToyText.TenWords, new LstmTextAutoencoderOptions
        {
            EmbeddingSize = 4, HiddenSize = 4, LatentSize = 3, MaxLength = 8,
        }, new Random(1));
        var options = new TrainerOptions { Epochs = 1, BatchSize = 8, Seed = 1, CheckpointPath = path };
        new TextTrainer(options).Fit(model, new Adam(model.Parameters()), sentences);
        Assert.True(File.Exists(path));

        // The file says which model type it holds; a classifier cannot resume from it.
        var classifier = new EncoderClassifier(new Linear(4, 4, new Random(1)), 4, 2, new Random(2));
        var data = new FloatDataset(new float[16], 4, [0, 1, 0, 1]);
        var e = Assert.Throws<ArgumentException>(() => new SupervisedTrainer(options with { CheckpointPath = null, ResumeFrom = path })
            .Fit(classifier, new Adam(classifier.Parameters()), data));
        Assert.Contains("LstmTextAutoencoder", e.Message);
        Assert.Contains(path, e.Message);

        // The same model type with another vocabulary size does not fit the stored tensors.
        var bigger = new LstmTextAutoencoder(Engine.Text.Vocabulary.Build([["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]]),
            new LstmTextAutoencoderOptions { EmbeddingSize = 4, HiddenSize = 4, LatentSize = 3, MaxLength = 8 }, new Random(1));
        var misfit = Assert.Throws<ArgumentException>(() => new TextTrainer(options with { CheckpointPath = null, ResumeFrom = path })
            .Fit(bigger, new Adam(bigger.Parameters()), sentences));
        Assert.Contains("another architecture", misfit.Message);
        Assert.Contains("embedding.weight", misfit.Message);
    }
}
