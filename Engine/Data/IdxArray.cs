namespace Engine.Data;

/// <summary>
/// The contents of an IDX file (the MNIST container format): the dimensions from the header and the
/// elements in row-major order, one byte each.
/// </summary>
/// <remarks>Equality compares the array references, not their contents (the default for record members).</remarks>
public sealed record IdxArray
{
    /// <summary>An array of the given dimensions (outermost first) and bytes.</summary>
    /// <exception cref="ArgumentException">A dimension is negative, there is none, or the bytes do not fill them.</exception>
    public IdxArray(int[] dimensions, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(data);
        if (dimensions.Length == 0 || dimensions.Any(d => d < 0))
            throw new ArgumentException($"IdxArray: dimensions must be one or more sizes >= 0, got ({string.Join(", ", dimensions)}).", nameof(dimensions));
        long elements = 1;
        foreach (int d in dimensions)
            elements = Math.Min(elements * d, (long)int.MaxValue + 1); // stays exact up to any array's length
        if (elements != data.Length)
            throw new ArgumentException($"IdxArray: dimensions ({string.Join(", ", dimensions)}) need {elements} bytes, got {data.Length}.", nameof(data));
        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>The sizes of the dimensions, outermost first.</summary>
    public int[] Dimensions { get; }

    /// <summary>The elements, one byte each, in row-major order.</summary>
    public byte[] Data { get; }

    /// <summary>The outermost dimension: the number of items (images or labels).</summary>
    public int Count => Dimensions[0];

    /// <summary>Elements per item: the product of all dimensions but the first (1 for a 1-D file).</summary>
    public int ItemSize => Count == 0 ? 0 : Data.Length / Count;

    /// <summary>The dimensions as text, e.g. "(60000, 28, 28)".</summary>
    public string ShapeText => "(" + string.Join(", ", Dimensions) + ")";
}
