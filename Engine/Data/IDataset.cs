namespace Engine.Data;

/// <summary>
/// A fixed-size collection of examples, each a row of <see cref="Features"/> floats with an optional class label.
/// Rows are produced on demand, so a dataset can keep its storage compact (bytes for images).
/// </summary>
public interface IDataset
{
    /// <summary>Number of examples.</summary>
    int Count { get; }

    /// <summary>Floats per example.</summary>
    int Features { get; }

    /// <summary>Writes example <paramref name="index"/> into <paramref name="destination"/> (length Features).</summary>
    void CopyRow(int index, Span<float> destination);

    /// <summary>The class label of example <paramref name="index"/>, or -1 when the dataset is unlabelled.</summary>
    int Label(int index);
}
