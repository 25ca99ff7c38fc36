using Engine.Autodiff;
using Engine.Layers;
using Engine.Models;
using Engine.Tensors;
using Engine.Tests.IO;
using Engine.Tests.Testing;
using Engine.Text;

namespace Engine.Tests.Models;

/// <summary>
/// Inference on one trained model from many threads at once: 8 threads, started together by a barrier, each run
/// Reconstruct and Encode 10 times on the same model instance and must get bitwise the outputs of a run on one
/// thread. Covers the dense AE (with and without GradMode.Disable), the conv AE with batch norm, the conv VAE,
/// and the LSTM text autoencoder (encoding and greedy decoding); kernels share the worker pool, the scratch pool
/// and per-thread GEMM buffers underneath.
/// </summary>
[Trait("Layer", "Models")]
public sealed class ConcurrentInferenceTests
{
    private const int Threads = 8;
    private const int Iterations = 10;

    private static void AssertSameOnEveryThread(string what, Func<float[]> run)
    {
        float[] expected = run();
        var results = new float[Threads][][];
        var errors = new Exception?[Threads];
        using var start = new Barrier(Threads);
        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                results[t] = Enumerable.Range(0, Iterations).Select(_ => run()).ToArray();
            }
            catch (Exception e)
            {
                errors[t] = e;
            }
        })).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers) worker.Join();

        for (int t = 0; t < Threads; t++)
        {
            Assert.True(errors[t] is null, $"{what}: thread {t} threw {errors[t]}");
            for (int i = 0; i < Iterations; i++)
                TensorAssert.BitwiseEqual(expected, results[t][i], $"{what}, thread {t}, run {i}");
        }
    }

    private static float[] NoGrad(Func<Tensor> forward)
    {
        using var _ = GradMode.Disable();
        return forward().ToArray();
    }

    [Fact]
    public void DenseAutoencoder_ManyThreads_BitwiseLikeOne()
    {
        var model = ConvCheckpointTests.Trained(new DenseAutoencoder(
            new DenseAutoencoderOptions(300, [160, 64], 16), new Random(Seeds.Default)), 300);
        var x = Tensor.Uniform(new Random(1), 0f, 1f, 48, 300);
        AssertSameOnEveryThread("dense Reconstruct", () => NoGrad(() => model.Reconstruct(x)));
        AssertSameOnEveryThread("dense Encode", () => NoGrad(() => model.Encode(x)));
        // Without GradMode.Disable every call records its own graph on its own outputs; the shared parameters are
        // only read, so this is safe too (only Backward and optimizer steps write to them).
        AssertSameOnEveryThread("dense Reconstruct, recording", () => model.Reconstruct(x).ToArray());
    }

    [Fact]
    public void ConvModels_ManyThreads_BitwiseLikeOne()
    {
        var conv = ConvCheckpointTests.Trained(new ConvAutoencoder(
            new ConvAutoencoderOptions([8, 16], 8, ImageSize: 12, BatchNorm: true), new Random(Seeds.Default)), 144);
        var vae = ConvCheckpointTests.Trained(new ConvVariationalAutoencoder(
            new ConvVaeOptions([6, 8], 4, ImageSize: 12), new Random(Seeds.Default)), 144);
        var x = Tensor.Uniform(new Random(2), 0f, 1f, 8, 144);
        AssertSameOnEveryThread("conv Reconstruct", () => NoGrad(() => conv.Reconstruct(x)));
        AssertSameOnEveryThread("conv Encode", () => NoGrad(() => conv.Encode(x)));
        AssertSameOnEveryThread("conv VAE Reconstruct", () => NoGrad(() => vae.Reconstruct(x)));
        AssertSameOnEveryThread("conv VAE log_var", () => NoGrad(() => vae.Posterior(x).LogVar));
    }

    [Fact]
    public void LstmTextAutoencoder_ManyThreads_BitwiseLikeOne()
    {
        var vocabulary = Vocabulary.Build([Enumerable.Range(0, 20).Select(i => $"w{i}").ToArray()]);
        var model = new LstmTextAutoencoder(vocabulary, new LstmTextAutoencoderOptions
        {
            EmbeddingSize = 8, HiddenSize = 12, LatentSize = 6, Layers = 2, Bidirectional = true, MaxLength = 10,
        }, new Random(Seeds.Default));
        model.Eval();
        var random = new Random(3);
        var sentences = Enumerable.Range(0, 16)
            .Select(_ => Enumerable.Range(0, random.Next(1, 11)).Select(_ => Vocabulary.SpecialCount + random.Next(20)).ToArray())
            .ToList();
        AssertSameOnEveryThread("LSTM EncodeIds", () => model.EncodeIds(sentences));
        AssertSameOnEveryThread("LSTM Reconstruct", () => model.Reconstruct(sentences).SelectMany(s => s).Select(id => (float)id).ToArray());
    }
}
