namespace Engine.Data;

/// <summary>
/// A labelled image data set split into training and test images: one byte per pixel (0 = black, 255 = white),
/// row-major, images one after another, all of the same size, with the name of every class. What
/// <see cref="ImageSets.Load"/> returns for IDX files (MNIST's format) and for folders of PNG files.
/// </summary>
/// <param name="TrainImages">Training images, <see cref="TrainCount"/> × <see cref="ImageSize"/> bytes.</param>
/// <param name="TrainLabels">Class of each training image, an index into <paramref name="ClassNames"/>.</param>
/// <param name="TestImages">Test images, <see cref="TestCount"/> × <see cref="ImageSize"/> bytes.</param>
/// <param name="TestLabels">Class of each test image.</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="ClassNames">The name of each class, by label: from the data itself (folder names, a labels file, a
/// data set recognised by its checksums) or "class 0", "class 1", … when the data does not name them.</param>
/// <param name="Name">What the data is, in words: "Fashion-MNIST", "IDX files", "PNG image folder", …</param>
/// <param name="Source">Where it was read from, as the caller named it.</param>
/// <param name="Notes">What the loader did that a user should know (images resized, a split made, where the class
/// names came from), one sentence each.</param>
public sealed record ImageSet(
    byte[] TrainImages, byte[] TrainLabels, byte[] TestImages, byte[] TestLabels, int Width, int Height,
    IReadOnlyList<string> ClassNames, string Name, string Source, IReadOnlyList<string> Notes)
{
    /// <summary>Pixels per image.</summary>
    public int ImageSize => Width * Height;

    /// <summary>Number of training images.</summary>
    public int TrainCount => TrainLabels.Length;

    /// <summary>Number of test images.</summary>
    public int TestCount => TestLabels.Length;

    /// <summary>Number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>"class 0", "class 1", …: the names of classes nobody named.</summary>
    public static IReadOnlyList<string> NumberedClasses(int count) =>
        Enumerable.Range(0, count).Select(i => $"class {i}").ToArray();
}
