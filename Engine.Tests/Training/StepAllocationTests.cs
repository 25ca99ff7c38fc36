using Engine.Data;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;
using Engine.Tests.Testing;
using Engine.Training;

namespace Engine.Tests.Training;

/// <summary>
/// A steady-state step of each trainer allocates only bookkeeping (graph nodes, shapes, index arrays) on the calling
/// thread: measured between consecutive OnBatch callbacks, the managed bytes of a pooled step are a small fraction
/// of the same step with pooling switched off, which is what the step's tensors weigh. An upper bound with slack,
/// not a benchmark (Engine.Bench's StepAllocationBenchmarks gives the exact numbers).
/// </summary>
[Trait("Layer", "Training")]
public sealed class StepAllocationTests(ITestOutputHelper output)
{
    // Median managed bytes per step on this thread over the second epoch (the first one fills the pool).
    private static long BytesPerStep(bool pooled, Action<Action<BatchReport>> fit)
    {
        bool disabled = TensorScope.PoolingDisabled;
        TensorScope.PoolingDisabled = !pooled;
        try
        {
            var deltas = new List<long>();
            long last = 0;
            fit(b =>
            {
                long now = GC.GetAllocatedBytesForCurrentThread();
                if (b.Epoch > 0 && b.Batch > 0) deltas.Add(now - last);
                last = now;
            });
            Assert.True(deltas.Count >= 3, $"only {deltas.Count} steady-state steps");
            deltas.Sort();
            return deltas[deltas.Count / 2];
        }
        finally
        {
            TensorScope.PoolingDisabled = disabled;
        }
    }

    private void AssertPooledStepsAllocateLittle(string what, double fraction, Action<Action<BatchReport>> fit)
    {
        long unpooled = BytesPerStep(pooled: false, fit);
        long pooled = BytesPerStep(pooled: true, fit);
        output.WriteLine($"{what}: {pooled:N0} bytes per step pooled, {unpooled:N0} unpooled");
        Assert.True(unpooled > 100_000, $"{what}: the unpooled step allocated only {unpooled:N0} bytes; the model is too small to tell");
        Assert.True(pooled < fraction * unpooled,
            $"{what}: a pooled step allocated {pooled:N0} bytes, more than {fraction:P0} of the unpooled {unpooled:N0}");
    }

    [Fact]
    public void Trainer_DenseAutoencoder() =>
        AssertPooledStepsAllocateLittle("Trainer, dense AE 784-128-16, batch 32", 0.1, onBatch =>
        {
            var model = new DenseAutoencoder(new DenseAutoencoderOptions(784, [128], 16), new Random(1));
            new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 32, Seed = 1, OnBatch = onBatch })
                .Fit(model, new Adam(model.Parameters()), SyntheticShapes.Generate(192, seed: 5));
        });

    [Fact]
    public void Trainer_ConvAutoencoder() =>
        AssertPooledStepsAllocateLittle("Trainer, conv AE 8-16 channels on 28x28, batch 32", 0.1, onBatch =>
        {
            var model = new ConvAutoencoder(new ConvAutoencoderOptions([8, 16], 16), new Random(1));
            new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 32, Seed = 1, OnBatch = onBatch })
                .Fit(model, new Adam(model.Parameters()), SyntheticShapes.Generate(160, seed: 5));
        });

    [Fact]
    public void Trainer_VariationalAutoencoder() =>
        AssertPooledStepsAllocateLittle("Trainer, VAE 784-256-(16), batch 32", 0.1, onBatch =>
        {
            var model = new VariationalAutoencoder(new VaeOptions(784, [256], 16), new Random(1));
            new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 32, Seed = 1, OnBatch = onBatch })
                .Fit(model, new Adam(model.Parameters()), SyntheticShapes.Generate(160, seed: 5));
        });

    [Fact]
    public void SupervisedTrainer_EncoderClassifier() =>
        AssertPooledStepsAllocateLittle("SupervisedTrainer, 784-256-16 encoder + head, batch 64", 0.1, onBatch =>
        {
            var ae = new DenseAutoencoder(new DenseAutoencoderOptions(784, [256], 16), new Random(1));
            var model = new EncoderClassifier(ae.Encoder, 16, 4, new Random(2));
            new SupervisedTrainer(new TrainerOptions { Epochs = 2, BatchSize = 64, Seed = 1, OnBatch = onBatch })
                .Fit(model, new Adam(model.Parameters()), SyntheticShapes.Generate(320, seed: 5));
        });

    [Fact]
    public void TextTrainer_Lstm() =>
        AssertPooledStepsAllocateLittle("TextTrainer, LSTM 32/64, batch 16", 0.1, onBatch =>
            FitText(new LstmTextAutoencoder(ToyText.TenWords, new LstmTextAutoencoderOptions
            {
                EmbeddingSize = 32, HiddenSize = 64, LatentSize = 16, MaxLength = 12,
            }, new Random(1)), onBatch));

    [Fact]
    public void TextTrainer_Transformer() =>
        AssertPooledStepsAllocateLittle("TextTrainer, Transformer E 32 F 64, batch 16", 0.1, onBatch =>
            FitText(new TransformerTextAutoencoder(ToyText.TenWords, new TransformerTextAutoencoderOptions
            {
                ModelSize = 32, Heads = 4, FeedForwardSize = 64, EncoderLayers = 1, DecoderLayers = 1, LatentSize = 16,
                MaxLength = 12,
            }, new Random(1)), onBatch));

    // Every sentence has the same length, so every step has the same shapes and the pool serves all of them.
    private static List<int[]> Sentences() => ToyText.Sentences(new Random(2), 96, 10, 10);

    private static void FitText(ISequenceAutoencoder model, Action<BatchReport> onBatch) =>
        new TextTrainer(new TrainerOptions { Epochs = 2, BatchSize = 16, ClipGradientNorm = 5f, Seed = 3, OnBatch = onBatch })
            .Fit(model, new Adam(model.Parameters(), 2e-3f), Sentences());
}
