using Engine.Data;

namespace Engine.Analysis;

/// <summary>
/// A caller's row-major features and labels as an <see cref="IDataset"/>, read in place: the features are pinned by
/// a <c>fixed</c> statement around the training that reads them (see <see cref="PinnedFloats"/>). A classifier's
/// <c>Fit</c> gets its features as a span; wrapping a copy of them in a <see cref="FloatDataset"/> would double its
/// largest input (60,000 raw Fashion-MNIST images are 188 MB). Valid only inside the <c>fixed</c> block that made it.
/// </summary>
internal sealed class PinnedDataset(PinnedFloats features, int[] labels, int cols) : IDataset
{
    /// <inheritdoc/>
    public int Count => labels.Length;

    /// <inheritdoc/>
    public int Features => cols;

    /// <inheritdoc/>
    public void CopyRow(int index, Span<float> destination) => features.Span.Slice(index * cols, cols).CopyTo(destination);

    /// <inheritdoc/>
    public int Label(int index) => labels[index];
}
