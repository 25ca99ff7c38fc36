using Engine.Tensors;

namespace Engine.Models;

/// <summary>
/// What VAE evaluation (<see cref="VaeDiagnostics"/>) needs from a variational autoencoder, dense or convolutional:
/// the posterior q(z | x), the decoder's raw output and the likelihood that output parameterises.
/// </summary>
public interface IVariationalModel
{
    /// <summary>Dimensions of z.</summary>
    int LatentSize { get; }

    /// <summary>The decoder's likelihood p(x | z).</summary>
    Likelihood Likelihood { get; }

    /// <summary>The posterior's mean and log-variance, each (N, latent), for a batch of rows (N, features).</summary>
    (Tensor Mu, Tensor LogVar) Posterior(Tensor input);

    /// <summary>The decoder's raw output as rows (N, features): logits (Bernoulli) or means (Gaussian).</summary>
    Tensor DecodeRaw(Tensor latent);
}
