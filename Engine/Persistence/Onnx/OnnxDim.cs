namespace Engine.Persistence.Onnx;

/// <summary>One dimension of a graph input or output: a fixed size, or a symbolic name such as the batch "N".</summary>
public readonly record struct OnnxDim
{
    private OnnxDim(long value, string? symbol)
    {
        Value = value;
        Symbol = symbol;
    }

    /// <summary>The fixed size (when <see cref="Symbol"/> is null).</summary>
    public long Value { get; }

    /// <summary>The symbolic name (TensorShapeProto.Dimension.dim_param), or null for a fixed size.</summary>
    public string? Symbol { get; }

    /// <summary>A fixed dimension.</summary>
    public static OnnxDim Fixed(long value) =>
        value >= 0 ? new(value, null) : throw new ArgumentOutOfRangeException(nameof(value), value, "Dimensions are >= 0.");

    /// <summary>A symbolic dimension, e.g. "N" for the batch size.</summary>
    public static OnnxDim Symbolic(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(0, name);
    }

    /// <summary>A fixed dimension from an int.</summary>
    public static implicit operator OnnxDim(int value) => Fixed(value);

    /// <summary>A symbolic dimension from a name.</summary>
    public static implicit operator OnnxDim(string name) => Symbolic(name);

    /// <inheritdoc/>
    public override string ToString() => Symbol ?? Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
