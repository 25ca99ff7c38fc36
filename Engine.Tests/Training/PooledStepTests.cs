using Engine.Data;
using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;
using Engine.Tests.Testing;
using Engine.Training;

namespace Engine.Tests.Training;

/// <summary>
/// The per-step <see cref="TensorScope"/> of all three trainers changes nothing but where memory comes from: a run
/// with pooling (and with every returned array poisoned with NaN, so a tensor that outlives its step cannot go
/// unnoticed) gives bitwise the same losses and weights as a run where every tensor is a fresh array.
/// </summary>
[Trait("Layer", "Training")]
public sealed class PooledStepTests
{
    // Per batch losses, the epoch reports' losses and parts (validation and grad norms included) and the final weights of one run.
    private sealed record Run(List<float> Losses, List<float> Parts, float[] Weights);

    private static Run Train(bool pooled, Func<Action<BatchReport>, Action<EpochReport>, Module> fit)
    {
        bool disabled = TensorScope.PoolingDisabled, poison = TensorScope.PoisonReturned;
        TensorScope.PoolingDisabled = !pooled;
        TensorScope.PoisonReturned = pooled;
        try
        {
            var losses = new List<float>();
            var parts = new List<float>();
            var model = fit(b => losses.Add(b.Loss), e =>
            {
                parts.Add(e.TrainLoss);
                parts.Add(e.ValidationLoss ?? 0f);
                parts.AddRange(e.TrainParts.OrderBy(p => p.Key).Select(p => p.Value));
            });
            return new Run(losses, parts, [.. model.StateDict().SelectMany(p => p.Tensor.ToArray())]);
        }
        finally
        {
            TensorScope.PoolingDisabled = disabled;
            TensorScope.PoisonReturned = poison;
        }
    }

    private static void AssertPoolingChangesNothing(Func<Action<BatchReport>, Action<EpochReport>, Module> fit)
    {
        var reference = Train(pooled: false, fit);
        var pooled = Train(pooled: true, fit);
        Assert.True(reference.Losses.Count >= 4, $"only {reference.Losses.Count} steps ran");
        Assert.All(reference.Weights, w => Assert.True(float.IsFinite(w)));
        TensorAssert.BitwiseEqual([.. reference.Losses], [.. pooled.Losses], "per-step losses");
        TensorAssert.BitwiseEqual([.. reference.Parts], [.. pooled.Parts], "epoch loss parts");
        TensorAssert.BitwiseEqual(reference.Weights, pooled.Weights, "weights and buffers after training");
    }

    private static TrainerOptions Options(Action<BatchReport> onBatch, Action<EpochReport> onEpoch) => new()
    {
        Epochs = 2, BatchSize = 16, Seed = 3, ClipGradientNorm = 1f, OnBatch = onBatch, OnEpoch = onEpoch,
    };

    [Fact]
    public void Trainer_ConvAutoencoderWithBatchNormAndNoise_PooledRunIsBitwiseTheUnpooledRun() =>
        AssertPoolingChangesNothing((onBatch, onEpoch) =>
        {
            var model = new ConvAutoencoder(new ConvAutoencoderOptions([4, 6], 5, ImageSize: 12, BatchNorm: true,
                Noise: new Corruption(NoiseKind.Gaussian, 0.2f)), new Random(1));
            var data = SyntheticShapes.Generate(48, seed: 5, size: 12);
            var trainer = new Trainer(Options(onBatch, onEpoch));
            trainer.Fit(model, new Adam(model.Parameters(), 1e-2f), data, validation: data);
            return model;
        });

    [Fact]
    public void Trainer_VariationalAutoencoder_PooledRunIsBitwiseTheUnpooledRun() =>
        AssertPoolingChangesNothing((onBatch, onEpoch) =>
        {
            var model = new VariationalAutoencoder(new VaeOptions(144, [24, 12], 4), new Random(1));
            var data = SyntheticShapes.Generate(48, seed: 5, size: 12);
            new Trainer(Options(onBatch, onEpoch)).Fit(model, new Adam(model.Parameters(), 1e-2f), data, validation: data);
            return model;
        });

    [Fact]
    public void SupervisedTrainer_JointClassifier_PooledRunIsBitwiseTheUnpooledRun() =>
        AssertPoolingChangesNothing((onBatch, onEpoch) =>
        {
            var ae = new DenseAutoencoder(new DenseAutoencoderOptions(64, [12], 4), new Random(1));
            var model = new JointAutoencoderClassifier(ae, 4, 0.5f, new Random(2));
            var data = SyntheticShapes.Generate(64, seed: 5, size: 8);
            var labelled = data.Subset(Enumerable.Range(0, 20).ToArray());
            new SupervisedTrainer(Options(onBatch, onEpoch)).Fit(model, new Adam(model.Parameters(), 1e-2f), labelled, data);
            return model;
        });

