namespace Engine.Data;

/// <summary>
/// Labelled 28×28 grey images stored as one byte per pixel (0 = background, 255 = ink), row-major, one image after
/// another: Fashion-MNIST as loaded by <see cref="FashionMnist.Load"/>, or any image set a user gives
/// (<see cref="From"/>), with its own class names.
/// </summary>
/// <param name="TrainImages">Training images, <see cref="TrainCount"/> × 784 bytes.</param>
/// <param name="TrainLabels">Training labels, one per image; names in <see cref="ClassNames"/>.</param>
/// <param name="TestImages">Test images, <see cref="TestCount"/> × 784 bytes.</param>
/// <param name="TestLabels">Test labels, one per image.</param>
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

    /// <summary>
    /// The class names, indexed by label: Fashion-MNIST's ten, or those of the image set a user gave (from its folder
    /// names or labels file, else "class 0", "class 1", …; see <see cref="ImageSets"/>).
    /// </summary>
    public IReadOnlyList<string> ClassNames { get; init; } = FashionMnist.ClassNames;

    /// <summary>What the images are, for reports: "Fashion-MNIST", or the kind of folder a user gave.</summary>
    public string Name { get; init; } = KnownImageSets.FashionMnist;

    /// <summary>
    /// True when the images are Fashion-MNIST (the full set or the shipped subset, recognised by their checksums when
    /// they come from a folder a user named), so the chapters' Fashion-MNIST results may be compared with them.
    /// </summary>
    public bool IsFashionMnist { get; init; } = true;

    /// <summary>
    /// An image set loaded by <see cref="ImageSets.Load"/> (28 × 28 gray, as every image model here reads), named as
    /// the user gave it; Fashion-MNIST keeps its name and class names only when its checksums say it is.
    /// </summary>
    public static FashionMnistData From(ImageSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.Width != FashionMnist.Side || set.Height != FashionMnist.Side)
            throw new ArgumentException($"{set.Source}: the image models read {FashionMnist.Side} × {FashionMnist.Side} images, this set is {set.Width} × {set.Height} (load it with ImageSetOptions.Size).", nameof(set));
        bool fashion = set.Name is KnownImageSets.FashionMnist or KnownImageSets.FashionMnistSubset;
        return new FashionMnistData(set.TrainImages, set.TrainLabels, set.TestImages, set.TestLabels,
            set.Source, IsSubset: set.Name == KnownImageSets.FashionMnistSubset)
        {
            ClassNames = set.ClassNames,
            Name = fashion ? KnownImageSets.FashionMnist : set.Name,
            IsFashionMnist = fashion,
        };
    }
}
