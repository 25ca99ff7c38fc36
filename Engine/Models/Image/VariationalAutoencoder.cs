using Engine.Autodiff;
using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Tensors;
using Engine.Kernels;

namespace Engine.Models;

/// <summary>The decoder's likelihood p(x | z).</summary>
public enum Likelihood
{
    /// <summary>Bernoulli per pixel: reconstruction term = binary cross-entropy summed over pixels.</summary>
    Bernoulli,
    /// <summary>Gaussian with unit variance: reconstruction term = ½·Σ (x − x̂)² (constants dropped).</summary>
    Gaussian,
}

/// <summary>The architecture and objective of a <see cref="VariationalAutoencoder"/>.</summary>
/// <param name="InputSize">Features per example.</param>
/// <param name="HiddenSizes">Encoder hidden widths, outermost first; the decoder mirrors them.</param>
/// <param name="LatentSize">Dimensions of z.</param>
/// <param name="Likelihood">Bernoulli (BCE) or Gaussian (MSE).</param>
/// <param name="Beta">Weight of the KL term (β-VAE; 1 is the plain ELBO).</param>
/// <param name="Annealing">KL warm-up schedule, or null for a constant weight.</param>
/// <param name="FreeBits">
/// λ of "free bits" (Kingma et al., 2016): each latent dimension's batch-mean KL counts as at least λ nats, so the
/// optimiser gains nothing by pushing it below λ. 0 disables it.
/// </param>
/// <param name="Hidden">Activation of the hidden layers.</param>
public sealed record VaeOptions(
    int InputSize,
    int[] HiddenSizes,
    int LatentSize,
    Likelihood Likelihood = Likelihood.Bernoulli,
    float Beta = 1f,
    KlAnnealing? Annealing = null,
    float FreeBits = 0f,
    ActivationKind Hidden = ActivationKind.Relu)
{
    /// <summary>Features per example (at least 1).</summary>
    public int InputSize { get; init => field = Size(value, "InputSize"); } = Size(InputSize, "InputSize");

    /// <summary>Encoder hidden widths, outermost first (each at least 1; empty for none).</summary>
    public int[] HiddenSizes { get; init => field = Widths(value); } = Widths(HiddenSizes);

    /// <summary>Dimensions of z (at least 1).</summary>
    public int LatentSize { get; init => field = Size(value, "LatentSize"); } = Size(LatentSize, "LatentSize");

    /// <summary>Bernoulli (BCE) or Gaussian (MSE).</summary>
    public Likelihood Likelihood { get; init => field = Require.Defined(value, "VaeOptions.Likelihood"); } = Require.Defined(Likelihood, "VaeOptions.Likelihood");

    /// <summary>Weight of the KL term (finite, at least 0).</summary>
    public float Beta { get; init => field = NonNegative(value, "Beta"); } = NonNegative(Beta, "Beta");

    /// <summary>λ of free bits in nats per latent dimension (finite, at least 0).</summary>
    public float FreeBits { get; init => field = NonNegative(value, "FreeBits"); } = NonNegative(FreeBits, "FreeBits");

    /// <summary>Activation of the hidden layers.</summary>
    public ActivationKind Hidden { get; init => field = Require.Defined(value, "VaeOptions.Hidden"); } = Require.Defined(Hidden, "VaeOptions.Hidden");

    private static int Size(int value, string name) => Require.AtLeast(value, 1, "VaeOptions." + name);

    private static int[] Widths(int[] value) => Require.AllAtLeast(value, 1, "VaeOptions.HiddenSizes");

    private static float NonNegative(float value, string name) => Require.FiniteAtLeast(value, 0f, "VaeOptions." + name);

    /// <summary>PyTorch's official VAE example: 784-400-20, Bernoulli likelihood.</summary>
    public static VaeOptions PyTorchExample() => new(784, [400], 20);

    /// <summary>The project's reference VAE: 784-512-256-20, Bernoulli likelihood.</summary>
    public static VaeOptions Reference(int latent = 20) => new(784, [512, 256], latent);
}

