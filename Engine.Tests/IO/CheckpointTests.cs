using Engine.IO;
using Engine.Layers;
using Engine.Models;
using Engine.Persistence;
using Engine.Tensors;
using Engine.Tests.Testing;
using Engine.Kernels;

namespace Engine.Tests.IO;

/// <summary>
/// Checkpoint round trips (architecture + weights → bitwise identical outputs) and the validation of damaged or
/// foreign files: each must fail with an InvalidDataException that names the file and the problem.
/// </summary>
[Trait("Layer", "IO")]
public sealed class CheckpointTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("engine-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    internal static DenseAutoencoder TrainedDense(bool tied, int seed = Seeds.Default)
    {
        var model = new DenseAutoencoder(new DenseAutoencoderOptions(20, [16, 8], 4, Hidden: ActivationKind.Tanh,
            TiedWeights: tied), new Random(seed));
        // A few Adam steps so every weight and bias differs from its initial value.
        var optimizer = new Engine.Optim.Adam(model.Parameters(), 1e-2f);
        var x = Tensor.Uniform(new Random(seed + 1), 0f, 1f, 8, 20);
        for (int step = 0; step < 5; step++)
        {
            optimizer.ZeroGrad();
            model.Loss(x, new Random(0)).Total.Backward();
            optimizer.Step();
        }
        model.Eval();
        return model;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SaveLoad_Dense_OutputsBitwiseIdentical(bool tied)
    {
        var model = TrainedDense(tied);
        string path = PathOf("dense.safetensors");

        Checkpoint.Save(model, path, new Dictionary<string, string> { ["note"] = "unit test \"quoted\"" });
        var loaded = Assert.IsType<DenseAutoencoder>(Checkpoint.Load(path));

        Assert.Equal(model.Options with { HiddenSizes = [] }, loaded.Options with { HiddenSizes = [] });
        Assert.Equal(model.Options.HiddenSizes, loaded.Options.HiddenSizes);
        Assert.False(loaded.IsTraining);
        var x = Tensor.Uniform(new Random(7), 0f, 1f, 5, 20);
        TensorAssert.BitwiseEqual(model.Reconstruct(x).ToArray(), loaded.Reconstruct(x).ToArray(), "reconstruction");
        TensorAssert.BitwiseEqual(model.Encode(x).ToArray(), loaded.Encode(x).ToArray(), "code");
        Assert.Equal("unit test \"quoted\"", Checkpoint.ReadInfo(path).Metadata["note"]);
    }

    [Fact]
    public void LoadTyped_ReturnsTheModel_OrNamesBothTypes()
    {
        var model = TrainedDense(tied: false);
        string path = PathOf("typed.safetensors");
        Checkpoint.Save(model, path);

        var loaded = Checkpoint.Load<DenseAutoencoder>(path);
        var x = Tensor.Uniform(new Random(7), 0f, 1f, 3, 20);
        TensorAssert.BitwiseEqual(model.Reconstruct(x).ToArray(), loaded.Reconstruct(x).ToArray(), "reconstruction");
        Assert.Same(typeof(DenseAutoencoder), Checkpoint.Load<AutoencoderModel>(path).GetType());
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load<VariationalAutoencoder>(path));
        Assert.Contains("DenseAutoencoder", e.Message);
        Assert.Contains("VariationalAutoencoder", e.Message);
        Assert.Throws<InvalidDataException>(() => Checkpoint.Load<LstmTextAutoencoder>(path));
    }

    [Fact]
    public void SaveLoad_Vae_OutputsBitwiseIdentical()
    {
        var model = new VariationalAutoencoder(new VaeOptions(20, [12], 3, Likelihood.Gaussian, Beta: 2f,
            Annealing: new KlAnnealing(AnnealingKind.Cyclical, 40), FreeBits: 0.1f), new Random(3));
        model.Eval();
        string path = PathOf("vae.safetensors");
        Checkpoint.Save(model, path);
        var loaded = Assert.IsType<VariationalAutoencoder>(Checkpoint.Load(path));
        Assert.Equal(model.Options with { HiddenSizes = [] }, loaded.Options with { HiddenSizes = [] });
        var x = Tensor.Uniform(new Random(7), 0f, 1f, 5, 20);
        TensorAssert.BitwiseEqual(model.Reconstruct(x).ToArray(), loaded.Reconstruct(x).ToArray(), "reconstruction");
        var (mu, logVar) = model.Posterior(x);
        var (mu2, logVar2) = loaded.Posterior(x);
        TensorAssert.BitwiseEqual(mu.ToArray(), mu2.ToArray(), "mu");
        TensorAssert.BitwiseEqual(logVar.ToArray(), logVar2.ToArray(), "logVar");
    }

    [Fact]
    public void SaveLoad_Variants_KeepTheirPenaltiesAndNoise()
    {
        DenseAutoencoderOptions[] variants =
        [
            new(12, [6], 3, Latent: ActivationKind.Sigmoid, Sparsity: new Sparsity(SparsityKind.KlTarget, 0.5f, 0.1f)),
            new(12, [6], 3, Noise: new Corruption(NoiseKind.Gaussian, 0.25f)),
            new(12, [6], 3, Latent: ActivationKind.Sigmoid, ContractiveWeight: 0.01f),
        ];
        foreach (var options in variants)
        {
            string path = PathOf("variant.safetensors");
            Checkpoint.Save(new DenseAutoencoder(options, new Random(1)), path);
            var loaded = Assert.IsType<DenseAutoencoder>(Checkpoint.Load(path)).Options;
            Assert.Equal(options with { HiddenSizes = [] }, loaded with { HiddenSizes = [] });
        }
    }

    [Fact]
    public void Save_WritesStateDictNames_AndTheHeader()
    {
        var model = TrainedDense(tied: false);
        string path = PathOf("names.safetensors");
        Checkpoint.Save(model, path);

        var file = SafeTensors.Read(path);
        Assert.Equal(model.StateDict().Select(s => s.Name).Order(StringComparer.Ordinal),
            file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Contains("encoder.0.weight", file.Tensors.Select(t => t.Name));
        Assert.Equal("engine-checkpoint", file.Metadata["format"]);
        Assert.Equal("1", file.Metadata["version"]);
        Assert.Equal("DenseAutoencoder", file.Metadata["model"]);
        Assert.Contains("\"hidden_sizes\":[16,8]", file.Metadata["config"]);
    }

    [Fact]
    public void Save_UnregisteredModel_ThrowsAndLeavesTheOldFile()
    {
        string path = PathOf("kept.safetensors");
        Checkpoint.Save(TrainedDense(tied: false), path);
        byte[] before = File.ReadAllBytes(path);

        var e = Assert.Throws<ArgumentException>(() => Checkpoint.Save(new Unregistered(), path));

        Assert.Contains("Unregistered", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_directory));
    }

    /// <summary>Rewrites a saved checkpoint with its metadata and tensors changed by <paramref name="edit"/>.</summary>
    private string Tampered(string name, Action<Dictionary<string, string>, List<SafeTensor>> edit)
    {
        string path = PathOf(name);
        Checkpoint.Save(TrainedDense(tied: false), path);
        var file = SafeTensors.Read(path);
        var metadata = file.Metadata.ToDictionary();
        var tensors = file.Tensors.ToList();
        edit(metadata, tensors);
        SafeTensors.Write(path, tensors, metadata);
        return path;
    }

    public static TheoryData<string, string[]> Damages() => new()
    {
        { "version", ["version 2", "HINT", "newer"] },
        { "unknown-model", ["unknown model type 'WarpDrive'", "DenseAutoencoder", "HINT"] },
        { "not-a-checkpoint", ["not an engine checkpoint", "HINT", "LoadStateDict"] },
        { "corrupt-config", ["config is not valid"] },
        { "null-config-field", ["config is not valid", "hidden_sizes"] },
        { "unknown-config-field", ["config is not valid", "wings"] },
        { "huge-config", ["config describes", "file holds"] },
        { "negative-config", ["describes no valid model", "-8"] },
        { "missing-tensor", ["missing tensors: tensor 'encoder.2.bias'"] },
        { "extra-tensor", ["unexpected tensors: tensor 'encoder.9.weight'"] },
        { "mis-shaped", ["tensor 'encoder.0.bias' is (2, 8)", "(16)"] },
        { "corrupt-metadata", ["\"metadata\" is not a JSON object"] },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void Load_DamagedCheckpoint_ThrowsInvalidDataNamingTheProblem(string damage, string[] expected)
    {
        string path = Tampered(damage + ".safetensors", (meta, tensors) =>
        {
            switch (damage)
            {
                case "version": meta["version"] = "2"; break;
                case "unknown-model": meta["model"] = "WarpDrive"; break;
                case "not-a-checkpoint": meta.Clear(); break;
                case "corrupt-config": meta["config"] = "{\"input_size\": 20,"; break;
                case "null-config-field": meta["config"] = meta["config"].Replace("[16,8]", "null"); break;
                case "unknown-config-field": meta["config"] = meta["config"].Replace("{", "{\"wings\":2,"); break;
                case "huge-config": meta["config"] = meta["config"].Replace("\"input_size\":20", "\"input_size\":2000000000"); break;
                case "negative-config": meta["config"] = meta["config"].Replace("[16,8]", "[16,-8]"); break;
                case "missing-tensor":
                    // Keep the float count right, so the per-tensor check (not the size check) must catch it.
                    int i = tensors.FindIndex(t => t.Name == "encoder.2.bias");
                    tensors[i] = new SafeTensor("decoder.9.bias", [8], tensors[i].ToFloatArray());
                    break;
                case "extra-tensor":
                    int j = tensors.FindIndex(t => t.Name == "encoder.2.bias");
                    tensors[j] = new SafeTensor("encoder.9.weight", [8], tensors[j].ToFloatArray());
                    break;
                case "mis-shaped":
                    int k = tensors.FindIndex(t => t.Name == "encoder.0.bias");
                    tensors[k] = new SafeTensor("encoder.0.bias", [2, 8], tensors[k].ToFloatArray());
                    break;
                case "corrupt-metadata": meta["metadata"] = "[1, 2"; break;
            }
        });

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));

        Assert.Contains(path, e.Message);
        foreach (string fragment in expected)
            Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Load_TruncatedOrFlippedBytes_OnlyEverThrowsInvalidData()
    {
        string path = PathOf("good.safetensors");
        Checkpoint.Save(TrainedDense(tied: true), path);
        byte[] good = File.ReadAllBytes(path);
        var random = new Random(Seeds.Default);
        int rejected = 0, accepted = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            byte[] bad = (byte[])good.Clone();
            if (trial % 2 == 0)
                bad = bad[..random.Next(bad.Length)];
            else
                bad[random.Next(bad.Length)] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(path, bad);
            try
            {
                // A flip inside the weights is a valid file with another weight: that must load.
                Checkpoint.Load(path);
                accepted++;
            }
            catch (InvalidDataException e)
            {
                Assert.Contains(path, e.Message);
                rejected++;
            }
        }
        Assert.True(rejected >= 100, $"only {rejected} of 200 damaged files were rejected");
        Assert.Equal(200, rejected + accepted);
    }

    [Fact]
    public void LoadStateDict_NamesEveryProblem_AndChangesNothing()
    {
        var model = TrainedDense(tied: false);
        float[] before = model.Parameters().SelectMany(p => p.ToArray()).ToArray();
        var file = new SafeTensorFile([new SafeTensor("encoder.0.weight", [16, 20], new float[320])], null);

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadStateDict(model, file, "<memory>"));

        Assert.Contains("missing tensors: tensor 'decoder.0.bias'", e.Message);
        TensorAssert.BitwiseEqual(before, model.Parameters().SelectMany(p => p.ToArray()).ToArray(), "weights after a failed load");
    }

    private sealed class Unregistered : AutoencoderModel
    {
        public override int LatentSize => 1;

        public override Tensor Encode(Tensor input) => input;

        public override Tensor Decode(Tensor latent) => latent;

        public override ModelLoss Loss(Tensor input, Random random) => ModelLoss.Of(Tensor.Scalar(0f));
    }
}
