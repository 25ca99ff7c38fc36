using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// Merges dimensions <c>startDim..endDim</c> into one (PyTorch's nn.Flatten; defaults keep the batch axis:
/// (N, C, H, W) → (N, C·H·W)). A view: no copy. No parameters.
/// </summary>
/// <param name="startDim">First dimension to merge (negative counts from the end).</param>
/// <param name="endDim">Last dimension to merge (negative counts from the end).</param>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module
{
    /// <summary>First dimension merged.</summary>
    public int StartDim { get; } = startDim;

    /// <summary>Last dimension merged.</summary>
    public int EndDim { get; } = endDim;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The dimensions are out of range for the input or in the wrong order.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int start = StartDim < 0 ? StartDim + input.Rank : StartDim, end = EndDim < 0 ? EndDim + input.Rank : EndDim;
        if (start < 0 || end >= input.Rank || start > end)
            throw new ArgumentException($"Flatten.Forward: dimensions {StartDim}..{EndDim} do not fit input {input.Shape}.", nameof(input));
        var dims = input.Shape.ToArray();
        int merged = 1;
        for (int i = start; i <= end; i++) merged *= dims[i];
        return Op.Reshape(input, [.. dims[..start], merged, .. dims[(end + 1)..]]);
    }
}
