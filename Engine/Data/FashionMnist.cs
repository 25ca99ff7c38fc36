using System.Numerics.Tensors;

namespace Engine.Data;

/// <summary>
/// Finds and loads Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017; MIT licence, © 2017 Zalando SE).
/// </summary>
/// <remarks>
/// <para>Search order of <see cref="Load"/>: an explicit directory; the directory in the environment variable
/// <c>FASHION_MNIST_DIR</c>; Debian's package <c>dataset-fashion-mnist</c> at
/// <c>/usr/share/datasets/fashion-mnist/</c>; the subset embedded in the build output at
/// <c>AppContext.BaseDirectory/data/fashion-mnist-subset</c> (600 training and 100 test images per class, the
/// first of each class in the official order). A directory holds the four official files
/// <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c> and
/// <c>t10k-labels-idx1-ubyte</c>, each either as <c>.gz</c> or uncompressed.</para>
/// <para>A directory that was asked for explicitly (argument or environment variable) but lacks the files is an
/// error, not a reason to fall back silently to other data.</para>
/// </remarks>
public static class FashionMnist
{
    /// <summary>Image height and width in pixels.</summary>
    public const int Side = 28;

    /// <summary>Pixels per image (28 × 28).</summary>
    public const int ImageSize = Side * Side;

    /// <summary>Number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>Environment variable naming a directory with the four files.</summary>
    public const string EnvironmentVariable = "FASHION_MNIST_DIR";

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> installs the full set.</summary>
    public const string SystemDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The class names by label, as in the dataset's README.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <summary>The embedded subset's directory in the build output.</summary>
    public static string EmbeddedDirectory => Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-subset");

    /// <summary>Loads Fashion-MNIST from the first place in the search order that has it (see remarks above).</summary>
    /// <param name="directory">Directory to use instead of searching, or null to search.</param>
    /// <returns>The images and labels; <see cref="FashionMnistData.Source"/> says which data was used.</returns>
    /// <exception cref="DirectoryNotFoundException">A requested directory lacks the files, or nothing was found.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt or the files disagree (see message).</exception>
    public static FashionMnistData Load(string? directory = null)
    {
        var (found, origin, isEmbedded) = Locate(directory, Environment.GetEnvironmentVariable(EnvironmentVariable),
            SystemDirectory, EmbeddedDirectory);
        return LoadFrom(found, origin, isEmbedded);
    }

    /// <summary>Loads the embedded subset (6,000 training and 1,000 test images, balanced over classes).</summary>
    /// <returns>The subset; <see cref="FashionMnistData.IsSubset"/> is true.</returns>
    /// <exception cref="DirectoryNotFoundException">The subset was not copied to the build output.</exception>
    public static FashionMnistData LoadEmbedded()
    {
        if (!HasFiles(EmbeddedDirectory))
            throw new DirectoryNotFoundException(
                $"FashionMnist: the embedded subset is missing from {EmbeddedDirectory} (is Demo/data linked in the project?).");
        return LoadFrom(EmbeddedDirectory, "embedded subset", isSubset: true);
    }

    /// <summary>
    /// Decides where to load from; separated from <see cref="Load"/> so the search order can be tested.
    /// Returns the directory, a few words on how it was chosen, and whether it is the embedded subset.
    /// </summary>
    internal static (string Directory, string Origin, bool IsEmbedded) Locate(
        string? explicitDirectory, string? environmentDirectory, string systemDirectory, string embeddedDirectory)
    {
        if (!string.IsNullOrEmpty(explicitDirectory))
            return HasFiles(explicitDirectory)
                ? (explicitDirectory, "requested directory", false)
                : throw Missing(explicitDirectory, "the directory passed to FashionMnist.Load");
        if (!string.IsNullOrEmpty(environmentDirectory))
            return HasFiles(environmentDirectory)
                ? (environmentDirectory, EnvironmentVariable, false)
                : throw Missing(environmentDirectory, $"the environment variable {EnvironmentVariable}");
        if (HasFiles(systemDirectory))
            return (systemDirectory, "Debian package dataset-fashion-mnist", false);
        if (HasFiles(embeddedDirectory))
            return (embeddedDirectory, "embedded subset", true);
        throw new DirectoryNotFoundException(
            $"FashionMnist: no data found. Looked in {EnvironmentVariable} (unset), {systemDirectory} and "
            + $"{embeddedDirectory}. Install dataset-fashion-mnist or set {EnvironmentVariable}.");
    }

