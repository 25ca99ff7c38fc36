using Engine.Models;

namespace Engine.Persistence.Onnx;

/// <summary>
/// A <see cref="ConvAutoencoder"/> as ONNX. Like the model, the graph reads and writes flat rows (N, C·S·S), so
/// a server feeds it the same arrays as the dense autoencoder: Reshape to (N, C, S, S), then the encoder's
/// Conv [BatchNormalization] Relu layers, Flatten and Gemm to the code; the decoder's Gemm [BatchNormalization]
/// Relu, Reshape to (N, C', s, s), ConvTranspose layers (with their output padding) and Sigmoid, and a Reshape back
/// to rows.
/// </summary>
internal sealed class ConvOnnxGraph(ConvAutoencoder model) : OnnxModelGraph
{
    private readonly ConvAutoencoderOptions _options = model.Options;

    private int Features => _options.InputChannels * _options.ImageSize * _options.ImageSize;

    public override OnnxDim[] InputShape => ["N", Features];

    public override OnnxDim[] LatentShape => ["N", _options.LatentSize];

    public override string[] Encode(OnnxModelBuilder builder, string input, string[] outputs)
    {
        string images = builder.Reshape(input, [-1, _options.InputChannels, _options.ImageSize, _options.ImageSize]);
        return [ModuleOnnx.Rename(builder, ModuleOnnx.Emit(builder, model.Encoder, "encoder.", images), outputs[0])];
    }

    public override string Decode(OnnxModelBuilder builder, string latent, string output) =>
        builder.Reshape(ModuleOnnx.Emit(builder, model.Decoder, "decoder.", latent), [-1, Features], output);
}
