using System.Text.Json.Nodes;
using Engine.IO;
using Engine.Layers;
using Engine.Models;
using Engine.Persistence;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Engine.Kernels;

namespace Engine.Tests.IO;

/// <summary>A small valid model and up to two edits of its checkpoint config: which field, and the JSON put there.</summary>
public sealed record ConfigCase(AutoencoderModel Model, (int Field, string Json)[] Edits)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Model.GetType().Name} {ModelRegistry.Of(Model).SerializeConfig(Model)} edits [{string.Join(", ", Edits.Select(e => $"#{e.Field} := {e.Json}"))}]";
}

/// <summary>A config as raw JSON with sizes anywhere in -3..6 (the records may reject them), for the state-size check.</summary>
public sealed record RawConfig(string Model, string Json)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Model} {Json}";
}

/// <summary>
/// Generators of checkpoint configs: small valid models of every registered type (random sizes, activations,
/// likelihoods, noise, sparsity, annealing), and hostile edits of one or two fields of their config: numbers where
/// names belong, names no enum has, negative, zero, huge and non-finite numbers, nulls, empty and negative lists.
/// </summary>
public static class ConfigArbitraries
{
    private static readonly string[] HostileJson =
    [
        "-1", "0", "1", "3", "0.5", "1.5", "-16000", "2147483648", "-2147483649", "100000", "1e39", "-1e30",
        "\"NaN\"", "\"Infinity\"", "99", "\"99\"", "\"Relu, Tanh\"", "\"Swish\"", "\"Relu\"", "null", "[]", "[-1]",
        "[1,-1]", "[32103,-16000]", "[2147483647]", "{}", "\"x\"", "true",
    ];

    private static Gen<T> Named<T>() where T : struct, Enum => Gen.Elements(Enum.GetValues<T>());

    private static Gen<int[]> Widths(int max) => Gen.Choose(1, 6).ArrayOf().Select(a => a[..Math.Min(a.Length, max)]);

    private static Gen<Corruption?> Noise =>
        Gen.OneOf(Gen.Constant<Corruption?>(null),
            from kind in Named<NoiseKind>() from level in Gen.Choose(0, 10) select (Corruption?)new Corruption(kind, level / 10f));

    private static Gen<KlAnnealing?> Annealing =>
        Gen.OneOf(Gen.Constant<KlAnnealing?>(null),
            from kind in Named<AnnealingKind>() from steps in Gen.Choose(1, 20) select (KlAnnealing?)new KlAnnealing(kind, steps));

    private static Gen<AutoencoderModel> Dense =>
        from input in Gen.Choose(1, 8)
        from hidden in Widths(2)
        from latent in Gen.Choose(1, 6)
        from activations in Named<ActivationKind>().ArrayOf(3)
        from tied in Gen.Elements(false, true)
        from noise in Noise
        from sparsity in Gen.Elements<Sparsity?>(null, new Sparsity(SparsityKind.L1, 0.01f), new Sparsity(SparsityKind.KlTarget, 0.1f, 0.2f))
        from contractive in Gen.Elements(0f, 1e-3f)
        let sigmoid = sparsity is { Kind: SparsityKind.KlTarget } || contractive > 0
        select (AutoencoderModel)new DenseAutoencoder(new DenseAutoencoderOptions(input, hidden, latent, activations[0], activations[1],
            sigmoid ? ActivationKind.Sigmoid : activations[2], tied, noise, sparsity, contractive), new Random(1));

    private static Gen<AutoencoderModel> Vae =>
        from input in Gen.Choose(1, 8)
        from hidden in Widths(2)
        from latent in Gen.Choose(1, 4)
        from likelihood in Named<Likelihood>()
        from beta in Gen.Choose(0, 20)
        from annealing in Annealing
        from freeBits in Gen.Choose(0, 5)
        from activation in Named<ActivationKind>()
        select (AutoencoderModel)new VariationalAutoencoder(new VaeOptions(input, hidden, latent, likelihood, beta / 10f, annealing,
            freeBits / 10f, activation), new Random(1));

    private static Gen<AutoencoderModel> Conv =>
        from channels in Gen.Choose(1, 3).ArrayOf().Where(a => a.Length is >= 1 and <= 2)
        from latent in Gen.Choose(1, 4)
        from image in Gen.Choose(2, 9)
        from inputChannels in Gen.Choose(1, 2)
        from batchNorm in Gen.Elements(false, true)
        from activations in Named<ActivationKind>().ArrayOf(2)
        from noise in Noise
        select (AutoencoderModel)new ConvAutoencoder(new ConvAutoencoderOptions(channels, latent, image, inputChannels, batchNorm,
            activations[0], activations[1], noise), new Random(1));

    private static Gen<AutoencoderModel> ConvVae =>
        from channels in Gen.Choose(1, 3).ArrayOf().Where(a => a.Length is >= 1 and <= 2)
        from latent in Gen.Choose(1, 4)
        from image in Gen.Choose(2, 9)
        from batchNorm in Gen.Elements(false, true)
        from likelihood in Named<Likelihood>()
        from annealing in Annealing
        select (AutoencoderModel)new ConvVariationalAutoencoder(new ConvVaeOptions(channels, latent, image, 1, batchNorm, likelihood,
            Annealing: annealing), new Random(1));

