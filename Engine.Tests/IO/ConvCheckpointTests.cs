using Engine.IO;
using Engine.Layers;
using Engine.Models;
using Engine.Persistence;
using Engine.Tensors;
using Engine.Tests.Testing;
using Engine.Kernels;

namespace Engine.Tests.IO;

/// <summary>
/// The convolutional autoencoder and VAE in checkpoints: save → load rebuilds the architecture from the config and
/// reproduces Encode, Reconstruct and the posterior bitwise, batch-norm running statistics included; a config that
/// disagrees with the stored tensors is rejected before anything is built.
/// </summary>
[Trait("Layer", "IO")]
public sealed class ConvCheckpointTests
{
    // Records compare arrays by reference: both sides get this one array to compare the other fields.
    private static readonly int[] SameChannels = [1];

    /// <summary>A few Adam steps in training mode (so batch-norm statistics move), then evaluation mode.</summary>
    internal static T Trained<T>(T model, int features, int seed = Seeds.Default) where T : AutoencoderModel
    {
        var optimizer = new Engine.Optim.Adam(model.Parameters(), 1e-2f);
        var x = Tensor.Uniform(new Random(seed + 1), 0f, 1f, 6, features);
        model.Train();
        for (int step = 0; step < 3; step++)
        {
            optimizer.ZeroGrad();
            model.Loss(x, new Random(step)).Total.Backward();
            optimizer.Step();
        }
        model.Eval();
        return model;
    }

    public static TheoryData<string> ConvCases() => ["reference-8x8", "batchnorm-odd-7", "three-layers-rgb-9", "denoising-tanh"];

    internal static ConvAutoencoder ConvCase(string name) => name switch
    {
        "reference-8x8" => new ConvAutoencoder(new ConvAutoencoderOptions([4, 6], 3, ImageSize: 8), new Random(1)),
        "batchnorm-odd-7" => new ConvAutoencoder(new ConvAutoencoderOptions([3, 5], 2, ImageSize: 7, BatchNorm: true), new Random(2)),
        "three-layers-rgb-9" => new ConvAutoencoder(new ConvAutoencoderOptions([2, 3, 4], 4, ImageSize: 9, InputChannels: 3,
            BatchNorm: true), new Random(3)),
        _ => new ConvAutoencoder(new ConvAutoencoderOptions([3, 4], 2, ImageSize: 6, Hidden: ActivationKind.Tanh,
            Noise: new Corruption(NoiseKind.Masking, 0.2f)), new Random(4)),
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void SaveLoad_ConvAutoencoder_OutputsBitwiseIdentical(string name)
    {
        var model = Trained(ConvCase(name), ConvCase(name).InputSize);
        using var directory = new TempDirectory();
        string path = directory.PathOf($"{name}.safetensors");

        Checkpoint.Save(model, path);
        var loaded = Assert.IsType<ConvAutoencoder>(Checkpoint.Load(path));

        Assert.Equal(model.Options with { Channels = SameChannels }, loaded.Options with { Channels = SameChannels });
        Assert.Equal(model.Options.Channels, loaded.Options.Channels);
        Assert.Equal("ConvAutoencoder", Checkpoint.ReadInfo(path).Model);
        var x = Tensor.Uniform(new Random(7), 0f, 1f, 3, model.InputSize);
        TensorAssert.BitwiseEqual(model.Reconstruct(x).ToArray(), loaded.Reconstruct(x).ToArray(), "reconstruction");
        TensorAssert.BitwiseEqual(model.Encode(x).ToArray(), loaded.Encode(x).ToArray(), "code");
        foreach (var ((n1, t1), (n2, t2)) in model.StateDict().Zip(loaded.StateDict()))
        {
            Assert.Equal(n1, n2);
            TensorAssert.BitwiseEqual(t1.ToArray(), t2.ToArray(), n1);
        }
    }

    [Theory]
    [InlineData(false, Likelihood.Bernoulli)]
    [InlineData(true, Likelihood.Gaussian)]
    public void SaveLoad_ConvVae_OutputsBitwiseIdentical(bool batchNorm, Likelihood likelihood)
    {
        var options = new ConvVaeOptions([3, 4], 2, ImageSize: 8, BatchNorm: batchNorm, Likelihood: likelihood, Beta: 0.5f,
            Annealing: new KlAnnealing(AnnealingKind.Linear, 10), FreeBits: 0.05f);
        var model = Trained(new ConvVariationalAutoencoder(options, new Random(5)), 64);
        using var directory = new TempDirectory();
        string path = directory.PathOf("conv-vae.safetensors");

        Checkpoint.Save(model, path);
        var loaded = Assert.IsType<ConvVariationalAutoencoder>(Checkpoint.Load(path));

        Assert.Equal(model.Options with { Channels = SameChannels }, loaded.Options with { Channels = SameChannels });
        var x = Tensor.Uniform(new Random(8), 0f, 1f, 4, 64);
        var reconstructions = (model.Reconstruct(x).ToArray(), loaded.Reconstruct(x).ToArray());
        TensorAssert.BitwiseEqual(reconstructions.Item1, reconstructions.Item2, "reconstruction");
        var posteriors = (model.Posterior(x), loaded.Posterior(x));
        TensorAssert.BitwiseEqual(posteriors.Item1.Mu.ToArray(), posteriors.Item2.Mu.ToArray(), "mu");
        TensorAssert.BitwiseEqual(posteriors.Item1.LogVar.ToArray(), posteriors.Item2.LogVar.ToArray(), "log_var");
    }

    [Fact]
    public void Load_ConvConfigThatDisagreesWithTheTensors_IsRejectedNamingTheFile()
    {
        var model = ConvCase("reference-8x8");
        using var directory = new TempDirectory();
        string path = directory.PathOf("conv.safetensors");
        Checkpoint.Save(model, path);
        // Rewrite the header's config with one more channel: the sizes no longer match the stored tensors.
        var file = SafeTensors.Read(path);
        var metadata = file.Metadata.ToDictionary(p => p.Key, p => p.Value);
        Assert.Contains("\"channels\":[4,6]", metadata["config"]);
        metadata["config"] = metadata["config"].Replace("\"channels\":[4,6]", "\"channels\":[4,7]");
        string bad = directory.PathOf("bad.safetensors");
        SafeTensors.Write(bad, file.Tensors, metadata);

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(bad));
        Assert.Contains(bad, e.Message);
        Assert.Contains("ConvAutoencoder config describes", e.Message);

        metadata["config"] = metadata["config"].Replace("\"channels\":[4,7]", "\"channels\":[]");
        SafeTensors.Write(bad, file.Tensors, metadata);
        e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(bad));
        Assert.Contains("describes no valid model", e.Message);
    }
}
