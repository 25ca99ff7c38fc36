using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Tensors;
using Engine.Kernels;

namespace Engine.Models;

/// <summary>The architecture of a <see cref="DenseAutoencoder"/>.</summary>
/// <param name="InputSize">Features per example (784 for 28×28 images).</param>
/// <param name="HiddenSizes">Hidden layer widths of the encoder, outermost first; the decoder mirrors them.</param>
/// <param name="LatentSize">Width of the code layer.</param>
/// <param name="Hidden">Activation after every hidden layer.</param>
/// <param name="Output">Activation of the reconstruction (sigmoid for pixels in [0, 1]).</param>
/// <param name="Latent">Activation of the code layer (identity: a linear bottleneck).</param>
/// <param name="TiedWeights">Decoder layers reuse the transposed encoder weights (half the parameters).</param>
/// <param name="Noise">Corrupt the input before encoding (a denoising autoencoder); null for none.</param>
/// <param name="Sparsity">A sparsity penalty on the code (a sparse autoencoder); null for none.</param>
/// <param name="ContractiveWeight">
/// λ of the contractive penalty λ·‖∂z/∂h‖²_F (a contractive autoencoder); 0 for none. Needs a sigmoid code layer.
/// </param>
public sealed record DenseAutoencoderOptions(
    int InputSize,
    int[] HiddenSizes,
    int LatentSize,
    ActivationKind Hidden = ActivationKind.Relu,
    ActivationKind Output = ActivationKind.Sigmoid,
    ActivationKind Latent = ActivationKind.Identity,
    bool TiedWeights = false,
    Corruption? Noise = null,
    Sparsity? Sparsity = null,
    float ContractiveWeight = 0f)
{
    /// <summary>Features per example (at least 1).</summary>
    public int InputSize { get; init => field = Size(value, "InputSize"); } = Size(InputSize, "InputSize");

    /// <summary>Hidden layer widths of the encoder, outermost first (each at least 1; empty for none).</summary>
    public int[] HiddenSizes { get; init => field = Widths(value); } = Widths(HiddenSizes);

    /// <summary>Width of the code layer (at least 1).</summary>
    public int LatentSize { get; init => field = Size(value, "LatentSize"); } = Size(LatentSize, "LatentSize");

    /// <summary>Activation after every hidden layer.</summary>
    public ActivationKind Hidden { get; init => field = Kind(value, "Hidden"); } = Kind(Hidden, "Hidden");

    /// <summary>Activation of the reconstruction.</summary>
    public ActivationKind Output { get; init => field = Kind(value, "Output"); } = Kind(Output, "Output");

    /// <summary>Activation of the code layer.</summary>
    public ActivationKind Latent { get; init => field = Kind(value, "Latent"); } = Kind(Latent, "Latent");

    /// <summary>λ of the contractive penalty (finite, at least 0).</summary>
    public float ContractiveWeight { get; init => field = Weight(value); } = Weight(ContractiveWeight);

    private static int Size(int value, string name) => Require.AtLeast(value, 1, "DenseAutoencoderOptions." + name);

    private static int[] Widths(int[] value) => Require.AllAtLeast(value, 1, "DenseAutoencoderOptions.HiddenSizes");

    private static ActivationKind Kind(ActivationKind value, string name) => Require.Defined(value, "DenseAutoencoderOptions." + name);

    private static float Weight(float value) => Require.FiniteAtLeast(value, 0f, "DenseAutoencoderOptions.ContractiveWeight");

    /// <summary>The recipe of the project's reference: 784-512-128-32-128-512-784, ReLU, sigmoid output.</summary>
    public static DenseAutoencoderOptions Reference(int latent = 32) => new(784, [512, 128], latent);

    /// <summary>The reference architecture as a denoising autoencoder (Gaussian noise σ = 0.3, clipped to [0, 1]).</summary>
    public static DenseAutoencoderOptions Denoising(int latent = 32, Corruption? noise = null) =>
        Reference(latent) with { Noise = noise ?? new Corruption(NoiseKind.Gaussian, 0.3f) };

    /// <summary>
    /// A sparse autoencoder: an overcomplete-friendly sigmoid code with a KL sparsity target ρ = 0.05
    /// (or the given penalty).
    /// </summary>
    public static DenseAutoencoderOptions Sparse(int latent = 64, Sparsity? sparsity = null) =>
        Reference(latent) with
        {
            Latent = ActivationKind.Sigmoid,
            Sparsity = sparsity ?? new Sparsity(SparsityKind.KlTarget, 1e-2f, 0.05f),
        };

    /// <summary>A contractive autoencoder: sigmoid code layer with the closed-form Jacobian penalty λ = 1e-4.</summary>
    public static DenseAutoencoderOptions Contractive(int latent = 32, float weight = 1e-4f) =>
        Reference(latent) with { Latent = ActivationKind.Sigmoid, ContractiveWeight = weight };
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
        options.Noise?.RequireFits(nameof(DenseAutoencoder), nameof(options));
        if (options.ContractiveWeight > 0 && options.Latent != ActivationKind.Sigmoid)
            throw new ArgumentException(
                "DenseAutoencoder: the contractive penalty uses the closed form for a sigmoid code layer; set Latent = Sigmoid.", nameof(options));
        if (options.Sparsity is { Kind: SparsityKind.KlTarget } && options.Latent != ActivationKind.Sigmoid)
            throw new ArgumentException(
                "DenseAutoencoder: the KL sparsity target needs code activations in (0, 1); set Latent = Sigmoid.", nameof(options));
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
    /// <remarks>Runs <see cref="Encoder"/>: each Linear with its activation as one fused op (<see cref="Sequential.Forward"/>).</remarks>
    public override Tensor Encode(Tensor input) =>
        Encoder.Forward(TensorChecks.LastAxis(input, Options.InputSize, "DenseAutoencoder.Encode"));

    /// <inheritdoc/>
    public override Tensor Decode(Tensor latent)
    {
        TensorChecks.LastAxis(latent, Options.LatentSize, "DenseAutoencoder.Decode");
        if (!Options.TiedWeights) return Decoder.Forward(latent);
        var x = latent;
        for (int i = 0; i < _tiedBiases.Length; i++)
        {
            var w = _encoderLayers[_encoderLayers.Length - 1 - i].Weight; // (out, in) of the encoder layer
            x = Op.MatMul(x, w) + _tiedBiases[i];                          // x (N, out) · W (out, in) = (N, in)
            x = Activation.Apply(i == _tiedBiases.Length - 1 ? Options.Output : Options.Hidden, x);
        }
        return x;
    }

    /// <summary>
    /// Mean squared error between the reconstruction and the clean input, plus the penalties the options ask for.
    /// With <see cref="DenseAutoencoderOptions.Noise"/> the encoder sees a corrupted input (in training and
    /// evaluation alike, so a validation loss is the denoising error).
    /// </summary>
    public override ModelLoss Loss(Tensor input, Random random)
    {
        TensorChecks.LastAxis(input, Options.InputSize, "DenseAutoencoder.Loss");
        ArgumentNullException.ThrowIfNull(random);
        var seen = Options.Noise is { } noise ? noise.Apply(input, random) : input;
        var code = Encoder.Forward(seen);
        var mse = Op.MseLoss(Decode(code), input);
        var parts = new Dictionary<string, float> { ["mse"] = mse.Item() };
        var total = mse;
        if (Options.Sparsity is { } sparsity)
        {
            var penalty = sparsity.Penalty(code);
            parts["sparsity"] = penalty.Item();
            total += penalty;
        }
        if (Options.ContractiveWeight > 0)
        {
            var penalty = ContractivePenalty(code, _encoderLayers[^1].Weight) * Options.ContractiveWeight;
            parts["contractive"] = penalty.Item();
            total += penalty;
        }
        return new ModelLoss(total, parts);
    }

    /// <summary>
    /// ‖J‖²_F of the sigmoid code layer z = σ(W·h + b) with respect to its input h, averaged over the batch.
    /// Closed form (Rifai et al., 2011): ∂zⱼ/∂hᵢ = zⱼ(1 − zⱼ)·Wⱼᵢ, so ‖J‖²_F = Σⱼ (zⱼ(1 − zⱼ))² · Σᵢ Wⱼᵢ².
    /// For a one-layer encoder h is the input itself; deeper encoders penalise the last layer's Jacobian.
    /// </summary>
    public static Tensor ContractivePenalty(Tensor code, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(weight);
        var slope = code * (1f - code);                      // (N, D): σ'(a) = z(1 − z)
        var rowNorms = Op.Sum(weight * weight, 1);          // (D): Σᵢ Wⱼᵢ²
        return Op.Sum(slope * slope * rowNorms) * (1f / code.Shape[0]);
    }
}
