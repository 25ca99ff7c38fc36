using Engine.Autodiff;
using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Models;

/// <summary>
/// The VAE objective, shared by <see cref="VariationalAutoencoder"/> and <see cref="ConvVariationalAutoencoder"/>:
/// −E_q[log p(x | z)] + w·KL(q(z | x) ‖ N(0, I)) per example, with one reparameterised sample z = μ + σ·ε.
/// </summary>
internal static class NegativeElbo
{
    /// <summary>The KL multiplier: β times the annealing weight at this step (annealing only while training).</summary>
    public static float KlWeight(float beta, KlAnnealing? annealing, bool training, long step) =>
        beta * (training && annealing is { } a ? a.WeightAt(step) : 1f);

    /// <summary>
    /// The loss on a batch given the posterior and the decoder. Parts: <c>recon</c>, <c>kl</c>, <c>neg_elbo</c>
    /// (= recon + kl whatever the weight or free bits) and <c>kl_weight</c>.
    /// </summary>
    public static ModelLoss Loss(Tensor mu, Tensor logVar, Func<Tensor, Tensor> decodeRaw, Tensor input,
        Likelihood likelihood, float klWeight, float freeBits, Random random)
    {
        var epsilon = Tensor.Normal(random, 0f, 1f, mu.Shape.ToArray());
        var z = Op.Reparameterize(mu, logVar, epsilon);
        var recon = ReconstructionTerm(decodeRaw(z), input, likelihood);
        var kl = Op.GaussianKl(mu, logVar); // per example, summed over latent dimensions
        var klForLoss = freeBits > 0 ? FreeBitsKl(mu, logVar, freeBits) : kl;
        var total = recon + klForLoss * klWeight;
        return new ModelLoss(total, new Dictionary<string, float>
        {
            ["recon"] = recon.Item(),
            ["kl"] = kl.Item(),
            ["neg_elbo"] = recon.Item() + kl.Item(),
            ["kl_weight"] = klWeight,
        });
    }

    // −log p(x | z) per example, summed over features.
    private static Tensor ReconstructionTerm(Tensor raw, Tensor input, Likelihood likelihood)
    {
        float perExample = 1f / input.Shape[0];
        return likelihood == Likelihood.Bernoulli
            ? Op.BceWithLogitsLoss(raw, input, Reduction.Sum) * perExample
            : Op.MseLoss(raw, input, Reduction.Sum) * (0.5f * perExample);
    }

    // Σⱼ max(λ, KLⱼ) with KLⱼ the batch-mean KL of dimension j: dimensions below λ get no gradient.
    private static Tensor FreeBitsKl(Tensor mu, Tensor logVar, float lambda)
    {
        var perElement = (mu * mu + Op.Exp(logVar) - logVar - 1f) * 0.5f; // (N, D)
        return Op.Sum(Op.Clamp(Op.Mean(perElement, 0), lambda, float.MaxValue));
    }
}
