using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Tensors;

namespace Engine.Models;

/// <summary>The architecture of a <see cref="DenseAutoencoder"/>.</summary>
/// <param name="InputSize">Features per example (784 for 28×28 images).</param>
/// <param name="HiddenSizes">Hidden layer widths of the encoder, outermost first; the decoder mirrors them.</param>
/// <param name="LatentSize">Width of the code layer.</param>
/// <param name="Hidden">Activation after every hidden layer.</param>
/// <param name="Output">Activation of the reconstruction (sigmoid for pixels in [0, 1]).</param>
/// <param name="Latent">Activation of the code layer (identity: a linear bottleneck).</param>
/// <param name="TiedWeights">Decoder layers reuse the transposed encoder weights (half the parameters).</param>
public sealed record DenseAutoencoderOptions(
    int InputSize,
    int[] HiddenSizes,
    int LatentSize,
    ActivationKind Hidden = ActivationKind.Relu,
    ActivationKind Output = ActivationKind.Sigmoid,
    ActivationKind Latent = ActivationKind.Identity,
    bool TiedWeights = false)
{
    /// <summary>The recipe of the project's reference: 784-512-128-32-128-512-784, ReLU, sigmoid output.</summary>
    public static DenseAutoencoderOptions Reference(int latent = 32) => new(784, [512, 128], latent);
}

/// <summary>
/// An undercomplete dense autoencoder: Linear layers narrowing to a small code and widening back, trained to
/// reproduce its input with mean squared error. Parameters are named <c>encoder.0.weight</c> ... as in a PyTorch
/// model with <c>encoder</c> and <c>decoder</c> nn.Sequential members.
/// </summary>
public sealed class DenseAutoencoder : AutoencoderModel
{
    private readonly Linear[] _encoderLayers;
    private readonly Linear[] _decoderLayers;
    private readonly Tensor[] _tiedBiases;

    /// <summary>Builds the model with PyTorch's default initialisation drawn from <paramref name="random"/>.</summary>
    public DenseAutoencoder(DenseAutoencoderOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        Options = options;
        int[] widths = [options.InputSize, .. options.HiddenSizes, options.LatentSize];
        Encoder = RegisterModule("encoder", new Sequential());
        _encoderLayers = new Linear[widths.Length - 1];
        for (int i = 0; i < _encoderLayers.Length; i++)
        {
            _encoderLayers[i] = new Linear(widths[i], widths[i + 1], random);
            Encoder.Add(_encoderLayers[i]);
            Encoder.Add(new Activation(i == _encoderLayers.Length - 1 ? options.Latent : options.Hidden));
        }
        Decoder = RegisterModule("decoder", new Sequential());
        if (options.TiedWeights)
        {
            // Tied: decoder layer i uses encoder weight Wᵢᵀ, so only a bias per decoder layer is learned.
            _decoderLayers = [];
            _tiedBiases = new Tensor[_encoderLayers.Length];
            for (int i = 0; i < _tiedBiases.Length; i++)
            {
                int outWidth = widths[_encoderLayers.Length - 1 - i];
                _tiedBiases[i] = RegisterParameter($"tied_bias_{i}", Tensor.Zeros(outWidth));
            }
        }
        else
        {
            _tiedBiases = [];
            _decoderLayers = new Linear[_encoderLayers.Length];
            for (int i = 0; i < _decoderLayers.Length; i++)
            {
                int from = widths[^(i + 1)], to = widths[^(i + 2)];
                _decoderLayers[i] = new Linear(from, to, random);
                Decoder.Add(_decoderLayers[i]);
                Decoder.Add(new Activation(i == _decoderLayers.Length - 1 ? options.Output : options.Hidden));
            }
        }
    }

    /// <summary>The architecture.</summary>
    public DenseAutoencoderOptions Options { get; }

    /// <summary>The encoder stack (Linear, activation, ...).</summary>
    public Sequential Encoder { get; }

    /// <summary>The decoder stack (empty with tied weights: the decoder then reuses the encoder's weights).</summary>
    public Sequential Decoder { get; }

    /// <inheritdoc/>
    public override int LatentSize => Options.LatentSize;

    /// <inheritdoc/>
    public override Tensor Encode(Tensor input) => Encoder.Forward(input);

    /// <inheritdoc/>
    public override Tensor Decode(Tensor latent)
    {
        if (!Options.TiedWeights) return Decoder.Forward(latent);
        var x = latent;
        for (int i = 0; i < _tiedBiases.Length; i++)
        {
            var w = _encoderLayers[_encoderLayers.Length - 1 - i].Weight; // (out, in) of the encoder layer
            x = Ops.MatMul(x, w) + _tiedBiases[i];                          // x (N, out) · W (out, in) = (N, in)
            x = Activation.Apply(i == _tiedBiases.Length - 1 ? Options.Output : Options.Hidden, x);
        }
        return x;
    }

    /// <summary>Mean squared error between the reconstruction and the input.</summary>
    public override ModelLoss Loss(Tensor input, Random random)
    {
        var loss = Ops.MseLoss(Reconstruct(input), input);
        return new ModelLoss(loss, new Dictionary<string, float> { ["mse"] = loss.Item() });
    }
}
