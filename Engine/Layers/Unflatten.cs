using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// Splits one dimension into several (PyTorch's nn.Unflatten(dim, sizes)), e.g. dim 1 into (64, 7, 7):
/// (N, 3136) → (N, 64, 7, 7). A view: no copy. No parameters.
/// </summary>
public sealed class Unflatten : Module
{
    private readonly int[] _sizes;

    /// <summary>Creates the layer.</summary>
    /// <param name="dim">The dimension to split (negative counts from the end).</param>
    /// <param name="sizes">The sizes it splits into; their product must equal the dimension.</param>
    /// <exception cref="ArgumentException">No sizes, or a size below 1.</exception>
    public Unflatten(int dim, params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Length == 0 || sizes.Any(s => s < 1))
            throw new ArgumentException($"Unflatten: sizes ({string.Join(", ", sizes)}) must be non-empty and at least 1 each.", nameof(sizes));
        Dim = dim;
        _sizes = (int[])sizes.Clone();
    }

    /// <summary>The dimension split.</summary>
    public int Dim { get; }

    /// <summary>The sizes it splits into.</summary>
    public IReadOnlyList<int> Sizes => _sizes;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The dimension is out of range or its size differs from the product of the sizes.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int dim = Dim < 0 ? Dim + input.Rank : Dim;
        long product = _sizes.Aggregate(1L, (a, s) => a * s);
        if (dim < 0 || dim >= input.Rank || input.Shape[dim] != product)
            throw new ArgumentException(
                $"Unflatten.Forward: cannot split dimension {Dim} of input {input.Shape} into ({string.Join(", ", _sizes)}).",
                nameof(input));
        var dims = input.Shape.ToArray();
        return Op.Reshape(input, [.. dims[..dim], .. _sizes, .. dims[(dim + 1)..]]);
    }
}
