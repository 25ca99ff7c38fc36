using BenchmarkDotNet.Attributes;
using Engine.Data;
using Engine.Data.Tables;

namespace Engine.Bench;

/// <summary>
/// Loading the real datasets: KDD'99 as it ships in Demo/data/kddcup99, and Debian's dataset-fashion-mnist (not in the repo; the
/// benchmarks throw if the files are missing). Target: KDD'99 10% (494,021 rows) read and preprocessed in under 2 s.
/// Run: dotnet run -c Release --project Engine.Bench -- --filter '*DataBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class DataBenchmarks
{
    private static readonly string KddPath = RepositoryPaths.InRepository("Demo", "data", "kddcup99", "kddcup.data_10_percent.gz");
    private const string FashionTrainImages = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";

    private Kdd99Data? _kdd;

    /// <summary>Checks the inputs exist, and reads KDD once for the transform-only benchmark.</summary>
    [GlobalSetup]
    public void Setup()
    {
        foreach (string path in new[] { KddPath, FashionTrainImages })
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"DataBenchmarks needs {path}.", path);
        }
        _kdd = Kdd99.Read(KddPath);
    }

    /// <summary>Baseline: only decompress the KDD file (74 MB of text), to show what parsing adds.</summary>
    [Benchmark(Baseline = true)]
    public long KddGunzipOnly()
    {
        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(KddPath),
            System.IO.Compression.CompressionMode.Decompress);
        var buffer = new byte[1 << 20];
        long total = 0;
        int n;
        while ((n = gzip.Read(buffer)) > 0)
            total += n;
        return total;
    }

    /// <summary>Decompress and parse the 494,021 KDD lines.</summary>
    [Benchmark]
    public int KddRead() => Kdd99.Read(KddPath).Count;

    /// <summary>Fit on all rows (scaling on normals) and transform all rows.</summary>
    [Benchmark]
    public int KddFitTransform()
    {
        var table = _kdd!.ToTable();
        var preprocessor = TablePreprocessor.Fit(table, Normals(_kdd!), Kdd99.PreprocessorOptions());
        return preprocessor.Transform(table).Length;
    }

    /// <summary>The whole pipeline the 2-second target is about: read, fit, transform.</summary>
    [Benchmark]
    public int KddReadFitTransform()
    {
        var data = Kdd99.Read(KddPath);
        var table = data.ToTable();
        return TablePreprocessor.Fit(table, Normals(data), Kdd99.PreprocessorOptions()).Transform(table).Length;
    }

    private static int[] Normals(Kdd99Data data) =>
        Enumerable.Range(0, data.Count).Where(i => data.Category[i] == KddCategory.Normal).ToArray();

    /// <summary>Read the full Fashion-MNIST training images (26 MB gzip, 47 MB of pixels, CRC-checked).</summary>
    [Benchmark]
    public int FashionMnistTrainImages() => IdxReader.Read(FashionTrainImages).Data.Length;
}
