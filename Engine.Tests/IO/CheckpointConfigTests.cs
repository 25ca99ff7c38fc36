using Engine.IO;
using Engine.Models;
using Engine.Persistence;
using Engine.Tests.Testing;

namespace Engine.Tests.IO;

/// <summary>
/// Checkpoint configs that are well-formed JSON but describe no valid model: every field is checked (sizes at
/// least 1, rates and weights finite and in range, enums by name only) with checked arithmetic before anything is
/// allocated, and the message names the file, the metadata entry and the field.
/// </summary>
[Trait("Layer", "IO")]
public sealed class CheckpointConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ckpt-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A checkpoint of <paramref name="model"/> with its config JSON replaced (the tensors are unchanged).</summary>
    private static byte[] WithConfig(AutoencoderModel model, Func<string, string> edit)
    {
        using var memory = new MemoryStream();
        string path = Path.Combine(Path.GetTempPath(), $"cfg-{Guid.NewGuid():N}.safetensors");
        Checkpoint.Save(model, path);
        try
        {
            var file = SafeTensors.Read(path);
            var metadata = file.Metadata.ToDictionary();
            string edited = edit(metadata["config"]);
            Assert.NotEqual(metadata["config"], edited);
            metadata["config"] = edited;
            return SafeTensors.Serialize(file.Tensors.ToList(), metadata);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A checkpoint of a model type holding a config and <paramref name="floats"/> floats in one tensor.</summary>
    private static byte[] Crafted(string model, string config, int floats) =>
        SafeTensors.Serialize([new SafeTensor("w", [floats], new float[floats])], new Dictionary<string, string>
        {
            ["format"] = Checkpoint.Format, ["version"] = "1", ["model"] = model, ["config"] = config, ["metadata"] = "{}",
        });

    /// <summary>Loads within a 1 MiB allocation budget; returns the rejection, which must name the file and a position.</summary>
    private Exception Rejection(byte[] bytes)
    {
        string path = HostileInput.WriteTemp(_dir, bytes, ".safetensors");
        var (model, error) = HostileInput.Run(() => Checkpoint.Load(path), path, 1 << 20);
        Assert.Null(model);
        return error!;
    }

    [Fact]
    public void VaeConfig_NegativeWidthThatCancelsAHugeOne_IsRejectedBeforeAllocating()
    {
        // Reproduction: the unchecked state-size sum of 16000-32103-(-16000)-1 comes to 208 floats, which the file
        // holds, so the size check passed and building the first Linear allocated 1.96 GiB.
        var error = Rejection(Crafted(nameof(VariationalAutoencoder),
            "{\"input_size\":16000,\"hidden_sizes\":[32103,-16000],\"latent_size\":1}", 208));
        Assert.Contains("hidden_sizes[1]", error.Message);
        Assert.Contains("-16000", error.Message);
        Assert.Contains("metadata 'config'", error.Message);
    }

    [Fact]
    public void VaeConfig_WidthsThatOverflowWhenMultiplied_AreRejectedBeforeAllocating()
    {
        var error = Rejection(Crafted(nameof(VariationalAutoencoder),
            "{\"input_size\":26000,\"hidden_sizes\":[52103,-26000],\"latent_size\":1}", 208));
        Assert.Contains("hidden_sizes[1]", error.Message);
    }

    public static TheoryData<string, string, string> EnumsAndRanges() => new()
    {
        // field, find, replace
        { "hidden", "\"hidden\":\"Relu\"", "\"hidden\":99" },
        { "hidden", "\"hidden\":\"Relu\"", "\"hidden\":0" },
        { "hidden", "\"hidden\":\"Relu\"", "\"hidden\":\"99\"" },
        { "hidden", "\"hidden\":\"Relu\"", "\"hidden\":\"Relu, Tanh\"" },
        { "hidden", "\"hidden\":\"Relu\"", "\"hidden\":\"Swish\"" },
        { "kind", "\"kind\":\"Gaussian\"", "\"kind\":7" },
        { "level", "\"level\":0.2", "\"level\":1e39" },
        { "level", "\"level\":0.2", "\"level\":-5" },
        { "level", "\"level\":0.2", "\"level\":\"NaN\"" },
        { "weight", "\"weight\":0.01", "\"weight\":-1e30" },
        { "target", "\"target\":0.05", "\"target\":1.5" },
        { "contractive_weight", "\"contractive_weight\":0", "\"contractive_weight\":-1" },
    };

    [Theory]
    [MemberData(nameof(EnumsAndRanges))]
    public void DenseConfig_EnumByNumberOrBadName_OrValueOutOfRange_IsRejectedNamingTheField(string field, string find, string replace)
    {
        var model = new DenseAutoencoder(new DenseAutoencoderOptions(6, [4], 2,
            Noise: new Corruption(NoiseKind.Gaussian, 0.2f), Sparsity: new Sparsity(SparsityKind.L1, 0.01f)), new Random(1));
        var error = Rejection(WithConfig(model, c => c.Replace(find, replace, StringComparison.Ordinal)));
        Assert.Contains(field, error.Message);
    }

    [Theory]
    [InlineData("\"likelihood\":\"Bernoulli\"", "\"likelihood\":5", "likelihood")]
    [InlineData("\"beta\":1", "\"beta\":-2", "beta")]
    [InlineData("\"free_bits\":0", "\"free_bits\":\"Infinity\"", "free_bits")]
    [InlineData("\"kind\":\"Linear\"", "\"kind\":1", "kind")]
    [InlineData("\"steps\":10", "\"steps\":0", "steps")]
    public void VaeConfig_EnumByNumber_OrValueOutOfRange_IsRejectedNamingTheField(string find, string replace, string field)
    {
        var model = new VariationalAutoencoder(new VaeOptions(6, [4], 2, Annealing: new KlAnnealing(AnnealingKind.Linear, 10)),
            new Random(1));
        var error = Rejection(WithConfig(model, c => c.Replace(find, replace, StringComparison.Ordinal)));
        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void ConvConfig_ImageSizeWhoseImageOverflowsAnInt_IsReportedAsSuch()
    {
        var model = new ConvAutoencoder(new ConvAutoencoderOptions([2], 2, ImageSize: 8), new Random(1));
        var error = Rejection(WithConfig(model, c => c.Replace("\"image_size\":8", "\"image_size\":100000", StringComparison.Ordinal)));
        Assert.Contains("image_size", error.Message);
        Assert.Contains("100000", error.Message);
        Assert.DoesNotContain("-1794967296", error.Message);
    }

    [Fact]
    public void TensorMisfit_NamesTheTensorAsThePosition()
    {
        var model = new DenseAutoencoder(new DenseAutoencoderOptions(6, [4], 2), new Random(1));
        string path = Path.Combine(_dir, "m.safetensors");
        Checkpoint.Save(model, path);
        var file = SafeTensors.Read(path);
        var tensors = file.Tensors.Select(t => t.Name == "encoder.0.weight" ? new SafeTensor(t.Name, [2, 12], new float[24]) : t).ToList();
        var error = Rejection(SafeTensors.Serialize(tensors, file.Metadata));
        Assert.Contains("tensor 'encoder.0.weight'", error.Message);
    }

    [Fact]
    public void Save_RefusesNonFiniteWeights()
    {
        var model = new DenseAutoencoder(new DenseAutoencoderOptions(6, [4], 2), new Random(1));
        model.Parameters()[1].Span[2] = float.PositiveInfinity;
        string path = Path.Combine(_dir, "inf.safetensors");
        var e = Assert.Throws<ArgumentException>(() => Checkpoint.Save(model, path));
        Assert.Contains("encoder.0.bias", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void NonFiniteWeight_IsRejectedNamingTheTensorAndElement()
    {
        var model = new DenseAutoencoder(new DenseAutoencoderOptions(6, [4], 2), new Random(1));
        string path = Path.Combine(_dir, "nan.safetensors");
        Checkpoint.Save(model, path);
        var file = SafeTensors.Read(path);
        var tensors = file.Tensors.Select(t =>
        {
            if (t.Name != "encoder.0.weight") return t;
            var values = t.ToFloatArray();
            values[5] = float.NaN;
            return new SafeTensor(t.Name, [.. t.Shape], values);
        }).ToList();
        var error = Rejection(SafeTensors.Serialize(tensors, file.Metadata));
        Assert.Contains("element 5", error.Message);
        Assert.Contains("NaN", error.Message);
    }
}
