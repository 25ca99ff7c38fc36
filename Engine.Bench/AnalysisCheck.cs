using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using Engine.Analysis;

namespace Engine.Bench;

/// <summary>
/// Side-by-side sanity check of Engine.Analysis against Engine.Bench/peers/analysis_peer.py (scikit-learn):
/// the same Fashion-MNIST split (first N training images, the 10k test images, pixels / 255), the same models
/// and default settings, printing test accuracy (and PCA-32 test MSE) with wall time.
/// Run: <c>dotnet run -c Release --project Engine.Bench -- analysis-check [--train N] [--only pca,lr,svm,rf,knn]</c>.
/// </summary>
public static class AnalysisCheck
{
    private const string Root = "/usr/share/datasets/fashion-mnist/";

    /// <summary>Runs the check; returns a process exit code.</summary>
    public static int Run(string[] args)
    {
        int train = 10000;
        var only = new HashSet<string>(["pca", "lr", "svm", "rf", "knn"]);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--train" && i + 1 < args.Length) train = int.Parse(args[++i]);
            else if (args[i] == "--only" && i + 1 < args.Length) only = [.. args[++i].Split(',')];
            else
            {
                Console.Error.WriteLine($"analysis-check: unknown argument '{args[i]}'.");
                return 2;
            }
        }
        if (!File.Exists(Root + "train-images-idx3-ubyte.gz"))
        {
            Console.Error.WriteLine($"analysis-check: Fashion-MNIST not found under {Root}.");
            return 1;
        }

        var (allImages, allRows, cols) = ReadImages(Root + "train-images-idx3-ubyte.gz");
        var allLabels = ReadLabels(Root + "train-labels-idx1-ubyte.gz", allRows);
        var (test, testRows, _) = ReadImages(Root + "t10k-images-idx3-ubyte.gz");
        var testLabels = ReadLabels(Root + "t10k-labels-idx1-ubyte.gz", testRows);
        train = Math.Clamp(train, 1, allRows);
        var x = allImages.AsSpan(0, train * cols).ToArray();
        var y = allLabels.AsSpan(0, train).ToArray();
        Console.WriteLine($"Engine.Analysis, {train} train / {testRows} test, " +
                          $"{Engine.Kernels.Parallelism.MaxThreads} threads: test accuracy");

        if (only.Contains("lr"))
        {
            Report("logistic regression (raw)",
                () => Fit(new LogisticRegression(), x, train, cols, y, test, testRows, testLabels));
            var scaler = new StandardScaler().Fit(x, train, cols);
            var xs = scaler.Transform(x, train);
            var testScaled = scaler.Transform(test, testRows);
            Report("logistic regression (standardized)",
                () => Fit(new LogisticRegression(), xs, train, cols, y, testScaled, testRows, testLabels));
        }
        if (only.Contains("svm"))
        {
            Report("linear SVM squared hinge (raw)", () => Fit(new LinearSvm { Loss = SvmLoss.SquaredHinge },
                x, train, cols, y, test, testRows, testLabels));
            Report("linear SVM hinge (raw)", () => Fit(new LinearSvm(), x, train, cols, y, test, testRows, testLabels));
        }
        if (only.Contains("rf"))
            Report("random forest 100 (raw)", () => Fit(new RandomForest(), x, train, cols, y, test, testRows, testLabels));
        if (only.Contains("knn"))
            Report("kNN k=5 (raw)", () => Fit(new KNearestNeighbors(), x, train, cols, y, test, testRows, testLabels));
        if (only.Contains("pca"))
        {
            Report("PCA-32 fit 60k, test MSE", () =>
            {
                var watch = Stopwatch.StartNew();
                var pca = Pca.Fit(allImages, allRows, cols, 32);
                Console.WriteLine($"  PCA-32 fit {watch.Elapsed.TotalSeconds:F1} s, explained variance ratio sum " +
                                  $"{pca.ExplainedVarianceRatio.Sum():F4}");
                return pca.ReconstructionError(test, testRows);
            });
        }
        return 0;
    }

    private static double Fit(IClassifier model, float[] x, int rows, int cols, int[] y, float[] test, int testRows,
        int[] testLabels)
    {
        model.Fit(x, rows, cols, y, 10);
        return model.Score(test, testRows, testLabels);
    }

    private static void Report(string label, Func<double> run)
    {
        var watch = Stopwatch.StartNew();
        double value = run();
        Console.WriteLine($"{label,-34} {value,8:F4}   ({watch.Elapsed.TotalSeconds,6:F1} s)");
    }

    // Minimal gzip IDX readers (magic 0x00000803 images, 0x00000801 labels, big-endian dimensions).
    private static (float[] Pixels, int Rows, int Cols) ReadImages(string path)
    {
        var bytes = Decompress(path);
        if (bytes.Length < 16 || BinaryPrimitives.ReadInt32BigEndian(bytes) != 0x803)
            throw new InvalidDataException($"{path}: not an IDX image file (magic at byte 0).");
        int rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        int height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        int width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        long expected = 16 + (long)rows * height * width;
        if (rows < 0 || height < 0 || width < 0 || bytes.Length != expected)
            throw new InvalidDataException(
                $"{path}: header says ({rows}, {height}, {width}), needs {expected} bytes, file has {bytes.Length}.");
        var pixels = new float[rows * height * width];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = bytes[16 + i] / 255f;
        return (pixels, rows, height * width);
    }

    private static int[] ReadLabels(string path, int rows)
    {
        var bytes = Decompress(path);
        if (bytes.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(bytes) != 0x801)
            throw new InvalidDataException($"{path}: not an IDX label file (magic at byte 0).");
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (count != rows || bytes.Length != 8 + (long)count)
            throw new InvalidDataException($"{path}: {count} labels for {rows} images, file has {bytes.Length} bytes.");
        return bytes.AsSpan(8).ToArray().Select(b => (int)b).ToArray();
    }

    private static byte[] Decompress(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }
}