/// <summary>
/// A variational autoencoder (Kingma &amp; Welling, 2014). The encoder outputs the mean and log-variance of a
/// diagonal Gaussian q(z | x); a sample z = μ + σ·ε (the reparameterisation trick, ε ~ N(0, I) drawn from the
/// caller's generator) is decoded into the parameters of p(x | z). Training minimises the negative ELBO,
/// −E_q[log p(x | z)] + β·KL(q(z | x) ‖ N(0, I)), in nats per example.
/// </summary>
public sealed class VariationalAutoencoder : AutoencoderModel, IVariationalModel, IScheduledLoss
{
    private readonly Linear _mu, _logVar;

    /// <summary>Builds the model with PyTorch's default initialisation.</summary>
    public VariationalAutoencoder(VaeOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        Options = options;
        Encoder = RegisterModule("encoder", new Sequential());
        int width = options.InputSize;
        foreach (int h in options.HiddenSizes)
        {
            Encoder.Add(new Linear(width, h, random)).Add(new Activation(options.Hidden));
            width = h;
        }
        _mu = RegisterModule("mu", new Linear(width, options.LatentSize, random));
        _logVar = RegisterModule("log_var", new Linear(width, options.LatentSize, random));
        Decoder = RegisterModule("decoder", new Sequential());
        width = options.LatentSize;
        foreach (int h in options.HiddenSizes.Reverse())
        {
            Decoder.Add(new Linear(width, h, random)).Add(new Activation(options.Hidden));
            width = h;
        }
        Decoder.Add(new Linear(width, options.InputSize, random)); // logits (Bernoulli) or means (Gaussian)
    }

    /// <summary>The architecture and objective.</summary>
    public VaeOptions Options { get; }

    /// <summary>The shared encoder trunk (before the μ and log σ² heads).</summary>
    public Sequential Encoder { get; }

    /// <summary>The decoder; its last layer outputs logits (Bernoulli) or means (Gaussian).</summary>
    public Sequential Decoder { get; }

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

    /// <summary>The posterior's mean and log-variance for a batch.</summary>
    public (Tensor Mu, Tensor LogVar) Posterior(Tensor input)
    {
        var h = Encoder.Forward(TensorChecks.LastAxis(input, Options.InputSize, "VariationalAutoencoder.Posterior"));
        return (_mu.Forward(h), _logVar.Forward(h));
    }

    /// <summary>The posterior mean μ(x): the deterministic code used as features and for 2-D views.</summary>
    public override Tensor Encode(Tensor input) => Posterior(input).Mu;

    /// <summary>The decoder's raw output: logits (Bernoulli) or means (Gaussian).</summary>
    public Tensor DecodeRaw(Tensor latent) =>
        Decoder.Forward(TensorChecks.LastAxis(latent, Options.LatentSize, "VariationalAutoencoder.DecodeRaw"));

    /// <summary>The expected image E[x | z]: σ(logits) for Bernoulli, the mean for Gaussian.</summary>
    public override Tensor Decode(Tensor latent) =>
        Options.Likelihood == Likelihood.Bernoulli ? Op.Sigmoid(DecodeRaw(latent)) : DecodeRaw(latent);

    /// <summary>Decodes <paramref name="count"/> draws from the prior N(0, I): new data the model imagines.</summary>
    public Tensor Sample(int count, Random random)
    {
        using var _ = GradMode.Disable();
        return Decode(Tensor.Normal(random, 0f, 1f, count, LatentSize));
    }

    /// <summary>
    /// The β-weighted negative ELBO on a batch, per example. Parts: <c>recon</c>, <c>kl</c>, <c>neg_elbo</c>
    /// (= recon + kl, the plain negative ELBO in nats per example whatever β, annealing or free bits are),
    /// and <c>kl_weight</c>.
    /// </summary>
    public override ModelLoss Loss(Tensor input, Random random)
    {
        TensorChecks.LastAxis(input, Options.InputSize, "VariationalAutoencoder.Loss");
        ArgumentNullException.ThrowIfNull(random);
        var (mu, logVar) = Posterior(input);
        float weight = NegativeElbo.KlWeight(Options.Beta, Options.Annealing, IsTraining, TrainingStep);
        return NegativeElbo.Loss(mu, logVar, DecodeRaw, input, Options.Likelihood, weight, Options.FreeBits, random);
    }
}