    /// <summary>A small valid model of a registered type with up to two hostile config edits.</summary>
    public static Arbitrary<ConfigCase> Configs() =>
        (from model in Gen.OneOf(Dense, Vae, Conv, ConvVae)
         from count in Gen.Choose(0, 2)
         from fields in Gen.Choose(0, 1000).ArrayOf(count)
         from values in Gen.Elements(HostileJson).ArrayOf(count)
         select new ConfigCase(model, [.. fields.Zip(values)])).ToArbitrary();

    /// <summary>Raw configs of the dense and variational autoencoders with sizes in -3..6, possibly a field missing.</summary>
    public static Arbitrary<RawConfig> RawConfigs() =>
        (from vae in Gen.Elements(false, true)
         from input in Gen.Choose(-3, 6)
         from hidden in Gen.Choose(-3, 6).ArrayOf().Select(a => a[..Math.Min(a.Length, 3)])
         from latent in Gen.Choose(-3, 6)
         select new RawConfig(vae ? nameof(VariationalAutoencoder) : nameof(DenseAutoencoder),
             $"{{\"input_size\":{input},\"hidden_sizes\":[{string.Join(",", hidden)}],\"latent_size\":{latent}}}")).ToArbitrary();
}

/// <summary>
/// Random checkpoint configs (<see cref="ConfigArbitraries"/>): a config whose fields were edited to hostile
/// values loads a valid model or is rejected with an InvalidDataException naming the file and the config entry,
/// within a small allocation budget; and the state size a registration computes from a config (before allocating)
/// agrees with the model it then builds, for every config it accepts.
/// </summary>
[Trait("Layer", "IO")]
public sealed class CheckpointConfigProperties : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ckpt-config-prop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every value position of the config (object members and array elements), outermost first.</summary>
    private static List<(JsonNode Parent, string? Key, int Index)> Positions(JsonNode node)
    {
        var positions = new List<(JsonNode, string?, int)>();
        if (node is JsonObject obj)
        {
            foreach (var (key, child) in obj.ToList())
            {
                positions.Add((obj, key, -1));
                if (child is not null) positions.AddRange(Positions(child));
            }
        }
        else if (node is JsonArray array)
        {
            for (int i = 0; i < array.Count; i++)
            {
                positions.Add((array, null, i));
                if (array[i] is { } child) positions.AddRange(Positions(child));
            }
        }
        return positions;
    }

    [Property(Arbitrary = [typeof(ConfigArbitraries)], MaxTest = 200)]
    public void HostileConfigEdits_LoadAValidModel_OrAreRejectedNamingFileAndEntry(ConfigCase config)
    {
        string path = Path.Combine(_dir, $"{Guid.NewGuid():N}.safetensors");
        Checkpoint.Save(config.Model, path);
        var file = SafeTensors.Read(path);
        File.Delete(path);
        var metadata = file.Metadata.ToDictionary();
        var json = JsonNode.Parse(metadata["config"])!;
        foreach (var (field, value) in config.Edits)
        {
            var positions = Positions(json);
            var (parent, key, index) = positions[field % positions.Count];
            var replacement = JsonNode.Parse(value);
            if (key is not null) ((JsonObject)parent)[key] = replacement;
            else ((JsonArray)parent)[index] = replacement;
        }
        metadata["config"] = json.ToJsonString();
        byte[] bytes = SafeTensors.Serialize(file.Tensors.ToList(), metadata);

        var (loaded, error) = HostileInput.RunFile(_dir, bytes, ".safetensors", Checkpoint.Load);
        if (loaded is not null)
        {
            // Whatever loaded is a valid model: its options survive a save and load of their own.
            string again = Path.Combine(_dir, $"{Guid.NewGuid():N}.safetensors");
            Checkpoint.Save(loaded, again);
            Assert.Equal(ModelRegistry.Of(loaded).SerializeConfig(loaded), Checkpoint.ReadInfo(again).ConfigJson);
            File.Delete(again);
        }
        else
        {
            Assert.Contains("metadata 'config'", error!.Message);
        }
    }

    [Property(Arbitrary = [typeof(ConfigArbitraries)], MaxTest = 300)]
    public void StateSize_OfEveryAcceptedConfig_IsTheSizeOfTheModelItBuilds(RawConfig config)
    {
        // The size check before allocating is only as good as this agreement: a config the size function accepts
        // but the constructor rejects (or builds to another size) is how a negative width once slipped through.
        Assert.True(ModelRegistry.TryGet(config.Model, out var registration));
        long size;
        try
        {
            size = registration.StateSize(config.Json, "raw");
        }
        catch (InvalidDataException e)
        {
            Assert.Contains("metadata 'config'", e.Message);
            return;
        }
        var model = registration.Build(config.Json, size, "raw");
        Assert.Equal(size, model.StateDict().Sum(s => (long)s.Tensor.Size));
    }
}
