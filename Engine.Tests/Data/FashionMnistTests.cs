using Engine.Data;

namespace Engine.Tests.Data;

[Trait("Layer", "Data")]
public sealed class FashionMnistTests
{
    private static readonly string[] FileNames =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    [Fact]
    public void LoadEmbedded_HasSixHundredTrainAndOneHundredTestImagesPerClass()
    {
        var data = FashionMnist.LoadEmbedded();
        Assert.True(data.IsSubset);
        Assert.Contains("subset", data.Source);
        Assert.Equal(6000, data.TrainCount);
        Assert.Equal(1000, data.TestCount);
        Assert.Equal(6000 * 784, data.TrainImages.Length);
        Assert.Equal(1000 * 784, data.TestImages.Length);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(600, data.TrainLabels.Count(l => l == c)));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(100, data.TestLabels.Count(l => l == c)));
        // real images, not blank: every image has ink and background
        Assert.All(Enumerable.Range(0, 6000), i =>
        {
            var image = data.TrainImages.AsSpan(i * 784, 784);
            Assert.True(image.IndexOfAnyExcept((byte)0) >= 0 && image.Contains((byte)0), $"image {i} is degenerate");
        });
        Assert.Equal(10, data.ClassNames.Count);
        Assert.Equal("Ankle boot", data.ClassNames[9]);
    }

    [Fact]
    public void Load_ExplicitDirectory_IsUsedAndNamedInSource()
    {
        var data = FashionMnist.Load(FashionMnist.EmbeddedDirectory);
        Assert.Equal(6000, data.TrainCount);
        Assert.Contains(FashionMnist.EmbeddedDirectory, data.Source);
        Assert.Contains("requested directory", data.Source);
    }

    [Fact]
    public void Locate_FollowsTheDocumentedOrder()
    {
        string root = Path.Combine(Path.GetTempPath(), $"fmnist-{Guid.NewGuid():N}");
        string empty = Directory.CreateDirectory(Path.Combine(root, "empty")).FullName;
        string system = WithFiles(Path.Combine(root, "system"));
        string embedded = WithFiles(Path.Combine(root, "embedded"));
        string env = WithFiles(Path.Combine(root, "env"));
        try
        {
            Assert.Equal(env, FashionMnist.Locate(null, env, system, embedded).Directory);
            Assert.Equal(system, FashionMnist.Locate(null, null, system, embedded).Directory);
            Assert.Equal(system, FashionMnist.Locate(null, "", system, embedded).Directory);
            var fallback = FashionMnist.Locate(null, null, empty, embedded);
            Assert.Equal(embedded, fallback.Directory);
            Assert.True(fallback.IsEmbedded);
            Assert.Equal(system, FashionMnist.Locate(system, env, empty, embedded).Directory);

            // asked-for directories that lack the files are errors, not silent fallbacks
            var explicitError = Assert.Throws<DirectoryNotFoundException>(
                () => FashionMnist.Locate(empty, env, system, embedded));
            Assert.Contains(empty, explicitError.Message);
            var envError = Assert.Throws<DirectoryNotFoundException>(
                () => FashionMnist.Locate(null, empty, system, embedded));
            Assert.Contains(FashionMnist.EnvironmentVariable, envError.Message);
            Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Locate(null, null, empty, empty));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Load_DirectoryWithMismatchedCounts_ThrowsInvalidDataNamingTheFile()
    {
        string dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"fmnist-{Guid.NewGuid():N}")).FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, FileNames[0]), IdxFixtures.Raw([2, 28, 28], new byte[2 * 784]));
            File.WriteAllBytes(Path.Combine(dir, FileNames[1]), IdxFixtures.Raw([3], [0, 1, 2]));
            File.WriteAllBytes(Path.Combine(dir, FileNames[2]), IdxFixtures.Raw([1, 28, 28], new byte[784]));
            File.WriteAllBytes(Path.Combine(dir, FileNames[3] + ".gz"), IdxFixtures.Gzip(IdxFixtures.Raw([1], [0])));
            var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(dir));
            Assert.Contains("train-labels-idx1-ubyte", e.Message);

            File.WriteAllBytes(Path.Combine(dir, FileNames[1]), IdxFixtures.Raw([2], [0, 10]));
            e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(dir));
            Assert.Contains("label 1 is 10", e.Message);

            File.WriteAllBytes(Path.Combine(dir, FileNames[1]), IdxFixtures.Raw([2], [9, 3]));
            var data = FashionMnist.Load(dir);
            Assert.Equal(new byte[] { 9, 3 }, data.TrainLabels);
            Assert.False(data.IsSubset);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ToUnitFloats_DividesEachPixelBy255()
    {
        var images = new byte[3 * 784];
        for (int i = 0; i < images.Length; i++)
            images[i] = (byte)(i * 7 % 256);
        var all = new float[3 * 784];
        FashionMnist.ToUnitFloats(images, 0, 3, all);
        for (int i = 0; i < images.Length; i++)
            Assert.Equal(images[i] / 255f, all[i]);
        Assert.Equal(1f, all[Array.IndexOf(images, (byte)255)]);
        Assert.Equal(0f, all[0]);

        // a shuffled batch lands row by row in batch order, and nothing past it is touched
        var batch = Enumerable.Repeat(-1f, 3 * 784).ToArray();
        FashionMnist.ToUnitFloats(images, [2, 0], batch);
        Assert.Equal(all.AsSpan(2 * 784, 784).ToArray(), batch.AsSpan(0, 784).ToArray());
        Assert.Equal(all.AsSpan(0, 784).ToArray(), batch.AsSpan(784, 784).ToArray());
        Assert.All(batch.Skip(2 * 784), v => Assert.Equal(-1f, v));
    }

    [Fact]
    public void ToUnitFloats_BadArguments_ThrowArgumentException()
    {
        var images = new byte[2 * 784];
        var destination = new float[784];
        Assert.Throws<ArgumentException>(() => FashionMnist.ToUnitFloats(images, [2], destination));
        Assert.Throws<ArgumentException>(() => FashionMnist.ToUnitFloats(images, [-1], destination));
        Assert.Throws<ArgumentException>(() => FashionMnist.ToUnitFloats(images, [0, 1], destination));
        Assert.Throws<ArgumentException>(() => FashionMnist.ToUnitFloats(images, 1, 2, new float[2 * 784]));
        Assert.Throws<ArgumentException>(() => FashionMnist.ToUnitFloats(images, 0, 2, destination));
        Assert.Throws<ArgumentException>(() => FashionMnist.ToUnitFloats(new byte[785], [0], destination));
    }

    private static string WithFiles(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (string file in FileNames)
            File.WriteAllBytes(Path.Combine(directory, file + ".gz"), []);
        return directory;
    }
}
