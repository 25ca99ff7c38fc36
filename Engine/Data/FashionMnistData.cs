namespace Engine.Data;

/// <summary>
/// Fashion-MNIST images and labels as loaded by <see cref="FashionMnist.Load"/>: 28×28 grey images stored as one
/// byte per pixel (0 = background, 255 = ink), row-major, one image after another.
/// </summary>
/// <param name="TrainImages">Training images, <see cref="TrainCount"/> × 784 bytes.</param>
/// <param name="TrainLabels">Training labels 0–9, one per image; names in <see cref="FashionMnist.ClassNames"/>.</param>
/// <param name="TestImages">Test images, <see cref="TestCount"/> × 784 bytes.</param>
/// <param name="TestLabels">Test labels 0–9, one per image.</param>
/// <param name="Source">Which data this is and where it came from, for logs (full set or embedded subset).</param>
/// <param name="IsSubset">True when the embedded 6,000/1,000-image subset was loaded instead of the full set.</param>
/// <remarks>Bytes, not floats, keep the full set at 55 MB; convert batches with <see cref="FashionMnist.ToUnitFloats(ReadOnlySpan{byte}, ReadOnlySpan{int}, Span{float})"/>.</remarks>
public sealed record FashionMnistData(
    byte[] TrainImages, byte[] TrainLabels, byte[] TestImages, byte[] TestLabels, string Source, bool IsSubset)
{
    /// <summary>Number of training images.</summary>
    public int TrainCount => TrainLabels.Length;

    /// <summary>Number of test images.</summary>
    public int TestCount => TestLabels.Length;

    /// <summary>The ten class names, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames => FashionMnist.ClassNames;
}
