using BenchmarkDotNet.Attributes;
using Engine.Kernels;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;
using Engine.Text;
using Engine.Training;

namespace Engine.Bench;

/// <summary>
/// One steady-state optimisation step of each trainer, run through the trainers' own <see cref="TrainingStep"/>
/// (zero-grad, loss, backward, NaN/Inf guard, clip, Adam inside one pooled tensor scope), with
/// <see cref="Pooled"/> false as the before-picture (every tensor a fresh array). The memory diagnoser's
/// "Allocated" column is the managed memory of one step.
/// </summary>
/// <remarks>
/// Shapes: supervised = the reference encoder 784-512-128-32 with a 10-class head at batch 128 (SupervisedTrainer);
/// text = batch 32 of 12-word sentences over a 1,000-word vocabulary through an LSTM autoencoder (embedding 64,
/// hidden 128, bidirectional) and a Transformer autoencoder (width 128, 4 heads, feed-forward 256, 2 + 2 layers,
/// dropout 0.1) (TextTrainer). Run: <c>dotnet run -c Release --project Engine.Bench -- --filter *TrainingStepBenchmarks*</c>.
/// </remarks>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private Action _supervised = null!, _lstm = null!, _transformer = null!;

    /// <summary>Kernel threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>True: the trainers' pooled scope; false: pooling switched off (fresh arrays, as before).</summary>
    [Params(true, false)]
    public bool Pooled { get; set; }

    /// <summary>Builds the three models and their fixed batches.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Parallelism.MaxThreads = Threads;
        _supervised = SupervisedStep();
        _lstm = TextStep(vocabulary => new LstmTextAutoencoder(vocabulary, new LstmTextAutoencoderOptions
        {
            EmbeddingSize = 64, HiddenSize = 128, LatentSize = 64, MaxLength = 16,
        }, new Random(1)));
        _transformer = TextStep(vocabulary => new TransformerTextAutoencoder(vocabulary, new TransformerTextAutoencoderOptions
        {
            ModelSize = 128, Heads = 4, FeedForwardSize = 256, LatentSize = 64, MaxLength = 16,
        }, new Random(1)));
    }

    /// <summary>SupervisedTrainer's step: encoder classifier, cross-entropy.</summary>
    [Benchmark]
    public void Supervised() => Run(_supervised);

    /// <summary>TextTrainer's step: LSTM sentence autoencoder.</summary>
    [Benchmark]
    public void LstmText() => Run(_lstm);

    /// <summary>TextTrainer's step: Transformer sentence autoencoder.</summary>
    [Benchmark]
    public void TransformerText() => Run(_transformer);

    // The switch is per thread, so it is set on the thread that runs the step.
    private void Run(Action step)
    {
        TensorScope.PoolingDisabled = !Pooled;
        step();
    }

    private static Action SupervisedStep()
    {
        var encoder = new DenseAutoencoder(DenseAutoencoderOptions.Reference(), new Random(1)).Encoder;
        var model = new EncoderClassifier(encoder, 32, 10, new Random(2));
        var optimizer = new Adam(model.Parameters());
        var step = new TrainingStep(model, optimizer, nameof(SupervisedTrainer), skipNonFinite: false, clipNorm: null);
        var batch = Tensor.Uniform(new Random(3), 0, 1, 128, 784);
        var labels = Enumerable.Range(0, 128).Select(i => i % 10).ToArray();
        var noise = new Random(4);
        return () => step.Run(() => model.Loss(batch, labels, null, noise).Total, 0, 0);
    }

    private static Action TextStep(Func<Vocabulary, ISequenceAutoencoder> create)
    {
        var random = new Random(5);
        var vocabulary = Vocabulary.Build([Enumerable.Range(0, 1000).Select(i => $"w{i}").ToArray()]);
        var model = create(vocabulary);
        var sentences = Enumerable.Range(0, 32)
            .Select(_ => Enumerable.Range(0, 12).Select(_ => Vocabulary.SpecialCount + random.Next(1000)).ToArray())
            .ToList();
        int[] indices = [.. Enumerable.Range(0, 32)];
        var optimizer = new Adam(model.Parameters(), 2e-3f);
        var step = new TrainingStep(model, optimizer, nameof(TextTrainer), skipNonFinite: false, clipNorm: 5f);
        var dropout = new Random(6);
        model.Train();
        return () => step.Run(() => model.BatchLoss(sentences, indices, dropout).Loss, 0, 0);
    }
}
