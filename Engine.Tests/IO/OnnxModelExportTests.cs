using Engine.Autodiff;
using Engine.Persistence.Onnx;
using Engine.Layers;
using Engine.Models;
using Engine.Tensors;
using Engine.Tests.Testing;
using Engine.Text;
using Microsoft.ML.OnnxRuntime;
using Engine.Kernels;

namespace Engine.Tests.IO;

/// <summary>
/// The conv autoencoder, the dense and conv VAEs and the LSTM text encoder, exported and run in ONNX Runtime:
/// every part (Reconstruct, Encoder with mu and log_var, Decoder) matches our forward within 1e-4 at batch sizes
/// 1 and 5 through the symbolic batch dimension; the LSTM encoder matches EncodeIds on padded sentences of mixed
/// lengths, which exercises the gate reordering (i, f, g, o → i, o, f, c) and the per-sentence reverse direction.
/// </summary>
[Trait("Layer", "IO")]
public sealed class OnnxModelExportTests
{
    private const float Atol = 1e-4f;

    internal static float[][] RunOrt(byte[] model, IReadOnlyList<(string Name, OrtValue Value)> inputs, params string[] outputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), inputs.Select(i => i.Value).ToArray(), outputs);
        return results.Select(r => r.GetTensorDataAsSpan<float>().ToArray()).ToArray();
    }

    private static float[][] RunOrt(byte[] model, string input, Tensor x, params string[] outputs)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(x.ToArray(), x.Shape.ToArray().Select(d => (long)d).ToArray());
        return RunOrt(model, [(input, value)], outputs);
    }

    public static TheoryData<string, int> Models()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in new[] { "conv", "conv-batchnorm-odd", "conv-three-layers-rgb", "vae-bernoulli", "vae-gaussian",
                     "conv-vae", "conv-vae-batchnorm-gaussian" })
        {
            data.Add(name, 1);
            data.Add(name, 5);
        }
        return data;
    }

    private static AutoencoderModel Build(string name) => name switch
    {
        "conv" => ConvCheckpointTests.Trained(ConvCheckpointTests.ConvCase("reference-8x8"), 64),
        "conv-batchnorm-odd" => ConvCheckpointTests.Trained(ConvCheckpointTests.ConvCase("batchnorm-odd-7"), 49),
        "conv-three-layers-rgb" => ConvCheckpointTests.Trained(ConvCheckpointTests.ConvCase("three-layers-rgb-9"), 243),
        "vae-bernoulli" => ConvCheckpointTests.Trained(new VariationalAutoencoder(new VaeOptions(12, [10, 6], 3), new Random(1)), 12),
        "vae-gaussian" => ConvCheckpointTests.Trained(new VariationalAutoencoder(
            new VaeOptions(12, [8], 2, Likelihood.Gaussian, Hidden: ActivationKind.Tanh), new Random(2)), 12),
        "conv-vae" => ConvCheckpointTests.Trained(new ConvVariationalAutoencoder(new ConvVaeOptions([3, 4], 2, ImageSize: 8),
            new Random(3)), 64),
        _ => ConvCheckpointTests.Trained(new ConvVariationalAutoencoder(new ConvVaeOptions([3, 4], 3, ImageSize: 7,
            BatchNorm: true, Likelihood: Likelihood.Gaussian), new Random(4)), 49),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryPart_MatchesOurForward(string name, int batch)
    {
        var model = Build(name);
        int features = FeaturesOf(model);
        var x = Tensor.Uniform(new Random(Seeds.Default + batch), 0f, 1f, batch, features);
        var z = Tensor.Normal(new Random(Seeds.Default - batch), 0f, 1f, batch, model.LatentSize);
        using var _ = GradMode.Disable();

        float[] reconstruction = RunOrt(OnnxExport.Build(model), "input", x, "reconstruction")[0];
        float[] decoded = RunOrt(OnnxExport.Build(model, OnnxPart.Decoder), "latent", z, "reconstruction")[0];
        TensorAssert.AllClose(model.Reconstruct(x).ToArray(), reconstruction, 0f, Atol, $"{name} reconstruction");
        TensorAssert.AllClose(model.Decode(z).ToArray(), decoded, 0f, Atol, $"{name} decoded");
        if (model is IVariationalModel vae)
        {
            float[][] codes = RunOrt(OnnxExport.Build(model, OnnxPart.Encoder), "input", x, "mu", "log_var");
            var (mu, logVar) = vae.Posterior(x);
            TensorAssert.AllClose(mu.ToArray(), codes[0], 0f, Atol, $"{name} mu");
            TensorAssert.AllClose(logVar.ToArray(), codes[1], 0f, Atol, $"{name} log_var");
        }
        else
        {
            float[] code = RunOrt(OnnxExport.Build(model, OnnxPart.Encoder), "input", x, "latent")[0];
            TensorAssert.AllClose(model.Encode(x).ToArray(), code, 0f, Atol, $"{name} code");
        }
    }

    private static int FeaturesOf(AutoencoderModel model) => model switch
    {
        ConvAutoencoder conv => conv.InputSize,
        ConvVariationalAutoencoder conv => conv.InputSize,
        VariationalAutoencoder vae => vae.Options.InputSize,
        _ => throw new ArgumentException(model.GetType().Name),
    };

    [Fact]
    public void VaeEncoder_DeclaresMuAndLogVar_AndUsesStateDictNames()
    {
        var model = Build("conv-vae-batchnorm-gaussian");
        using var session = new InferenceSession(OnnxExport.Build(model, OnnxPart.Encoder));
        Assert.Equal(["input"], session.InputNames);
        Assert.Equal(["mu", "log_var"], session.OutputNames);
        Assert.Equal([-1, 49], session.InputMetadata["input"].Dimensions);
        Assert.Equal([-1, 3], session.OutputMetadata["log_var"].Dimensions);
        var names = ProtoNames(OnnxExport.Build(model, OnnxPart.Encoder));
        Assert.Contains("encoder.1.running_var", names);
        Assert.Contains("log_var.weight", names);
    }

    // Every string in the file (initializer, node and value names among them); enough to check naming.
    private static HashSet<string> ProtoNames(byte[] model)
    {
        var text = System.Text.Encoding.ASCII.GetString(model);
        return System.Text.RegularExpressions.Regex.Matches(text, "[a-z_]+(\\.[a-z0-9_]+)+").Select(m => m.Value).ToHashSet();
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(2, false)]
    public void LstmTextEncoder_MatchesEncodeIds_OnPaddedSentences(int layers, bool bidirectional)
    {
        var vocabulary = Vocabulary.Build([Enumerable.Range(0, 12).Select(i => $"w{i}").ToArray()]);
        var model = new LstmTextAutoencoder(vocabulary, new LstmTextAutoencoderOptions
        {
            EmbeddingSize = 5, HiddenSize = 4, LatentSize = 3, Layers = layers, Bidirectional = bidirectional, MaxLength = 9,
        }, new Random(Seeds.Default + layers));
        var random = new Random(Seeds.Default);
        int[] lengths = [1, 7, 3, 9, 4];
        var sentences = lengths.Select(n => Enumerable.Range(0, n).Select(_ => Vocabulary.SpecialCount + random.Next(12)).ToArray()).ToList();
        int steps = lengths.Max();
        var ids = new long[sentences.Count * steps];
        for (int b = 0; b < sentences.Count; b++)
            for (int t = 0; t < sentences[b].Length; t++)
                ids[b * steps + t] = sentences[b][t];

        float[] expected = model.EncodeIds(sentences);
        using var idValue = OrtValue.CreateTensorValueFromMemory(ids, [sentences.Count, steps]);
        using var lengthValue = OrtValue.CreateTensorValueFromMemory(lengths, [lengths.Length]);
        float[] actual = RunOrt(OnnxExport.BuildEncoder(model), [("ids", idValue), ("lengths", lengthValue)], "latent")[0];

        TensorAssert.AllClose(expected, actual, 0f, Atol, "LSTM latent");
    }

    [Fact]
    public void UnsupportedLayer_IsRejectedNamingIt()
    {
        var builder = new OnnxModelBuilder("unsupported");
        string x = builder.AddInput("input", "N", 1, 4, 4);
        var decoder = new Sequential(new Activation(ActivationKind.Relu), new MaxPool2d(2));
        var e = Assert.Throws<ArgumentException>(() => ModuleOnnx.Emit(builder, decoder, "decoder.", x));
        Assert.Contains("'decoder.1' (MaxPool2d) has no ONNX mapping", e.Message);
    }
}
