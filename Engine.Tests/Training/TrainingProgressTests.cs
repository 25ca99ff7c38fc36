using Engine.Data;
using Engine.IO;
using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Tests.Testing;
using Engine.Training;

namespace Engine.Tests.Training;

/// <summary>
/// Training that cannot make progress stops with a clear exception instead of returning nonsense (a loss of 0 for
/// an epoch that trained nothing, NaN weights, a silent early stop), and leaves the weights at the last good step,
/// as the message says. Each case reproduces a failure a hostile test of the library found.
/// </summary>
[Trait("Layer", "Training")]
public sealed class TrainingProgressTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("engine-progress-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly ByteImageDataset Shapes = SyntheticShapes.Generate(48, seed: 5, size: 8); // 64 features

    private static DenseAutoencoder NewModel(int seed = 1) => new(new DenseAutoencoderOptions(64, [8], 3), new Random(seed));

    private static float[] Weights(Module model) => model.Parameters().SelectMany(p => p.ToArray()).ToArray();

    private static FloatDataset Rows(int count, int features, Func<int, float> value) =>
        new([.. Enumerable.Range(0, count * features).Select(value)], features);

    [Fact]
    public void AllNanData_WithSkipping_StopsInsteadOfReportingLossZero()
    {
        var model = NewModel();
        float[] before = Weights(model);
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(new TrainerOptions
        {
            Epochs = 3, BatchSize = 8, SkipNonFiniteBatches = true,
        }).Fit(model, new Adam(model.Parameters()), Rows(24, 64, _ => float.NaN)));
        Assert.Contains("no batch of epoch 1 could be trained", e.Message);
        Assert.Contains("all 3", e.Message);
        TensorAssert.BitwiseEqual(before, Weights(model), "weights: no step was ever taken");
    }

    [Fact]
    public void HugeLearningRate_WithSkipping_StopsAndUndoesTheStepThatBrokeTheModel()
    {
        var model = NewModel();
        float[] before = Weights(model);
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(new TrainerOptions
        {
            Epochs = 3, BatchSize = 8, SkipNonFiniteBatches = true,
        }).Fit(model, new Sgd(model.Parameters(), 1e30f), Shapes));
        Assert.Equal((1, 1), (e.Epoch, e.Step));
        Assert.Contains("restored to those before", e.Message);
        TensorAssert.BitwiseEqual(before, Weights(model), "weights restored to before the first (bad) step");
    }

    [Fact]
    public void HugeLearningRate_OnOneBatch_ThrowsInsteadOfReturningAModelThatEvaluatesToNaN()
    {
        // Reproduction: SGD at 1e38 on one batch left weights up to 3.7e35, all finite, so Fit returned and the
        // final checkpoint passed the finite-weights check; the saved model evaluated to NaN.
        var model = NewModel();
        float[] before = Weights(model);
        string path = Path.Combine(_directory, "huge.safetensors");
        var data = Rows(8, 64, i => (i % 5) / 5f);
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(new TrainerOptions
        {
            Epochs = 1, BatchSize = 8, CheckpointPath = path,
        }).Fit(model, new Sgd(model.Parameters(), 1e38f), data));
        Assert.Contains("epoch 1, step 1", e.Message);
        TensorAssert.BitwiseEqual(before, Weights(model), "weights restored to before the step");
        Assert.False(File.Exists(path), "no checkpoint of the diverged weights");
    }

    [Fact]
    public void AdamWithZeroEpsilon_IsRejected_AndAStepThatMakesWeightsNaN_IsUndone()
    {
        // Reproduction: Adam(epsilon: 0) divides 0 by 0 where a gradient is 0, leaving 147 of 356 weights NaN
        // under a message that said the weights were those of the last good step.
        var model = NewModel();
        Assert.Throws<ArgumentOutOfRangeException>("epsilon", () => new Adam(model.Parameters(), epsilon: 0f));

        float[] before = Weights(model);
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 8 })
            .Fit(model, new NaNOptimizer(model.Parameters()), Shapes));
        Assert.Contains("made the weights", e.Message);
        Assert.All(Weights(model), w => Assert.True(float.IsFinite(w)));
        TensorAssert.BitwiseEqual(before, Weights(model), "weights restored to before the step");
    }

    /// <summary>An optimizer whose step writes NaN into one weight, as Adam with ε = 0 did.</summary>
    private sealed class NaNOptimizer(IEnumerable<Engine.Tensors.Tensor> parameters) : Optimizer(parameters, 0.1f)
    {
        public override void Step()
        {
            StepCount++;
            Parameters[0].Span[3] = float.NaN;
        }
    }

    [Fact]
    public void NanLearningRate_ThroughTheSetterOrASchedule_IsRejected()
    {
        var model = NewModel();
        var optimizer = new Adam(model.Parameters());
        Assert.Throws<ArgumentOutOfRangeException>("LearningRate", () => optimizer.LearningRate = float.NaN);
        Assert.Throws<ArgumentOutOfRangeException>("LearningRate", () => optimizer.LearningRate = -1f);
        Assert.Throws<ArgumentOutOfRangeException>("LearningRate", () => optimizer.LearningRate = float.PositiveInfinity);
        Assert.Throws<ArgumentOutOfRangeException>("BaseRate", () => new ConstantSchedule(float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("BaseRate", () => new ConstantSchedule(-0.05f));

        // A schedule of the caller's own that goes NaN is stopped at the epoch it does so, before any step on it.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(new TrainerOptions
        {
            Epochs = 3, BatchSize = 8, Schedule = new NaNAfter(1),
        }).Fit(model, optimizer, Shapes));
        Assert.Contains("NaN", e.Message);
        Assert.Contains("epoch 2", e.Message);
        Assert.All(Weights(model), w => Assert.True(float.IsFinite(w)));
    }

    private sealed record NaNAfter(int Epochs) : LearningRateSchedule
    {
        public override float At(int epoch) => epoch < Epochs ? 1e-3f : float.NaN;
    }

    [Fact]
    public void NanInTheValidationSet_IsRejectedBeforeTraining_InsteadOfStoppingEarlySilently()
    {
        var model = NewModel();
        float[] before = Weights(model);
        var validation = Rows(10, 64, i => i == 7 * 64 + 3 ? float.NaN : 0.5f);
        var e = Assert.Throws<ArgumentException>("validation", () => new Trainer(new TrainerOptions
        {
            Epochs = 10, BatchSize = 8, Patience = 1,
        }).Fit(model, new Adam(model.Parameters()), Shapes, validation));
        Assert.Contains("example 7", e.Message);
        Assert.Contains("feature 3", e.Message);
        TensorAssert.BitwiseEqual(before, Weights(model), "nothing trained");
    }

    [Fact]
    public void EmptyData_IsRejected_ByFitAndEvaluate()
    {
        var model = NewModel();
        var empty = new FloatDataset([], 64);
        var trainer = new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 8 });
        Assert.Contains("empty", Assert.Throws<ArgumentException>("train", () => trainer.Fit(model, new Adam(model.Parameters()), empty)).Message);
        Assert.Throws<ArgumentException>("validation", () => trainer.Fit(model, new Adam(model.Parameters()), Shapes, empty));
        Assert.Throws<ArgumentException>("data", () => trainer.Evaluate(model, empty));
        var classifier = new EncoderClassifier(new Linear(64, 4, new Random(1)), 4, 3, new Random(2));
        Assert.Throws<ArgumentException>("labelled", () =>
            new SupervisedTrainer(new TrainerOptions()).Fit(classifier, new Adam(classifier.Parameters()), new FloatDataset([], 64, [])));
    }

    [Fact]
    public void HugeBatchSize_OnTenRows_AllocatesForTenRows()
    {
        // Reproduction: the batch buffer was sized by BatchSize, so 1,000,000 on 10 rows allocated 2.99 GiB.
        var model = NewModel();
        var data = Rows(10, 64, i => (i % 3) / 3f);
        var optimizer = new Adam(model.Parameters());
        var trainer = new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 1_000_000 });
        long before = GC.GetAllocatedBytesForCurrentThread();
        var history = trainer.Fit(model, optimizer, data);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 4 << 20, $"allocated {allocated:N0} bytes");
        Assert.Equal(2, optimizer.StepCount);
        Assert.Equal(2, history.Epochs.Count);
    }

    [Fact]
    public void OptimizerOverAnotherModelsParameters_IsRejected()
    {
        // Reproduction: training ran, stepping the other model, and the loss of this one stayed constant.
        var model = NewModel(1);
        var other = NewModel(2);
        var e = Assert.Throws<ArgumentException>("optimizer", () =>
            new Trainer(new TrainerOptions { Epochs = 1 }).Fit(model, new Adam(other.Parameters()), Shapes));
        Assert.Contains("not a parameter of the DenseAutoencoder", e.Message);
    }

    [Fact]
    public void NonFiniteValidationLoss_FromAnOverflowingModel_StopsNamingTheEpoch()
    {
        var model = NewModel();
        var validation = Rows(4, 64, _ => 3e38f); // finite, but the model's output overflows on it
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 8 })
            .Fit(model, new Adam(model.Parameters()), Shapes, validation));
        Assert.Contains("validation loss after epoch 1", e.Message);
    }

    [Fact]
    public void CheckpointFolderThatDoesNotExist_IsRejectedBeforeTraining()
    {
        var model = NewModel();
        float[] before = Weights(model);
        string path = Path.Combine(_directory, "missing", "run.safetensors");
        var e = Assert.Throws<ArgumentException>(() => new Trainer(new TrainerOptions { Epochs = 1, CheckpointPath = path })
            .Fit(model, new Adam(model.Parameters()), Shapes));
        Assert.Contains("does not exist", e.Message);
        TensorAssert.BitwiseEqual(before, Weights(model), "nothing trained");
    }
}
