using Engine.Autodiff;
using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Tensors;
using Engine.Kernels;

namespace Engine.Models;

/// <summary>The architecture and objective of a <see cref="ConvVariationalAutoencoder"/>.</summary>
/// <param name="Channels">Output channels of each stride-2 convolution, outermost first (each halves the image).</param>
/// <param name="LatentSize">Dimensions of z.</param>
/// <param name="ImageSize">Side of the square input image.</param>
/// <param name="InputChannels">Channels of the input image.</param>
/// <param name="BatchNorm">Put a batch-norm layer after every convolution and after the decoder's Linear.</param>
/// <param name="Likelihood">Bernoulli (BCE on logits) or Gaussian (MSE on means).</param>
/// <param name="Beta">Weight of the KL term (β-VAE; 1 is the plain ELBO).</param>
/// <param name="Annealing">KL warm-up schedule, or null for a constant weight.</param>
/// <param name="FreeBits">λ of free bits per latent dimension (see <see cref="VaeOptions.FreeBits"/>); 0 disables it.</param>
/// <param name="Hidden">Activation of the hidden layers.</param>
public sealed record ConvVaeOptions(
    int[] Channels,
    int LatentSize,
    int ImageSize = 28,
    int InputChannels = 1,
    bool BatchNorm = false,
    Likelihood Likelihood = Likelihood.Bernoulli,
    float Beta = 1f,
    KlAnnealing? Annealing = null,
    float FreeBits = 0f,
    ActivationKind Hidden = ActivationKind.Relu)
{
    /// <summary>Output channels of each stride-2 convolution (at least one layer, each at least 1).</summary>
    public int[] Channels { get; init => field = Layers(value); } = Layers(Channels);

    /// <summary>Dimensions of z (at least 1).</summary>
    public int LatentSize { get; init => field = AtLeast(value, 1, "LatentSize"); } = AtLeast(LatentSize, 1, "LatentSize");

    /// <summary>Side of the square input image (at least 2).</summary>
    public int ImageSize { get; init => field = AtLeast(value, 2, "ImageSize"); } = AtLeast(ImageSize, 2, "ImageSize");

    /// <summary>Channels of the input image (at least 1).</summary>
    public int InputChannels { get; init => field = AtLeast(value, 1, "InputChannels"); } = AtLeast(InputChannels, 1, "InputChannels");

    /// <summary>Bernoulli (BCE on logits) or Gaussian (MSE on means).</summary>
    public Likelihood Likelihood { get; init => field = Defined(value, "Likelihood"); } = Defined(Likelihood, "Likelihood");

    /// <summary>Weight of the KL term (finite, at least 0).</summary>
    public float Beta { get; init => field = NonNegative(value, "Beta"); } = NonNegative(Beta, "Beta");

    /// <summary>λ of free bits per latent dimension (finite, at least 0).</summary>
    public float FreeBits { get; init => field = NonNegative(value, "FreeBits"); } = NonNegative(FreeBits, "FreeBits");

    /// <summary>Activation of the hidden layers.</summary>
    public ActivationKind Hidden { get; init => field = Defined(value, "Hidden"); } = Defined(Hidden, "Hidden");

    private static int[] Layers(int[] value) => ConvStack.Channels(value, "ConvVaeOptions");

    private static int AtLeast(int value, int minimum, string name) => Require.AtLeast(value, minimum, "ConvVaeOptions." + name);

    private static T Defined<T>(T value, string name) where T : struct, Enum => Require.Defined(value, "ConvVaeOptions." + name);

    private static float NonNegative(float value, string name) => Require.FiniteAtLeast(value, 0f, "ConvVaeOptions." + name);

    /// <summary>The reference conv trunk (32 and 64 channels, 28×28 → 7×7) with a 20-dimensional Bernoulli VAE.</summary>
    public static ConvVaeOptions Reference(int latent = 20) => new([32, 64], latent);
}

/// <summary>
/// A convolutional variational autoencoder: the <see cref="ConvAutoencoder"/>'s convolutional trunk feeds two Linear
/// heads <c>mu</c> and <c>log_var</c>; a sample z = μ + σ·ε is decoded by the mirrored transposed convolutions into
/// logits (Bernoulli) or means (Gaussian). Objective and API are those of <see cref="VariationalAutoencoder"/>;
/// inputs and outputs are flat rows (N, C·S·S).
/// </summary>
public sealed class ConvVariationalAutoencoder : AutoencoderModel, IVariationalModel, IScheduledLoss
{
    private readonly Linear _mu, _logVar;

