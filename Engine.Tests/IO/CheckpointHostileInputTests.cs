using System.Buffers.Binary;
using System.Text;
using Engine.Data;
using Engine.IO;
using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Persistence;
using Engine.Tests.Testing;
using Engine.Training;
using FsCheck;
using FsCheck.Xunit;

namespace Engine.Tests.IO;

/// <summary>
/// Checkpoint.Load and training resume on broken or malicious files: the safetensors container, the JSON config
/// and training state in its metadata, and how they pair with the tensors. A file loads (a flip inside the
/// weights is a valid file with another weight), or the reader throws InvalidDataException naming the file;
/// resume may also report a run mismatch (ArgumentException) when a flip rewrote the saved seed or batch size.
/// </summary>
[Trait("Layer", "IO")]
public sealed class CheckpointHostileInputTests : IDisposable
{
    private static readonly DenseAutoencoderOptions Architecture = new(6, [4], 2);
    private static readonly IDataset Data = new FloatDataset(
        Enumerable.Range(0, 16 * 6).Select(i => (i * 7 % 11) / 11f).ToArray(), 6);

    private readonly string _dir = Directory.CreateTempSubdirectory("ckpt-hostile-").FullName;
    private readonly byte[] _model;
    private readonly byte[] _training;

    public CheckpointHostileInputTests()
    {
        string model = Path.Combine(_dir, "model.safetensors"), training = Path.Combine(_dir, "training.safetensors");
        Checkpoint.Save(new DenseAutoencoder(Architecture, new Random(Seeds.Default)), model,
            new Dictionary<string, string> { ["note"] = "hostile" });
        var trained = new DenseAutoencoder(Architecture, new Random(Seeds.Default));
        new Trainer(Options(1) with { CheckpointPath = training }).Fit(trained, new Adam(trained.Parameters(), 1e-2f), Data);
        _model = File.ReadAllBytes(model);
        _training = File.ReadAllBytes(training);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TrainerOptions Options(int epochs) => new() { Epochs = epochs, BatchSize = 8, Seed = 4 };

    private static int HeaderEnd(byte[] file) => 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file);

    private (AutoencoderModel? Result, Exception? Error) Load(byte[] bytes) =>
        HostileInput.RunFile(_dir, bytes, ".safetensors", Checkpoint.Load);