    /// <summary>
    /// Converts images <paramref name="rows"/> of <paramref name="images"/> to floats in [0, 1] (pixel / 255),
    /// writing them one after another into <paramref name="destination"/>; allocates nothing.
    /// </summary>
    /// <param name="images">Images, N × 784 bytes.</param>
    /// <param name="rows">Indices of the images to convert, in batch order (e.g. a shuffled slice).</param>
    /// <param name="destination">Output, at least rows.Length × 784 floats; the first rows.Length × 784 are overwritten.</param>
    /// <exception cref="ArgumentException">Sizes disagree or an index is outside [0, N).</exception>
    public static void ToUnitFloats(ReadOnlySpan<byte> images, ReadOnlySpan<int> rows, Span<float> destination)
    {
        int count = images.Length / ImageSize;
        if (images.Length % ImageSize != 0)
            throw new ArgumentException(
                $"FashionMnist.ToUnitFloats: images has {images.Length} bytes, not a multiple of {ImageSize}.", nameof(images));
        if (destination.Length < (long)rows.Length * ImageSize)
            throw new ArgumentException($"FashionMnist.ToUnitFloats: destination has {destination.Length} floats; "
                + $"{rows.Length} rows need {(long)rows.Length * ImageSize}.", nameof(destination));
        for (int r = 0; r < rows.Length; r++)
        {
            int row = rows[r];
            if ((uint)row >= (uint)count)
                throw new ArgumentException(
                    $"FashionMnist.ToUnitFloats: rows[{r}] = {row} is outside [0, {count}).", nameof(rows));
            Convert(images.Slice(row * ImageSize, ImageSize), destination.Slice(r * ImageSize, ImageSize));
        }
    }

    /// <summary>
    /// Converts the <paramref name="rowCount"/> images starting at <paramref name="firstRow"/> to floats in
    /// [0, 1] (pixel / 255) in <paramref name="destination"/>; allocates nothing.
    /// </summary>
    /// <param name="images">Images, N × 784 bytes.</param>
    /// <param name="firstRow">Index of the first image.</param>
    /// <param name="rowCount">Number of consecutive images.</param>
    /// <param name="destination">Output, at least rowCount × 784 floats; the first rowCount × 784 are overwritten.</param>
    /// <exception cref="ArgumentException">The range is outside the images or the destination is too short.</exception>
    public static void ToUnitFloats(ReadOnlySpan<byte> images, int firstRow, int rowCount, Span<float> destination)
    {
        long count = images.Length / ImageSize;
        if (firstRow < 0 || rowCount < 0 || firstRow + (long)rowCount > count)
            throw new ArgumentException($"FashionMnist.ToUnitFloats: rows [{firstRow}, {firstRow + (long)rowCount}) "
                + $"are outside the {count} images.", nameof(firstRow));
        if (destination.Length < (long)rowCount * ImageSize)
            throw new ArgumentException($"FashionMnist.ToUnitFloats: destination has {destination.Length} floats; "
                + $"{rowCount} rows need {(long)rowCount * ImageSize}.", nameof(destination));
        Convert(images.Slice(firstRow * ImageSize, rowCount * ImageSize), destination[..(rowCount * ImageSize)]);
    }

    // Division (not multiplication by 1/255) so that 255 maps to exactly 1 and every value is correctly rounded.
    private static void Convert(ReadOnlySpan<byte> source, Span<float> destination)
    {
        TensorPrimitives.ConvertTruncating(source, destination);
        TensorPrimitives.Divide(destination, 255f, destination);
    }

    private static FashionMnistData LoadFrom(string directory, string origin, bool isSubset)
    {
        var (trainImages, trainLabels) = LoadPair(directory, "train");
        var (testImages, testLabels) = LoadPair(directory, "t10k");
        string what = isSubset ? "Fashion-MNIST embedded subset" : "Fashion-MNIST";
        string source = $"{what} ({trainLabels.Length} train, {testLabels.Length} test) from {directory} [{origin}]";
        return new FashionMnistData(trainImages, trainLabels, testImages, testLabels, source, isSubset);
    }

    private static (byte[] Images, byte[] Labels) LoadPair(string directory, string prefix)
    {
        string imagePath = FindFile(directory, $"{prefix}-images-idx3-ubyte");
        string labelPath = FindFile(directory, $"{prefix}-labels-idx1-ubyte");
        var images = IdxReader.Read(imagePath);
        var labels = IdxReader.Read(labelPath);
        if (images.Dimensions.Length != 3 || images.Dimensions[1] != Side || images.Dimensions[2] != Side)
            throw new InvalidDataException(
                $"{imagePath}: expected images of shape (N, {Side}, {Side}), found {images.ShapeText}.");
        if (labels.Dimensions.Length != 1 || labels.Count != images.Count)
            throw new InvalidDataException(
                $"{labelPath}: expected {images.Count} labels (shape ({images.Count})), found {labels.ShapeText}.");
        int bad = Array.FindIndex(labels.Data, label => label >= ClassCount);
        if (bad >= 0)
            throw new InvalidDataException(
                $"{labelPath}: label {bad} is {labels.Data[bad]}; labels must be 0 to {ClassCount - 1}.");
        return (images.Data, labels.Data);
    }

    private static bool HasFiles(string directory) =>
        Directory.Exists(directory)
        && new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" }
            .All(file => File.Exists(Path.Combine(directory, file + ".gz")) || File.Exists(Path.Combine(directory, file)));

    private static string FindFile(string directory, string file)
    {
        string gz = Path.Combine(directory, file + ".gz");
        return File.Exists(gz) ? gz : Path.Combine(directory, file);
    }

    private static DirectoryNotFoundException Missing(string directory, string why) =>
        new($"FashionMnist: {directory} (from {why}) does not hold the four files train-images-idx3-ubyte, "
            + "train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each .gz or raw).");
}
