namespace Engine.Data;

/// <summary>
/// The contents of an IDX file (the MNIST container format): the dimensions from the header and the
/// elements in row-major order, one byte each.
/// </summary>
/// <param name="Dimensions">Sizes from the header, outermost first, e.g. (60000, 28, 28). Every entry is &gt; 0.</param>
/// <param name="Data">The elements, row-major; its length is the product of <paramref name="Dimensions"/>.</param>
/// <remarks>Equality compares the array references, not their contents (the default for record members).</remarks>
public sealed record IdxArray(int[] Dimensions, byte[] Data)
{
    /// <summary>The outermost dimension: the number of items (images or labels).</summary>
    public int Count => Dimensions[0];

    /// <summary>Elements per item: the product of all dimensions but the first (1 for a 1-D file).</summary>
    public int ItemSize => Count == 0 ? 0 : Data.Length / Count;

    /// <summary>The dimensions as text, e.g. "(60000, 28, 28)".</summary>
    public string ShapeText => "(" + string.Join(", ", Dimensions) + ")";
}
