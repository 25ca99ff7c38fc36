namespace Engine.Data;

/// <summary>Rows of floats held in one array (for tabular data such as KDD Cup 1999 features).</summary>
public sealed class FloatDataset : IDataset
{
    private readonly float[] _rows;
    private readonly int[]? _labels;

    /// <summary>Wraps count × features floats and optional labels; nothing is copied.</summary>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public FloatDataset(float[] rows, int features, int[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (rows.Length % features != 0)
            throw new ArgumentException($"FloatDataset: {rows.Length} values is not a whole number of {features}-feature rows.", nameof(rows));
        Count = rows.Length / features;
        if (labels is not null && labels.Length != Count)
            throw new ArgumentException($"FloatDataset: {labels.Length} labels for {Count} rows.", nameof(labels));
        _rows = rows;
        _labels = labels;
        Features = features;
    }

    /// <inheritdoc/>
    public int Count { get; }

    /// <inheritdoc/>
    public int Features { get; }

    /// <summary>All rows, row-major.</summary>
    public ReadOnlySpan<float> Values => _rows;

    /// <inheritdoc/>
    public void CopyRow(int index, Span<float> destination) => _rows.AsSpan(index * Features, Features).CopyTo(destination);

    /// <inheritdoc/>
    public int Label(int index) => _labels is null ? -1 : _labels[index];
}
