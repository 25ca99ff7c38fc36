namespace Engine.IO;

/// <summary>
/// One named tensor of a safetensors file: a row-major shape and its elements, held as <see cref="float"/>
/// (dtypes F32, F16, BF16) or <see cref="double"/> (dtype F64). Independent of the engine's tensor type.
/// </summary>
/// <remarks>
/// <see cref="DType"/> is the precision on disk. F16 and BF16 tensors are widened to float when read and rounded
/// (to nearest even) when written, so reading and writing them back is exact.
/// The arrays are held, not copied: changing them changes the tensor.
/// </remarks>
public sealed class SafeTensor
{
    private readonly int[] _shape;

    /// <summary>A float-backed tensor, written as <paramref name="dtype"/> (F32 by default, or F16/BF16).</summary>
    /// <param name="name">Tensor name, unique within a file; must not be "__metadata__".</param>
    /// <param name="shape">Dimensions, each &gt;= 0; an empty shape is a scalar with one element.</param>
    /// <param name="data">Row-major elements; length must equal the product of <paramref name="shape"/>.</param>
    /// <param name="dtype">Precision on disk: F32, F16 or BF16.</param>
    /// <exception cref="ArgumentException">Bad name, negative dimension, length mismatch, or dtype F64.</exception>
    public SafeTensor(string name, int[] shape, float[] data, SafeTensorDType dtype = SafeTensorDType.F32)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (dtype is not (SafeTensorDType.F32 or SafeTensorDType.F16 or SafeTensorDType.BF16))
            throw new ArgumentException(
                $"SafeTensor '{name}': float data can be stored as F32, F16 or BF16, not {dtype}; use double[] for F64.",
                nameof(dtype));
        (Name, _shape, ElementCount) = Validate(name, shape, data.Length);
        DType = dtype;
        Floats = data;
    }

    /// <summary>A double-backed tensor, written as F64.</summary>
    /// <param name="name">Tensor name, unique within a file; must not be "__metadata__".</param>
    /// <param name="shape">Dimensions, each &gt;= 0; an empty shape is a scalar with one element.</param>
    /// <param name="data">Row-major elements; length must equal the product of <paramref name="shape"/>.</param>
    /// <exception cref="ArgumentException">Bad name, negative dimension or length mismatch.</exception>
    public SafeTensor(string name, int[] shape, double[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        (Name, _shape, ElementCount) = Validate(name, shape, data.Length);
        DType = SafeTensorDType.F64;
        Doubles = data;
    }

    /// <summary>The tensor's name (the key in the file's JSON header).</summary>
    public string Name { get; }

    /// <summary>The element type on disk.</summary>
    public SafeTensorDType DType { get; }

    /// <summary>The dimensions, row-major (last dimension contiguous).</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public int ElementCount { get; }

    /// <summary>The elements when <see cref="DType"/> is F32, F16 or BF16; otherwise null.</summary>
    public float[]? Floats { get; }

    /// <summary>The elements when <see cref="DType"/> is F64; otherwise null.</summary>
    public double[]? Doubles { get; }

    /// <summary>Number of bytes the elements take on disk.</summary>
    internal long ByteLength => (long)ElementCount * SafeTensorDTypes.Size(DType);

    /// <summary>A copy of <see cref="Shape"/> as an array.</summary>
    public int[] GetShape() => (int[])_shape.Clone();

    /// <summary>The elements as floats: a copy for float-backed tensors, a narrowing conversion for F64.</summary>
    public float[] ToFloatArray()
    {
        if (Floats is not null)
            return (float[])Floats.Clone();
        var result = new float[ElementCount];
        for (int i = 0; i < result.Length; i++)
            result[i] = (float)Doubles![i];
        return result;
    }

    /// <summary>The elements as doubles: a copy for F64 tensors, an exact widening for float-backed ones.</summary>
    public double[] ToDoubleArray()
    {
        if (Doubles is not null)
            return (double[])Doubles.Clone();
        var result = new double[ElementCount];
        for (int i = 0; i < result.Length; i++)
            result[i] = Floats![i];
        return result;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {SafeTensorDTypes.Name(DType)} ({string.Join(", ", _shape)})";

    private static (string Name, int[] Shape, int Count) Validate(string name, int[] shape, int dataLength)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (name == SafeTensors.MetadataKey)
            throw new ArgumentException($"SafeTensor: the name '{name}' is reserved for the file's metadata.",
                nameof(name));
        long count = 1;
        foreach (int dim in shape)
        {
            if (dim < 0)
                throw new ArgumentException(
                    $"SafeTensor '{name}': shape ({string.Join(", ", shape)}) has a negative dimension.",
                    nameof(shape));
            count = Math.Min(count * dim, long.MaxValue / int.MaxValue);
        }
        if (count != dataLength)
            throw new ArgumentException(
                $"SafeTensor '{name}': shape ({string.Join(", ", shape)}) holds {count} elements but data has {dataLength}.",
                nameof(shape));
        return (name, (int[])shape.Clone(), dataLength);
    }
}
