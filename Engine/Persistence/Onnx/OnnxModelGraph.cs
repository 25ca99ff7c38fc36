using Engine.Layers;
using Engine.Kernels;

namespace Engine.Persistence.Onnx;

/// <summary>
/// How one model type is written as ONNX nodes: its encoder from the graph input to the code value(s), and its
/// decoder from a code to the reconstruction. <see cref="OnnxExport"/> composes the parts.
/// </summary>
public abstract class OnnxModelGraph
{
    /// <summary>Shape of the model input, batch first and symbolic: ("N", 784) or ("N", 1, 28, 28).</summary>
    public abstract OnnxDim[] InputShape { get; }

    /// <summary>Shape of each code output, batch first.</summary>
    public abstract OnnxDim[] LatentShape { get; }

    /// <summary>Names of the encoder's outputs: <c>latent</c>, or <c>mu</c> and <c>log_var</c> for a VAE; the first feeds the decoder.</summary>
    public virtual string[] CodeNames => ["latent"];

    /// <summary>Adds the encoder's nodes reading <paramref name="input"/>; the outputs get <paramref name="outputs"/> as names.</summary>
    public abstract string[] Encode(OnnxModelBuilder builder, string input, string[] outputs);

    /// <summary>Adds the decoder's nodes reading <paramref name="latent"/>; the result is named <paramref name="output"/>.</summary>
    public abstract string Decode(OnnxModelBuilder builder, string latent, string output);

    /// <summary>
    /// Adds an initializer for a state tensor under its state-dict name, once (the encoder and a tied decoder
    /// share it); returns the name.
    /// </summary>
    protected static string Weight(OnnxModelBuilder builder, string name, Engine.Tensors.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(tensor);
        return ModuleOnnx.Initializer(builder, name, tensor);
    }

    /// <summary>Applies an activation to <paramref name="x"/>; the result is named <paramref name="output"/> when given.</summary>
    protected static string Activate(OnnxModelBuilder builder, ActivationKind kind, string x, string? output = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return ModuleOnnx.Activate(builder, kind, x, output);
    }
}
