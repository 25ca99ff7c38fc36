using System.Text;

namespace Engine.Tensors;

/// <summary>
/// The dimensions of a dense, row-major tensor, e.g. <c>(128, 784)</c>. Immutable; equality is by value.
/// </summary>
/// <remarks>Row-major means the last dimension is contiguous: element (i, j) of an (R, C) tensor is at i * C + j.</remarks>
public readonly struct Shape : IEquatable<Shape>
{
    private readonly int[]? _dims;
    private readonly int _size;

    /// <summary>Creates a shape from its dimensions (copied).</summary>
    /// <exception cref="ArgumentException">A dimension is negative or the element count overflows int.</exception>
    public Shape(params ReadOnlySpan<int> dims)
    {
        _dims = dims.ToArray();
        long size = 1;
        for (int i = 0; i < _dims.Length; i++)
        {
            if (_dims[i] < 0)
                throw new ArgumentException($"Shape {Format(_dims)}: dimension {i} is negative.", nameof(dims));
            size *= _dims[i];
            if (size > Array.MaxLength)
                throw new ArgumentException($"Shape {Format(_dims)} has more than {Array.MaxLength} elements.", nameof(dims));
        }
        _size = (int)size;
    }

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>The total number of elements (1 for a scalar).</summary>
    public int Size => _dims is null ? 1 : _size;

    /// <summary>The dimensions as a read-only span.</summary>
    public ReadOnlySpan<int> Dims => _dims;

    /// <summary>Dimension <paramref name="axis"/>; negative axes count from the end (-1 is the last).</summary>
    public int this[int axis] => Dims[NormalizeAxis(axis, "Shape")];

    /// <summary>Turns a possibly negative axis into 0..Rank-1, or throws naming the op.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is outside -Rank..Rank-1.</exception>
    public int NormalizeAxis(int axis, string op)
    {
        ArgumentNullException.ThrowIfNull(op);
        int a = axis < 0 ? axis + Rank : axis;
        if (a < 0 || a >= Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"{op}: axis {axis} is out of range for shape {this}.");
        return a;
    }

    /// <summary>The product of the dimensions before <paramref name="axis"/>.</summary>
    public int SizeBefore(int axis)
    {
        int s = 1;
        for (int i = 0; i < axis; i++) s *= Dims[i];
        return s;
    }

    /// <summary>The product of the dimensions after <paramref name="axis"/>.</summary>
    public int SizeAfter(int axis)
    {
        int s = 1;
        for (int i = axis + 1; i < Rank; i++) s *= Dims[i];
        return s;
    }

    /// <summary>Returns a copy of the dimensions.</summary>
    public int[] ToArray() => Dims.ToArray();

    /// <inheritdoc/>
    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int d in Dims) hash.Add(d);
        return hash.ToHashCode();
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>Formats as <c>(2, 3, 28, 28)</c>; a scalar is <c>()</c>.</summary>
    public override string ToString() => Format(Dims);

    private static string Format(ReadOnlySpan<int> dims)
    {
        var sb = new StringBuilder("(");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(dims[i]);
        }
        if (dims.Length == 1) sb.Append(',');
        return sb.Append(')').ToString();
    }
}
