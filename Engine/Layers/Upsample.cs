using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// Nearest-neighbour upsampling by an integer factor (PyTorch's nn.Upsample(scale_factor=s, mode="nearest")):
/// (N, C, H, W) → (N, C, H·s, W·s). No parameters.
/// </summary>
/// <param name="scaleFactor">Integer scale factor, at least 1.</param>
public sealed class Upsample(int scaleFactor) : Module
{
    /// <summary>The integer scale factor.</summary>
    public int ScaleFactor { get; } = scaleFactor;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Op.Upsample2D(TensorChecks.Images(input, 0, "Upsample.Forward"), ScaleFactor);
}