    /// <summary>Resumes a 2-epoch run from <paramref name="bytes"/>: trains on, or fails with a named, expected exception.</summary>
    private string Resume(byte[] bytes)
    {
        string path = HostileInput.WriteTemp(_dir, bytes, ".safetensors");
        try
        {
            var model = new DenseAutoencoder(Architecture, new Random(1));
            new Trainer(Options(2) with { ResumeFrom = path }).Fit(model, new Adam(model.Parameters(), 1e-2f), Data);
            return "resumed";
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or TrainingDivergedException)
        {
            // A flipped weight may be NaN or huge, which the trainer reports as divergence at the first step.
            if (e is not TrainingDivergedException)
                Assert.Contains(path, e.Message);
            return e.GetType().Name;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_EveryTruncation_IsRejected()
    {
        var (loaded, rejected) = HostileInput.EveryTruncation(_model, Load);
        Assert.Equal((0, _model.Length), (loaded, rejected));
    }

    [Property(MaxTest = 300)]
    public void Load_RandomByteFlips_LoadOrNameTheFile(NonNegativeInt position, byte mask, NonNegativeInt second)
    {
        var (model, _) = Load(HostileInput.Flip(_model, position.Get, mask, second.Get));
        if (model is not null)
            Assert.Equal(Architecture.InputSize, Assert.IsType<DenseAutoencoder>(model).Options.InputSize);
    }

    [Property(MaxTest = 300)]
    public void Load_ByteFlipsInTheJsonHeader_LoadOrNameTheFile(NonNegativeInt position, byte mask)
    {
        // Flips confined to the header hit the metadata JSON (format, version, model, config, metadata) far more often.
        int length = HeaderEnd(_model) - 8;
        Load(HostileInput.Flip(_model, 8 + position.Get % length, mask, 8 + position.Get % length));
    }

    /// <summary>The model checkpoint with one metadata value replaced (the file stays valid safetensors).</summary>
    private byte[] WithMetadata(string key, string value)
    {
        var file = SafeTensors.Read(new MemoryStream(_model), "model");
        var metadata = file.Metadata.ToDictionary();
        metadata[key] = value;
        return SafeTensors.Serialize(file.Tensors.ToList(), metadata);
    }

    public static TheoryData<string, string, string> HostileMetadata() => new()
    {
        { "config", new string('[', 5000) + new string(']', 5000), "config is not valid" },
        { "config", "{\"input_size\":6,\"hidden_sizes\":[4],\"latent_size\":2,\"x\":" + new string('[', 100) + new string(']', 100) + "}", "config is not valid" },
        { "config", "{\"input_size\":1e400,\"hidden_sizes\":[4],\"latent_size\":2}", "config is not valid" },
        { "config", "{\"input_size\":2147483648,\"hidden_sizes\":[4],\"latent_size\":2}", "config is not valid" },
        { "config", "{\"input_size\":-6,\"hidden_sizes\":[4],\"latent_size\":2}", "no valid model" },
        { "config", "{\"input_size\":0,\"hidden_sizes\":[4],\"latent_size\":2}", "no valid model" },
        { "config", "{\"input_size\":2000000000,\"hidden_sizes\":[2000000000,2000000000],\"latent_size\":2000000000}", "config" },
        { "config", "{\"input_size\":6,\"hidden_sizes\":[" + string.Join(',', Enumerable.Repeat(4, 100_000)) + "],\"latent_size\":2}", "file holds" },
        { "config", "{\"input_size\":\"6\",\"hidden_sizes\":[4],\"latent_size\":2}", "config is not valid" },
        { "config", "null", "config" },
        { "config", "", "config is not valid" },
        { "metadata", new string('{', 5000), "\"metadata\" is not a JSON object" },
        { "metadata", "{\"a\":{\"b\":1}}", "\"metadata\" is not a JSON object" },
        { "metadata", "null", "\"metadata\" is null" },
        { "version", "99999999999999999999", "version" },
        { "version", "-1", "version" },
        { "model", "", "model type" },
        { "model", new string('M', 100_000), "unknown model type" },
    };

    [Theory]
    [MemberData(nameof(HostileMetadata), DisableDiscoveryEnumeration = true)]
    public void Load_HostileMetadata_IsRejectedNamingTheProblem(string key, string value, string mention)
    {
        var error = Load(WithMetadata(key, value)).Error;
        Assert.NotNull(error);
        Assert.Contains(mention, error.Message);
    }

    [Fact]
    public void Load_TensorsThatDoNotPairWithTheConfig_AreRejectedBeforeBuilding()
    {
        // A config for a far larger model than the tensors hold must fail on the size check, not by allocating.
        string config = SafeTensors.Read(new MemoryStream(_model), "model").Metadata["config"];
        Assert.Contains("\"input_size\":6,", config);
        config = config.Replace("\"input_size\":6,", "\"input_size\":60000,").Replace("[4]", "[4000]");
        var (_, error) = HostileInput.Run(() => Checkpoint.Load(HostileInput.WriteTemp(_dir, WithMetadata("config", config), ".st")),
            ".st", 1 << 20);
        Assert.Contains("parameter values but the file holds", error!.Message);
    }

    [Fact]
    public void Load_InvalidUtf8InTheHeader_NamesTheByteOffset()
    {
        byte[] bytes = (byte[])_model.Clone();
        int at = Encoding.UTF8.GetString(bytes, 8, HeaderEnd(bytes) - 8).IndexOf("hostile", StringComparison.Ordinal) + 8;
        bytes[at] = 0xFF;
        var error = Load(bytes).Error;
        Assert.Contains($"byte {at}", error!.Message);
    }

    [Fact]
    public void Resume_ValidTrainingCheckpoint_Resumes()
    {
        Assert.Equal("resumed", Resume(_training));
    }

    [Property(MaxTest = 150)]
    public void Resume_RandomByteFlips_ResumeOrNameTheFile(NonNegativeInt position, byte mask, NonNegativeInt second)
    {
        Resume(HostileInput.Flip(_training, position.Get, mask, second.Get));
    }

    [Property(MaxTest = 150)]
    public void Resume_ByteFlipsInTheTrainingState_ResumeOrNameTheFile(NonNegativeInt position, byte mask)
    {
        int length = HeaderEnd(_training) - 8;
        Resume(HostileInput.Flip(_training, 8 + position.Get % length, mask, 8 + position.Get % length));
    }

    [Fact]
    public void Resume_EveryTruncationOfTheHeader_IsRejected()
    {
        for (int cut = 0; cut < HeaderEnd(_training) + 16; cut++)
            Assert.Equal(nameof(InvalidDataException), Resume(_training[..cut]));
    }

    [Theory]
    [InlineData("\"seen\":", "\"seen\":-5,\"x\":")]
    [InlineData("\"next_batch\":", "\"next_batch\":99999,\"x\":")]
    [InlineData("\"noise\":\"", "\"noise\":\"zz")]
    [InlineData("\"reports\":[", "\"reports\":" + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[")]
    [InlineData("\"optimizer_slots\":[", "\"optimizer_slots\":[\"warp\",")]
    public void Resume_HostileTrainingState_IsRejectedNamingTheFile(string find, string replace)
    {
        var file = SafeTensors.Read(new MemoryStream(_training), "training");
        var metadata = file.Metadata.ToDictionary();
        Assert.Contains(find, metadata["training"]);
        metadata["training"] = metadata["training"].Replace(find, replace);
        string outcome = Resume(SafeTensors.Serialize(file.Tensors.ToList(), metadata));
        Assert.Equal(nameof(InvalidDataException), outcome);
    }

    [Fact]
    public void Resume_MisSizedOptimizerMoment_IsRejectedAsDamage()
    {
        var file = SafeTensors.Read(new MemoryStream(_training), "training");
        var tensors = file.Tensors.ToList();
        int i = tensors.FindIndex(t => t.Name.StartsWith(Checkpoint.TrainingPrefix + "optimizer/", StringComparison.Ordinal));
        tensors[i] = new SafeTensor(tensors[i].Name, [1], [0f]);
        Assert.Equal(nameof(InvalidDataException), Resume(SafeTensors.Serialize(tensors, file.Metadata)));
    }
}
