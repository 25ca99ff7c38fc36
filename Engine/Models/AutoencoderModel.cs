using Engine.Autodiff;
using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Tensors;

namespace Engine.Models;

/// <summary>
/// The shape every autoencoder shares: an encoder maps an input x to a latent code z, a decoder maps z back to a
/// reconstruction x̂, and training minimises a reconstruction error (plus whatever penalty the variant adds).
/// </summary>
public abstract class AutoencoderModel : Module
{
    /// <summary>The latent code of <paramref name="input"/> (for a VAE: the posterior mean).</summary>
    public abstract Tensor Encode(Tensor input);

    /// <summary>The reconstruction (in input space) of a latent code.</summary>
    public abstract Tensor Decode(Tensor latent);

    /// <summary>Size of the latent code.</summary>
    public abstract int LatentSize { get; }

    /// <summary>Encode then decode.</summary>
    public virtual Tensor Reconstruct(Tensor input) => Decode(Encode(input));

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Reconstruct(input);

    /// <summary>
    /// The training objective on one batch. <paramref name="random"/> supplies any noise the variant needs
    /// (corruption, dropout, the VAE's ε), so training is reproducible from a seed.
    /// </summary>
    public abstract ModelLoss Loss(Tensor input, Random random);

    /// <summary>Mean squared reconstruction error per element over a batch, without recording a graph.</summary>
    public float ReconstructionMse(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var _ = GradMode.Disable();
        return Op.MseLoss(Reconstruct(input), input).Item();
    }
}

/// <summary>
/// A loss to minimise (<see cref="Total"/>, a scalar in the graph) and its named parts as plain numbers for logs,
/// e.g. <c>reconstruction</c> and <c>kl</c>.
/// </summary>
public sealed record ModelLoss(Tensor Total, IReadOnlyDictionary<string, float> Parts)
{
    /// <summary>A loss with no parts besides the total.</summary>
    public static ModelLoss Of(Tensor total) =>
        new(total ?? throw new ArgumentNullException(nameof(total)), new Dictionary<string, float>());
}