    /// <summary>Builds the model with PyTorch's default initialisation.</summary>
    /// <exception cref="ArgumentException">The options describe no usable network.</exception>
    public ConvVariationalAutoencoder(ConvVaeOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        ConvStack.Validate(nameof(ConvVariationalAutoencoder), options.Channels, options.LatentSize, options.ImageSize,
            options.InputChannels);
        Options = options;
        Encoder = RegisterModule("encoder", new Sequential());
        int flat = ConvStack.AddEncoder(Encoder, options.InputChannels, options.Channels, options.ImageSize,
            options.BatchNorm, options.Hidden, random);
        _mu = RegisterModule("mu", new Linear(flat, options.LatentSize, random));
        _logVar = RegisterModule("log_var", new Linear(flat, options.LatentSize, random));
        Decoder = RegisterModule("decoder", new Sequential());
        ConvStack.AddDecoder(Decoder, options.LatentSize, options.InputChannels, options.Channels, options.ImageSize,
            options.BatchNorm, options.Hidden, ActivationKind.Identity, random);
    }

    /// <summary>The architecture and objective.</summary>
    public ConvVaeOptions Options { get; }

    /// <summary>The convolutional trunk (before the μ and log σ² heads), ending in Flatten.</summary>
    public Sequential Encoder { get; }

    /// <summary>The decoder; its last transposed convolution outputs logits (Bernoulli) or means (Gaussian).</summary>
    public Sequential Decoder { get; }

    /// <summary>Features per example, C·S·S.</summary>
    public int InputSize => Options.InputChannels * Options.ImageSize * Options.ImageSize;

    /// <inheritdoc cref="IVariationalModel.LatentSize"/>
    public override int LatentSize => Options.LatentSize;

    /// <inheritdoc/>
    public Likelihood Likelihood => Options.Likelihood;

    /// <summary>
    /// The optimizer steps taken so far, which place the KL weight on <see cref="KlAnnealing"/>'s schedule. The
    /// training loop sets it before every batch (see <see cref="IScheduledLoss"/>); <see cref="Loss"/> only reads it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value.</exception>
    public long TrainingStep { get; set => field = Require.AtLeast(value, 0L, $"{GetType().Name}.TrainingStep"); }

    /// <inheritdoc/>
    public (Tensor Mu, Tensor LogVar) Posterior(Tensor input)
    {
        var h = Encoder.Forward(ConvAutoencoder.AsImages(input, Options.InputChannels, Options.ImageSize,
            "ConvVariationalAutoencoder.Posterior"));
        return (_mu.Forward(h), _logVar.Forward(h));
    }

    /// <summary>The posterior mean μ(x): the deterministic code used as features and for 2-D views.</summary>
    public override Tensor Encode(Tensor input) => Posterior(input).Mu;

    /// <inheritdoc/>
    public Tensor DecodeRaw(Tensor latent)
    {
        var images = Decoder.Forward(TensorChecks.Rows(latent, Options.LatentSize, "ConvVariationalAutoencoder.DecodeRaw"));
        return Op.Reshape(images, images.Shape[0], InputSize);
    }

    /// <summary>The expected image E[x | z] as rows: σ(logits) for Bernoulli, the mean for Gaussian.</summary>
    public override Tensor Decode(Tensor latent) =>
        Options.Likelihood == Likelihood.Bernoulli ? Op.Sigmoid(DecodeRaw(latent)) : DecodeRaw(latent);

    /// <summary>Decodes <paramref name="count"/> draws from the prior N(0, I): new data the model imagines.</summary>
    public Tensor Sample(int count, Random random)
    {
        using var _ = GradMode.Disable();
        return Decode(Tensor.Normal(random, 0f, 1f, count, LatentSize));
    }

    /// <summary>
    /// The β-weighted negative ELBO on a batch, per example, exactly as <see cref="VariationalAutoencoder.Loss"/>:
    /// parts <c>recon</c>, <c>kl</c>, <c>neg_elbo</c> and <c>kl_weight</c>.
    /// </summary>
    public override ModelLoss Loss(Tensor input, Random random)
    {
        var rows = ConvAutoencoder.AsRows(input, InputSize, "ConvVariationalAutoencoder.Loss");
        ArgumentNullException.ThrowIfNull(random);
        var (mu, logVar) = Posterior(rows);
        float weight = NegativeElbo.KlWeight(Options.Beta, Options.Annealing, IsTraining, TrainingStep);
        return NegativeElbo.Loss(mu, logVar, DecodeRaw, rows, Options.Likelihood, weight, Options.FreeBits, random);
    }
}
