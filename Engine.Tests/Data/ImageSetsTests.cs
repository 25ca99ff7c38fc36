using System.IO.Compression;
using Engine.Data;
using Engine.IO;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Data;

[Trait("Layer", "Data")]
public sealed class ImageSetsTests : IDisposable
{
    private static readonly string[] OfficialNames =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"imagesets-{Guid.NewGuid():N}");

    public ImageSetsTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Folder(string name)
    {
        string path = Path.Combine(_root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    // The embedded subset's four files, decompressed into a new folder (optionally changed on the way).
    private string CopySubset(string name, bool gzip = false, Action<int, byte[]>? change = null)
    {
        string folder = Folder(name);
        for (int i = 0; i < 4; i++)
        {
            using var input = new GZipStream(File.OpenRead(Path.Combine(FashionMnist.EmbeddedDirectory, OfficialNames[i] + ".gz")), CompressionMode.Decompress);
            var bytes = new MemoryStream();
            input.CopyTo(bytes);
            var data = bytes.ToArray();
            change?.Invoke(i, data);
            File.WriteAllBytes(Path.Combine(folder, OfficialNames[i] + (gzip ? ".gz" : "")), gzip ? KddFixture.Gzip(data) : data);
        }
        return folder;
    }

    [Fact]
    public void EmbeddedSubset_IsRecognisedAndNamed()
    {
        var set = ImageSets.Load(FashionMnist.EmbeddedDirectory);
        Assert.Equal(KnownImageSets.FashionMnistSubset, set.Name);
        Assert.Equal(FashionMnist.ClassNames, set.ClassNames);
        Assert.Equal((6000, 1000, 28, 28), (set.TrainCount, set.TestCount, set.Width, set.Height));
        Assert.Contains(set.Notes, n => n.Contains("recognised as Fashion-MNIST embedded subset by its checksums", StringComparison.Ordinal));
    }

    [Fact]
    public void DecompressedCopy_IsStillRecognised_ButOneChangedLabelIsNot()
    {
        Assert.Equal(KnownImageSets.FashionMnistSubset, ImageSets.Load(CopySubset("raw")).Name);
        var changed = ImageSets.Load(CopySubset("changed", gzip: true, change: (i, data) => { if (i == 3) data[^1] ^= 1; }));
        Assert.Equal("IDX files", changed.Name);
        Assert.Equal(ImageSet.NumberedClasses(10), changed.ClassNames);
        Assert.Equal("class 0", changed.ClassNames[0]);
        Assert.Contains(changed.Notes, n => n.Contains("do not name their classes", StringComparison.Ordinal));
    }

    [Fact]
    public void FullSet_IsRecognisedWhenInstalled()
    {
        if (!Directory.Exists(FashionMnist.SystemDirectory))
            Assert.Skip($"{FashionMnist.SystemDirectory} (Debian's dataset-fashion-mnist) is not installed on this machine.");
        var set = ImageSets.Load(FashionMnist.SystemDirectory);
        Assert.Equal(KnownImageSets.FashionMnist, set.Name);
        Assert.Equal(FashionMnist.ClassNames, set.ClassNames);
    }

    [Fact]
    public void LabelsFile_NamesTheClasses_AndMustNameThemAll()
    {
        string folder = CopySubset("named", change: (i, data) => { if (i == 3) data[^1] ^= 1; });
        File.WriteAllLines(Path.Combine(folder, "classes.txt"), Enumerable.Range(0, 10).Select(i => $"digit {i}"));
        var set = ImageSets.Load(folder);
        Assert.Equal("digit 3", set.ClassNames[3]);
        File.WriteAllLines(Path.Combine(folder, "classes.txt"), ["zero", "one"]);
        Assert.Contains("2 class names, but the labels go up to 9", Assert.Throws<InvalidDataException>(() => ImageSets.Load(folder)).Message);
    }

    [Fact]
    public void TorchvisionRawFolder_WithGzAndRawCopies_Loads()
    {
        string folder = CopySubset("both", gzip: false);
        foreach (string name in OfficialNames)
            File.Copy(Path.Combine(FashionMnist.EmbeddedDirectory, name + ".gz"), Path.Combine(folder, name + ".gz"));
        Assert.Equal(6000, ImageSets.Load(folder).TrainCount);
    }

    [Fact]
    public void MissingIdxFile_IsNamed()
    {
        string folder = CopySubset("missing");
        File.Delete(Path.Combine(folder, "t10k-labels-idx1-ubyte"));
        var e = Assert.Throws<InvalidDataException>(() => ImageSets.Load(folder));
        Assert.Contains("none of the test labels", e.Message);
    }

    [Fact]
    public void Size_ResizesIdxImagesAndSaysSo()
    {
        var set = ImageSets.Load(FashionMnist.EmbeddedDirectory, new ImageSetOptions { Size = (14, 14) });
        Assert.Equal((14, 14), (set.Width, set.Height));
        Assert.Equal(6000 * 196, set.TrainImages.Length);
        Assert.Contains(set.Notes, n => n.Contains("7,000 images resized from 28×28 to 14×14", StringComparison.Ordinal));
    }

    private void Png(string folder, string file, int width, int height, byte value, bool rgb = false)
    {
        string path = Path.Combine(Folder(folder), file);
        if (rgb) Engine.IO.Png.WriteRgb8(path, Enumerable.Repeat(value, 3 * width * height).ToArray(), width, height);
        else Engine.IO.Png.WriteGray8(path, Enumerable.Repeat(value, width * height).ToArray(), width, height);
    }

    [Fact]
    public void ImageFolder_TrainAndTest_ClassesFromFolderNamesInOrdinalOrder()
    {
        Png("pets/train/dog", "a.png", 4, 3, 200);
        Png("pets/train/dog", "b.png", 4, 3, 201, rgb: true);
        Png("pets/train/cat", "x.png", 4, 3, 10);
        Png("pets/test/dog", "t.png", 4, 3, 90);
        var set = ImageSets.Load(Path.Combine(_root, "pets"));
        Assert.Equal("PNG image folder", set.Name);
        Assert.Equal(["cat", "dog"], set.ClassNames);
        Assert.Equal([0, 1, 1], set.TrainLabels.Select(l => (int)l));
        Assert.Equal([1], set.TestLabels.Select(l => (int)l));
        Assert.Equal((4, 3), (set.Width, set.Height));
        Assert.Equal(201, set.TrainImages[2 * 12]);     // the RGB image became gray 201
        Assert.Equal(90, set.TestImages[0]);
    }

    [Fact]
    public void ImageFolder_WithoutSplit_HoldsOutAStratifiedShare()
    {
        for (int i = 0; i < 14; i++)
        {
            Png("flat/a", $"{i:D2}.png", 2, 2, (byte)i);
            Png("flat/b", $"{i:D2}.png", 2, 2, (byte)(100 + i));
        }
        var set = ImageSets.Load(Path.Combine(_root, "flat"));
        Assert.Equal((24, 4), (set.TrainCount, set.TestCount));
        Assert.Equal(2, set.TestLabels.Count(l => l == 0));
        Assert.Contains(set.Notes, n => n.Contains("4 of the 28 images", StringComparison.Ordinal));
        var again = ImageSets.Load(Path.Combine(_root, "flat"));
        Assert.Equal(set.TestImages, again.TestImages);
    }

    [Fact]
    public void ImageFolder_SizesThatDiffer_AreRefusedOrResized()
    {
        Png("sizes/a", "small.png", 4, 4, 50);
        Png("sizes/b", "big.png", 8, 8, 60);
        Png("sizes/b", "big2.png", 8, 8, 60);
        string folder = Path.Combine(_root, "sizes");
        var e = Assert.Throws<InvalidDataException>(() => ImageSets.Load(folder));
        Assert.Contains("big.png is 8×8, but", e.Message);
        Assert.Contains("small.png is 4×4", e.Message);
        var set = ImageSets.Load(folder, new ImageSetOptions { Size = (4, 4), TestFraction = 0.5 });
        Assert.Contains(set.Notes, n => n.Contains("2 images resized to 4×4 by area averaging (2 from 8×8)", StringComparison.Ordinal));
        Assert.All(set.TrainImages.Concat(set.TestImages), v => Assert.True(v is 50 or 60));
    }

    [Fact]
    public void ImageFolder_BadContents_AreRefusedByName()
    {
        Png("mixed/a", "ok.png", 2, 2, 1);
        File.WriteAllText(Path.Combine(Folder("mixed/a"), "photo.jpg"), "jpeg");
        Assert.Contains("photo.jpg: not a .png file", Assert.Throws<InvalidDataException>(() => ImageSets.Load(Path.Combine(_root, "mixed"))).Message);

        Png("unknown/train/a", "ok.png", 2, 2, 1);
        Png("unknown/test/zebra", "z.png", 2, 2, 1);
        Assert.Contains("class folder 'zebra' has no training folder", Assert.Throws<InvalidDataException>(() => ImageSets.Load(Path.Combine(_root, "unknown"))).Message);

        Png("broken/a", "ok.png", 2, 2, 1);
        File.WriteAllBytes(Path.Combine(Folder("broken/a"), "z.png"), [1, 2, 3]);
        Assert.Contains("z.png: byte offset 0: not a PNG file", Assert.Throws<InvalidDataException>(() => ImageSets.Load(Path.Combine(_root, "broken"))).Message);

        Folder("nothing");
        File.WriteAllText(Path.Combine(Folder("nothing"), "readme.txt"), "hi");
        Assert.Contains("neither IDX files", Assert.Throws<InvalidDataException>(() => ImageSets.Load(Path.Combine(_root, "nothing"))).Message);
        Assert.Throws<DirectoryNotFoundException>(() => ImageSets.Load(Path.Combine(_root, "absent")));
    }

    [Property(MaxTest = 60)]
    public Property BoxResize_AveragesWholeBlocks_AndKeepsConstants() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            int w = random.Next(1, 8), h = random.Next(1, 8), f = random.Next(1, 4);
            var big = new byte[w * f * h * f];
            random.NextBytes(big);
            var small = new byte[w * h];
            ImageResize.Box(big, w * f, h * f, small, w, h);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    double mean = 0;
                    for (int dy = 0; dy < f; dy++)
                        for (int dx = 0; dx < f; dx++) mean += big[(y * f + dy) * w * f + x * f + dx];
                    Assert.InRange(small[y * w + x], Math.Round(mean / (f * f)) - 1, Math.Round(mean / (f * f)) + 1);
                }
            byte value = (byte)random.Next(256);
            int nw = random.Next(1, 20), nh = random.Next(1, 20);
            var constant = new byte[nw * nh];
            ImageResize.Box(Enumerable.Repeat(value, w * h).ToArray(), w, h, constant, nw, nh);
            Assert.All(constant, v => Assert.Equal(value, v));
        });
}
