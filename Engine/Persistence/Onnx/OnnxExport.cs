using Engine.IO;
using Engine.Models;

namespace Engine.Persistence.Onnx;

/// <summary>Which part of an autoencoder an ONNX file computes.</summary>
public enum OnnxPart
{
    /// <summary>input → reconstruction (through the code; for a VAE, through the posterior mean).</summary>
    Reconstruct,

    /// <summary>input → code (<c>latent</c>; for a VAE, <c>mu</c> and <c>log_var</c>).</summary>
    Encoder,

    /// <summary>code (<c>latent</c>) → reconstruction.</summary>
    Decoder,
}

/// <summary>
/// Exports a trained autoencoder as an ONNX model (opset 17) that ONNX Runtime and other ONNX tools run with the
/// same numbers, inference only. The batch dimension is symbolic ("N"), so any batch size works.
/// </summary>
/// <remarks>
/// Graph inputs and outputs are named <c>input</c>, <c>latent</c> and <c>reconstruction</c> (a VAE's encoder
/// outputs <c>mu</c> and <c>log_var</c> and its decoder reads <c>latent</c>); initializers carry the model's
/// state-dict names, as <c>torch.onnx.export</c> names them. The per-model mapping lives in one place,
/// <see cref="GraphOf"/>: a new model type adds a case there returning its <see cref="OnnxModelGraph"/>.
/// </remarks>
public static class OnnxExport
{
    /// <summary>Writes <paramref name="part"/> of <paramref name="model"/> to <paramref name="path"/> as ONNX, atomically.</summary>
    /// <exception cref="ArgumentException">The model type has no ONNX mapping yet.</exception>
    public static void Save(AutoencoderModel model, string path, OnnxPart part = OnnxPart.Reconstruct) =>
        AtomicFile.WriteAllBytes(path, Build(model, part));

    /// <summary>The serialized ONNX ModelProto of <paramref name="part"/> of <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">The model type has no ONNX mapping yet.</exception>
    public static byte[] Build(AutoencoderModel model, OnnxPart part = OnnxPart.Reconstruct)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = GraphOf(model);
        var builder = new OnnxModelBuilder($"{model.GetType().Name}_{part}".ToLowerInvariant());
        string[] codes = graph.CodeNames;
        switch (part)
        {
            case OnnxPart.Encoder:
                graph.Encode(builder, builder.AddInput("input", graph.InputShape), codes);
                foreach (string code in codes)
                    builder.AddOutput(code, graph.LatentShape);
                break;
            case OnnxPart.Decoder:
                builder.AddOutput(graph.Decode(builder, builder.AddInput("latent", graph.LatentShape), "reconstruction"),
                    graph.InputShape);
                break;
            case OnnxPart.Reconstruct:
                var encoded = graph.Encode(builder, builder.AddInput("input", graph.InputShape), codes);
                builder.AddOutput(graph.Decode(builder, encoded[0], "reconstruction"), graph.InputShape);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(part), part, "OnnxExport: unknown part.");
        }
        return builder.Build();
    }

    /// <summary>
    /// Writes the encoder of an LSTM text autoencoder (word ids and lengths → <c>latent</c>) to
    /// <paramref name="path"/> as ONNX, atomically. See <see cref="BuildEncoder"/>.
    /// </summary>
    public static void SaveEncoder(LstmTextAutoencoder model, string path) =>
        AtomicFile.WriteAllBytes(path, BuildEncoder(model));

    /// <summary>
    /// The serialized ONNX encoder of an LSTM text autoencoder. Inputs <c>ids</c> (int64, (N, T), padded) and
    /// <c>lengths</c> (int32, (N), each at least 1); output <c>latent</c> (N, Z), equal to
    /// <see cref="LstmTextAutoencoder.EncodeIds"/>. The decoder (greedy, word by word) is not exported.
    /// </summary>
    public static byte[] BuildEncoder(LstmTextAutoencoder model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return LstmEncoderOnnx.Build(model);
    }

    /// <summary>The one table from model types to their ONNX graphs.</summary>
    private static OnnxModelGraph GraphOf(AutoencoderModel model) => model switch
    {
        DenseAutoencoder dense => new DenseOnnxGraph(dense),
        ConvAutoencoder conv => new ConvOnnxGraph(conv),
        VariationalAutoencoder vae => VaeOnnxGraph.Of(vae),
        ConvVariationalAutoencoder convVae => VaeOnnxGraph.Of(convVae),
        _ => throw new ArgumentException(
            $"OnnxExport: {model.GetType().Name} has no ONNX mapping (exportable: DenseAutoencoder, ConvAutoencoder, " +
            "VariationalAutoencoder, ConvVariationalAutoencoder). HINT: add a case to OnnxExport.GraphOf.",
            nameof(model)),
    };
}
