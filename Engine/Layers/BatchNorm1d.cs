using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// Batch normalisation of (N, C) features or (N, C, L) sequences (PyTorch's nn.BatchNorm1d): each channel is
/// normalised over N (and L). See <see cref="BatchNorm"/> for the statistics and buffers.
/// </summary>
/// <param name="numFeatures">Channels C.</param>
/// <param name="eps">Added to the variance (PyTorch: 1e-5).</param>
/// <param name="momentum">Weight of the newest batch in the running estimates (PyTorch: 0.1).</param>
/// <param name="affine">Learn γ and β.</param>
public sealed class BatchNorm1d(int numFeatures, float eps = 1e-5f, float momentum = 0.1f, bool affine = true)
    : BatchNorm(numFeatures, eps, momentum, affine)
{
    /// <inheritdoc/>
    protected override void CheckInput(Tensor input)
    {
        if (input.Rank is not (2 or 3))
            throw new ArgumentException($"BatchNorm1d.Forward: input is {input.Shape}; expected (N, C) or (N, C, L).", nameof(input));
    }
}
