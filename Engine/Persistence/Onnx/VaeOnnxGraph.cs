using Engine.Layers;
using Engine.Models;

namespace Engine.Persistence.Onnx;

/// <summary>
/// A variational autoencoder, dense (<see cref="VariationalAutoencoder"/>) or convolutional
/// (<see cref="ConvVariationalAutoencoder"/>), as ONNX. The encoder runs the shared trunk and then the two heads,
/// giving the outputs <c>mu</c> and <c>log_var</c> (the posterior's mean and log-variance; a client that wants
/// samples draws z = mu + exp(log_var / 2)·ε itself). The decoder maps <c>latent</c> to the expected image:
/// Sigmoid of the logits for a Bernoulli likelihood, the means for a Gaussian one. Reconstruct decodes mu, as
/// the model's Reconstruct does. Inputs and outputs are flat rows (N, features) for both kinds; the conv graph
/// reshapes to images inside.
/// </summary>
internal sealed class VaeOnnxGraph : OnnxModelGraph
{
    private readonly Module _trunk, _mu, _logVar, _decoder;
    private readonly Likelihood _likelihood;
    private readonly int _features, _latent;
    private readonly long[]? _image;

    private VaeOnnxGraph(AutoencoderModel model, Sequential trunk, Sequential decoder, Likelihood likelihood,
        int features, long[]? image)
    {
        _trunk = trunk;
        _decoder = decoder;
        _mu = Child(model, "mu");
        _logVar = Child(model, "log_var");
        _likelihood = likelihood;
        _features = features;
        _latent = model.LatentSize;
        _image = image;
    }

    public static VaeOnnxGraph Of(VariationalAutoencoder model) =>
        new(model, model.Encoder, model.Decoder, model.Likelihood, model.Options.InputSize, null);

    public static VaeOnnxGraph Of(ConvVariationalAutoencoder model) =>
        new(model, model.Encoder, model.Decoder, model.Likelihood, model.InputSize,
            [-1, model.Options.InputChannels, model.Options.ImageSize, model.Options.ImageSize]);

    public override OnnxDim[] InputShape => ["N", _features];

    public override OnnxDim[] LatentShape => ["N", _latent];

    public override string[] CodeNames => ["mu", "log_var"];

    public override string[] Encode(OnnxModelBuilder builder, string input, string[] outputs)
    {
        string x = _image is null ? input : builder.Reshape(input, _image);
        string h = ModuleOnnx.Emit(builder, _trunk, "encoder.", x);
        return
        [
            ModuleOnnx.Rename(builder, ModuleOnnx.Emit(builder, _mu, "mu.", h), outputs[0]),
            ModuleOnnx.Rename(builder, ModuleOnnx.Emit(builder, _logVar, "log_var.", h), outputs[1]),
        ];
    }

    public override string Decode(OnnxModelBuilder builder, string latent, string output)
    {
        string raw = ModuleOnnx.Emit(builder, _decoder, "decoder.", latent);
        if (_image is not null) raw = builder.Reshape(raw, [-1, _features]);
        return _likelihood == Likelihood.Bernoulli ? builder.Sigmoid(raw, output) : ModuleOnnx.Rename(builder, raw, output);
    }

    private static Module Child(Module model, string name) =>
        model.Children.Single(c => c.Name == name).Module;
}
