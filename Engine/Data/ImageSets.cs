namespace Engine.Data;

/// <summary>
/// Loads a labelled image data set from a folder, in either of the two layouts people keep images in:
/// <list type="bullet">
/// <item><b>IDX files</b> (the format of MNIST, Fashion-MNIST, KMNIST, EMNIST): one file each of training images,
/// training labels, test images and test labels, named like <c>train-images-idx3-ubyte</c> (raw or .gz; the test
/// files say <c>t10k</c> or <c>test</c>). Class names come from a file <c>classes.txt</c> or <c>labels.txt</c> beside
/// them (one name per line, in label order), from the data set itself when it is recognised by its checksums
/// (<see cref="KnownImageSets"/>: Fashion-MNIST), or else are "class 0", "class 1", ….</item>
/// <item><b>A folder of PNG files per class</b> (torchvision's ImageFolder): <c>DIR/train/CLASS/*.png</c> and
/// <c>DIR/test/CLASS/*.png</c>, or just <c>DIR/CLASS/*.png</c>, from which a stratified, seeded test share is held
/// out. Class names are the folder names, in ordinal order (as torchvision sorts them). See <see cref="ImageFolder"/>.</item>
/// </list>
/// </summary>
public static class ImageSets
{
    /// <summary>Loads the data set in <paramref name="directory"/> (see the class remarks for the layouts).</summary>
    /// <param name="directory">The folder, as the user named it (it also names the data in messages).</param>
    /// <param name="options">Size, split and limits; null for the defaults.</param>
    /// <returns>Training and test images with labels and class names.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, the files disagree, or the folder holds neither layout; the message says what was expected.</exception>
    public static ImageSet Load(string directory, ImageSetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new ImageSetOptions();
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"{directory}: no such folder.");
        var idx = IdxFiles(directory);
        if (idx is not null) return LoadIdx(directory, idx, options);
        if (ImageFolder.Looks(directory)) return ImageFolder.Load(directory, options);
        throw new InvalidDataException($"{directory}: neither IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, "
            + "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, raw or .gz) nor one folder of PNG images per class "
            + "(CLASS/*.png, or train/CLASS/*.png and test/CLASS/*.png).");
    }

    // The four IDX files by role (train images, train labels, test images, test labels), or null if there are none;
    // a folder with some but not all of them is an error that names what is missing.
    private static string[]? IdxFiles(string directory)
    {
        var files = Directory.GetFiles(directory).Where(f => Path.GetFileName(f).Contains("idx", StringComparison.OrdinalIgnoreCase)).ToList();
        if (files.Count == 0) return null;
        string[] roles = ["training images", "training labels", "test images", "test labels"];
        var found = new string[4];
        for (int role = 0; role < 4; role++)
        {
            bool train = role < 2, images = role % 2 == 0;
            var matches = files.Where(f =>
            {
                string name = Path.GetFileName(f).ToLowerInvariant();
                bool isTrain = name.Contains("train", StringComparison.Ordinal);
                bool isTest = name.Contains("t10k", StringComparison.Ordinal) || name.Contains("test", StringComparison.Ordinal);
                bool isImages = name.Contains("images", StringComparison.Ordinal) || name.Contains("idx3", StringComparison.Ordinal);
                bool isLabels = name.Contains("labels", StringComparison.Ordinal) || name.Contains("idx1", StringComparison.Ordinal);
                return (train ? isTrain && !isTest : isTest && !isTrain) && (images ? isImages && !isLabels : isLabels && !isImages);
            }).ToList();
            // torchvision keeps both the .gz and the raw file: they hold the same bytes, read the raw one
            if (matches.Count == 2 && matches.Any(m => m.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
                && matches.Select(m => m.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? m[..^3] : m).Distinct().Count() == 1)
                matches.RemoveAll(m => m.EndsWith(".gz", StringComparison.OrdinalIgnoreCase));
            if (matches.Count != 1)
                throw new InvalidDataException(matches.Count == 0
                    ? $"{directory}: IDX files are there, but none of the {roles[role]} (a name with '{(train ? "train" : "t10k")}' and '{(images ? "images" : "labels")}')."
                    : $"{directory}: more than one file could be the {roles[role]}: {string.Join(", ", matches.Select(Path.GetFileName))}.");
            found[role] = matches[0];
        }
        return found;
    }

    private static ImageSet LoadIdx(string directory, string[] files, ImageSetOptions options)
    {
        var arrays = files.Select(f => IdxReader.Read(f)).ToArray();
        var (trainImages, trainLabels, testImages, testLabels) = (arrays[0], arrays[1], arrays[2], arrays[3]);
        foreach (int i in new[] { 0, 2 })
            if (arrays[i].Dimensions.Length != 3)
                throw new InvalidDataException($"{files[i]}: expected images of shape (N, height, width), found {arrays[i].ShapeText}.");
        foreach (int i in new[] { 1, 3 })
            if (arrays[i].Dimensions.Length != 1 || arrays[i].Count != arrays[i - 1].Count)
                throw new InvalidDataException($"{files[i]}: expected {arrays[i - 1].Count} labels (shape ({arrays[i - 1].Count})) for {Path.GetFileName(files[i - 1])}, found {arrays[i].ShapeText}.");
        int height = trainImages.Dimensions[1], width = trainImages.Dimensions[2];
        if (testImages.Dimensions[1] != height || testImages.Dimensions[2] != width)
            throw new InvalidDataException($"{files[2]}: test images are {testImages.Dimensions[2]}×{testImages.Dimensions[1]}, training images {width}×{height}.");

        var notes = new List<string>();
        string? known = KnownImageSets.Identify(files.Zip(arrays).ToList());
        int classes = Math.Max(trainLabels.Data.Max(), testLabels.Data.Max()) + 1;
        IReadOnlyList<string> names;
        string? labelsFile = LabelsFile(directory);
        if (labelsFile is not null)
        {
            names = ReadClassNames(labelsFile, classes);
            notes.Add($"class names from {Path.GetFileName(labelsFile)}");
        }
        else if (known is not null)
        {
            names = FashionMnist.ClassNames;
            notes.Add($"recognised as {known} by its checksums, so its class names are used");
        }
        else
        {
            names = ImageSet.NumberedClasses(classes);
            notes.Add($"the files do not name their classes (no classes.txt or labels.txt beside them), so they are called class 0 to class {classes - 1}");
        }

        byte[] train = trainImages.Data, test = testImages.Data;
        if (options.Size is var (w, h) && (w, h) != (width, height))
        {
            train = ResizeAll(train, width, height, w, h);
            test = ResizeAll(test, width, height, w, h);
            notes.Add($"all {trainImages.Count + testImages.Count:N0} images resized from {width}×{height} to {w}×{h} (area averaging)");
            (width, height) = (w, h);
        }
        return new ImageSet(train, trainLabels.Data, test, testLabels.Data, width, height, names,
            known ?? "IDX files", directory, notes);
    }

    /// <summary>classes.txt or labels.txt in <paramref name="directory"/>, or null.</summary>
    internal static string? LabelsFile(string directory) =>
        new[] { "classes.txt", "labels.txt" }.Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists);

    /// <summary>One class name per line (UTF-8, blank lines at the end ignored); at least <paramref name="classes"/> of them.</summary>
    internal static IReadOnlyList<string> ReadClassNames(string path, int classes)
    {
        var lines = File.ReadAllLines(path, System.Text.Encoding.UTF8).Select(l => l.Trim()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        int blank = lines.FindIndex(l => l.Length == 0);
        if (blank >= 0) throw new InvalidDataException($"{path}: line {blank + 1} is empty; give one class name per line.");
        if (lines.Count < classes)
            throw new InvalidDataException($"{path}: {lines.Count} class names, but the labels go up to {classes - 1}; give one name per class, in label order.");
        var twice = lines.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new InvalidDataException($"{path}: the class name '{twice.Key}' occurs twice.");
        return lines.Take(Math.Max(classes, lines.Count)).ToArray();
    }

    internal static byte[] ResizeAll(byte[] images, int width, int height, int newWidth, int newHeight)
    {
        int count = images.Length / (width * height);
        var result = new byte[(long)count * newWidth * newHeight];
        for (int i = 0; i < count; i++)
            ImageResize.Box(images.AsSpan(i * width * height, width * height), width, height,
                result.AsSpan(i * newWidth * newHeight, newWidth * newHeight), newWidth, newHeight);
        return result;
    }
}
