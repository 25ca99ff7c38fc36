using Engine.IO;

namespace Engine.Data;

/// <summary>
/// Reads images kept as one folder of PNG files per class, the layout of torchvision's ImageFolder:
/// <c>DIR/train/CLASS/*.png</c> and <c>DIR/test/CLASS/*.png</c>, or just <c>DIR/CLASS/*.png</c>.
/// </summary>
/// <remarks>
/// <para>Class names are the folder names, in ordinal order (as torchvision sorts them); the test folder's classes must
/// be among the training folder's. Without train/test folders a stratified share of each class
/// (<see cref="ImageSetOptions.TestFraction"/>, seeded) is held out as the test set, and a note says so.</para>
/// <para>Every image is decoded by <see cref="PngReader"/> (colour becomes gray). With
/// <see cref="ImageSetOptions.Size"/> every image of another size is resized to it, and a note counts them;
/// without it, the first image's size is the size, and an image of another size is refused, naming both files.
/// Files are read in ordinal order of their names, so a data set loads identically everywhere. Hidden files
/// (starting with '.') are skipped; any other file that is not a .png is refused by name, so that nothing is silently
/// left out.</para>
/// </remarks>
public static class ImageFolder
{
    /// <summary>Whether <paramref name="directory"/> holds a train/test pair of class folders or class folders with PNG files.</summary>
    public static bool Looks(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (Directory.Exists(Path.Combine(directory, "train"))) return true;
        return Directory.GetDirectories(directory).Any(d => Directory.EnumerateFiles(d, "*.png", new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive }).Any());
    }

    /// <summary>Loads the folder (see the class remarks).</summary>
    /// <exception cref="InvalidDataException">A file is not a PNG or is corrupt, sizes differ (without a target size), a class folder is empty, or the layout is incomplete.</exception>
    public static ImageSet Load(string directory, ImageSetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new ImageSetOptions();
        if (!(options.TestFraction > 0 && options.TestFraction < 1))
            throw new ArgumentException($"ImageFolder: TestFraction must be in (0, 1), got {options.TestFraction}.", nameof(options));
        var notes = new List<string>();
        string trainDirectory = Path.Combine(directory, "train"), testDirectory = Path.Combine(directory, "test");
        bool split = Directory.Exists(trainDirectory);
        if (split && !Directory.Exists(testDirectory))
            throw new InvalidDataException($"{directory}: has a train folder but no test folder beside it; give both, or put the class folders directly in {directory}.");

        var classes = ClassFolders(split ? trainDirectory : directory);
        var reader = new Reader(options, notes);
        var (trainImages, trainLabels) = reader.ReadClasses(split ? trainDirectory : directory, classes);
        byte[] testImages, testLabels;
        if (split)
        {
            var testClasses = ClassFolders(testDirectory);
            var unknown = testClasses.Except(classes, StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
                throw new InvalidDataException($"{testDirectory}: class folder '{unknown[0]}' has no training folder of the same name in {trainDirectory}.");
            (testImages, testLabels) = reader.ReadClasses(testDirectory, classes, testClasses);
        }
        else
        {
            var (kept, heldOut) = StratifiedSplit.Holdout(trainLabels.Select(l => (int)l).ToArray(), options.TestFraction, options.Seed);
            int size = reader.Width * reader.Height;
            testImages = Gather(trainImages, size, heldOut);
            testLabels = heldOut.Select(i => trainLabels[i]).ToArray();
            trainImages = Gather(trainImages, size, kept);
            trainLabels = kept.Select(i => trainLabels[i]).ToArray();
            notes.Add($"no train/test folders: {heldOut.Length:N0} of the {kept.Length + heldOut.Length:N0} images ({options.TestFraction:P0} of each class, seed {options.Seed}) held out as the test set");
        }
        reader.AddResizeNote();
        notes.Insert(0, $"class names from the folder names ({classes.Count} classes)");
        return new ImageSet(trainImages, trainLabels, testImages, testLabels, reader.Width, reader.Height, classes,
            "PNG image folder", directory, notes);
    }

    private static List<string> ClassFolders(string directory)
    {
        var folders = Directory.GetDirectories(directory).Select(Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        if (folders.Count == 0)
            throw new InvalidDataException($"{directory}: no class folders in it; put the images of each class in a folder named after the class.");
        if (folders.Count > 256)
            throw new InvalidDataException($"{directory}: {folders.Count} class folders; at most 256 classes are supported.");
        return folders;
    }

    private static byte[] Gather(byte[] images, int size, int[] rows)
    {
        var result = new byte[(long)rows.Length * size];
        for (int i = 0; i < rows.Length; i++) images.AsSpan(rows[i] * size, size).CopyTo(result.AsSpan(i * size));
        return result;
    }

    /// <summary>Decodes, checks and resizes images class by class, remembering the size and what was resized.</summary>
    private sealed class Reader(ImageSetOptions options, List<string> notes)
    {
        private readonly Dictionary<(int, int), int> _resized = [];
        private string? _first;
        private int _count;

        public int Width { get; private set; } = options.Size?.Width ?? 0;
        public int Height { get; private set; } = options.Size?.Height ?? 0;

        /// <summary>Images and labels of the class folders present in <paramref name="directory"/>; label = index in <paramref name="classes"/>.</summary>
        public (byte[] Images, byte[] Labels) ReadClasses(string directory, List<string> classes, List<string>? present = null)
        {
            var images = new List<byte[]>();
            var labels = new List<byte>();
            foreach (string name in present ?? classes)
            {
                string folder = Path.Combine(directory, name);
                var files = Directory.GetFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList();
                var other = files.FirstOrDefault(f => !f.EndsWith(".png", StringComparison.OrdinalIgnoreCase));
                if (other is not null)
                    throw new InvalidDataException($"{other}: not a .png file; only PNG images are read (convert other formats, or move the file out of {folder}).");
                if (files.Count == 0)
                    throw new InvalidDataException($"{folder}: the class folder holds no PNG images.");
                foreach (string file in files)
                {
                    if (++_count > options.MaxImages)
                        throw new InvalidDataException($"{directory}: more than {options.MaxImages:N0} images; is this the right folder?");
                    images.Add(Fit(PngReader.ReadGray(file), file));
                    labels.Add((byte)classes.IndexOf(name));
                }
            }
            var all = new byte[images.Sum(i => (long)i.Length)];
            long offset = 0;
            foreach (var image in images)
            {
                image.CopyTo(all.AsSpan((int)offset));
                offset += image.Length;
            }
            return (all, [.. labels]);
        }

        public void AddResizeNote()
        {
            if (_resized.Count == 0) return;
            string from = string.Join(", ", _resized.OrderByDescending(p => p.Value).Take(4).Select(p => $"{p.Value:N0} from {p.Key.Item1}×{p.Key.Item2}"));
            notes.Add($"{_resized.Values.Sum():N0} images resized to {Width}×{Height} by area averaging ({from}{(_resized.Count > 4 ? ", …" : "")})");
        }

        private byte[] Fit(GrayImage image, string file)
        {
            if (Width == 0)
            {
                (Width, Height, _first) = (image.Width, image.Height, file);
                return image.Pixels;
            }
            if (image.Width == Width && image.Height == Height) return image.Pixels;
            if (options.Size is null)
                throw new InvalidDataException($"{file} is {image.Width}×{image.Height}, but {_first} is {Width}×{Height}; "
                    + "all images must have one size (or ask for a size, and every image is resized to it).");
            var key = (image.Width, image.Height);
            _resized[key] = _resized.GetValueOrDefault(key) + 1;
            var resized = new byte[Width * Height];
            ImageResize.Box(image.Pixels, image.Width, image.Height, resized, Width, Height);
            return resized;
        }
    }
}