    [Fact]
    public void TextTrainer_BidirectionalLstm_PooledRunIsBitwiseTheUnpooledRun() =>
        AssertPoolingChangesNothing((onBatch, onEpoch) =>
        {
            var model = new LstmTextAutoencoder(ToyText.TenWords, new LstmTextAutoencoderOptions
            {
                EmbeddingSize = 6, HiddenSize = 8, LatentSize = 5, Layers = 2, Bidirectional = true, MaxLength = 8,
                WordDropout = 0.2f,
            }, new Random(1));
            new TextTrainer(TextOptions(onBatch, onEpoch), chunkBatches: 2)
                .Fit(model, new Adam(model.Parameters(), 1e-2f), ToyText.Sentences(new Random(2), 40, 1, 8));
            return model;
        });

    [Fact]
    public void TextTrainer_TransformerWithDropout_PooledRunIsBitwiseTheUnpooledRun() =>
        AssertPoolingChangesNothing((onBatch, onEpoch) =>
        {
            var model = new TransformerTextAutoencoder(ToyText.TenWords, new TransformerTextAutoencoderOptions
            {
                ModelSize = 8, Heads = 2, FeedForwardSize = 12, EncoderLayers = 2, DecoderLayers = 1, LatentSize = 5,
                Dropout = 0.2f, WordDropout = 0.1f, MaxLength = 8, Pooling = SentencePooling.SummaryToken,
            }, new Random(1));
            new TextTrainer(TextOptions(onBatch, onEpoch), chunkBatches: 2)
                .Fit(model, new Adam(model.Parameters(), 1e-2f), ToyText.Sentences(new Random(2), 40, 1, 8));
            return model;
        });

    private static TrainerOptions TextOptions(Action<BatchReport> onBatch, Action<EpochReport> onEpoch) => new()
    {
        Epochs = 2, BatchSize = 8, ClipGradientNorm = 5f, Seed = 4, OnBatch = onBatch, OnEpoch = onEpoch,
    };

    public static TheoryData<string> TextModels => ["lstm", "transformer"];

    [Theory]
    [MemberData(nameof(TextModels))]
    public void StateBuiltDuringTheFirstPooledStep_SurvivesTheScope(string kind)
    {
        // Whatever a model builds lazily on its first training step or first inference (masks, tables, cached
        // state) is built here inside a poisoned scope; inference after the scope must still give the same answer.
        Module model = kind == "lstm"
            ? new LstmTextAutoencoder(ToyText.TenWords, new LstmTextAutoencoderOptions
            {
                EmbeddingSize = 6, HiddenSize = 8, LatentSize = 5, Layers = 2, MaxLength = 8,
            }, new Random(1))
            : (Module)new TransformerTextAutoencoder(ToyText.TenWords, new TransformerTextAutoencoderOptions
            {
                ModelSize = 8, Heads = 2, FeedForwardSize = 12, EncoderLayers = 1, DecoderLayers = 2, LatentSize = 5,
                Dropout = 0f, MaxLength = 8,
            }, new Random(1));
        var text = (ISequenceAutoencoder)model;
        Func<IReadOnlyList<int[]>, float[]> encode = model is LstmTextAutoencoder lstm ? lstm.EncodeIds
            : ((TransformerTextAutoencoder)model).EncodeIds;
        var sentences = ToyText.Sentences(new Random(2), 6, 1, 8);
        bool poison = TensorScope.PoisonReturned;
        TensorScope.PoisonReturned = true;
        try
        {
            float[] codes;
            List<int[]> copies;
            using (TensorScope.Begin())
            {
                model.Train();
                text.BatchLoss(sentences, [0, 1, 2], null).Loss.Backward();
                model.Eval();
                codes = encode(sentences);
                copies = text.Reconstruct(sentences);
            }
            TensorAssert.BitwiseEqual(codes, encode(sentences), $"{kind} codes after the scope");
            Assert.Equal(copies, text.Reconstruct(sentences));
            Assert.All(codes, c => Assert.True(float.IsFinite(c)));
        }
        finally
        {
            TensorScope.PoisonReturned = poison;
        }
    }

    [Fact]
    public void PoisonSwitch_MakesATensorThatOutlivesItsScopeReadAsNaN_ButUnpooledStorageSurvives()
    {
        // The detector the tests above rely on: without it, an escaped tensor could keep its old values by luck.
        bool poison = TensorScope.PoisonReturned;
        TensorScope.PoisonReturned = true;
        try
        {
            Tensor escaped, cache;
            using (TensorScope.Begin())
            {
                escaped = Tensor.Full(2f, 5);
                cache = new Tensor(new Shape(5), TensorStorage.AllocateUnpooled(5));
                cache.Span.Fill(2f);
            }
            Assert.All(escaped.ToArray(), v => Assert.True(float.IsNaN(v)));
            Assert.All(cache.ToArray(), v => Assert.Equal(2f, v));
        }
        finally
        {
            TensorScope.PoisonReturned = poison;
        }
    }
}
