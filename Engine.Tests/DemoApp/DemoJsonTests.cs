using System.Text.Json;
using Demo;
using Demo.Commands;
using Engine.Tests.Data;
using Engine.Tests.Testing;

namespace Engine.Tests.DemoApp;

/// <summary>
/// The --json keys issue #5 promises, read back from real runs of the commands' --quick paths on tiny data sets
/// written here (a few hundred images or records, so each run takes seconds).
/// </summary>
[Trait("Layer", "DemoApp")]
public sealed class DemoJsonTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new("demojson-");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Pca_WritesTheMsePerMethodAndLatentSize()
    {
        var json = RunCommand("pca", "--data", TinyFashion(200, 50), "--latent", "2", "--epochs", "1");

        var rows = json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["ae", "linear_ae", "pca"], rows.Select(r => r.GetProperty("method").GetString()!).Order(StringComparer.Ordinal));
        foreach (var row in rows)
        {
            Assert.Equal(2, row.GetProperty("latent").GetInt32());
            double mse = row.GetProperty("test_mse").GetDouble();
            Assert.InRange(mse, 1e-6, 1.0);
            Assert.True(row.GetProperty("fit_seconds").GetDouble() >= 0);
        }
    }

    [Fact]
    public void Classify_WritesTheAccuracyPerApproachClassifierAndLabelBudget()
    {
        var json = RunCommand("classify", "--quick", "--data", TinyFashion(200, 50), "--latent", "2", "--epochs", "1");

        var rows = json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["VAE", "baseline", "fine-tuned", "frozen", "joint"],
            rows.Select(r => r.GetProperty("approach").GetString()!).Distinct().Order(StringComparer.Ordinal));
        // 200 training images: the 1,000-label budget would be all of them again, so it is left out.
        Assert.Equal(["100", "all"], rows.Select(r => r.GetProperty("labels").GetString()!).Distinct().Order(StringComparer.Ordinal));
        var classifiers = rows.Select(r => r.GetProperty("classifier").GetString()).Distinct().ToList();
        Assert.Contains("softmax regression", classifiers);
        Assert.Contains("random forest", classifiers);
        Assert.Contains("softmax head", classifiers);
        foreach (var row in rows) Assert.InRange(row.GetProperty("accuracy").GetDouble(), 0.0, 1.0);
        // every (approach, features, classifier) row has both budgets
        Assert.All(rows.GroupBy(r => (r.GetProperty("approach").GetString(), r.GetProperty("features").GetString(),
            r.GetProperty("classifier").GetString())), g => Assert.Equal(2, g.Count()));
    }

    [Fact]
    public void Anomaly_WritesTheHeadlineMetricsAndTheRatePerCategory()
    {
        var json = RunCommand("anomaly", "--quick", "--data", TinyKdd());

        foreach (string key in new[] { "auroc", "auprc", "precision", "recall", "f1" })
            Assert.InRange(json.GetProperty(key).GetDouble(), 0.0, 1.0);
        Assert.True(json.GetProperty("threshold").GetDouble() > 0);
        var rates = json.GetProperty("detection_rate");
        foreach (string category in new[] { "normal", "dos", "probe", "r2l", "u2r" })
            Assert.InRange(rates.GetProperty(category).GetDouble(), 0.0, 1.0);
        Assert.Equal("standard", json.GetProperty("protocol").GetString());
        // --quick: one training seed; the split's seed is fixed, not --seed
        Assert.Equal([1], json.GetProperty("seeds").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(KddSplit.DefaultSeed, json.GetProperty("split_seed").GetInt32());
    }

    [Fact]
    public void ImageCommand_OnIdxFilesOfUnknownOrigin_NamesThemByWhatTheyAreAndNumbersTheClasses()
    {
        // The four IDX files have Fashion-MNIST's names but not its contents (random pixels): never "Fashion-MNIST".
        var json = RunCommand("ae", "--data", TinyFashion(60, 20), "--epochs", "1");

        Assert.Equal("IDX files", json.GetProperty("data").GetString());
        Assert.Equal(Enumerable.Range(0, 10).Select(c => $"class {c}"), json.GetProperty("classes").EnumerateArray().Select(e => e.GetString()!));
    }

    [Fact]
    public void ImageCommand_OnAFolderOfPngFilesPerClass_UsesTheFolderNamesAsClasses()
    {
        string root = Path.Combine(_scratch.Path, "pictures");
        var random = new Random(Seeds.Default);
        foreach (string name in new[] { "cats", "dogs" })
        {
            foreach (string split in new[] { "train", "test" })
            {
                string folder = Path.Combine(root, split, name);
                Directory.CreateDirectory(folder);
                for (int i = 0; i < (split == "train" ? 12 : 4); i++)
                {
                    var pixels = new byte[32 * 32];
                    random.NextBytes(pixels);
                    Engine.IO.Png.WriteGray8(Path.Combine(folder, $"{i}.png"), pixels, 32, 32);
                }
            }
        }

        var json = RunCommand("ae", "--data", root, "--epochs", "1");

        Assert.Equal("PNG image folder", json.GetProperty("data").GetString());
        Assert.Equal(["cats", "dogs"], json.GetProperty("classes").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(24, json.GetProperty("train_size").GetInt32());
        Assert.InRange(json.GetProperty("test_mse").GetDouble(), 1e-6, 1.0);
    }

    private JsonElement RunCommand(params string[] args)
    {
        string jsonPath = Path.Combine(_scratch.Path, args[0] + ".json");
        int exit = DemoCli.Run([.. args, "--json", jsonPath, "--out", Path.Combine(_scratch.Path, "out")]);

        Assert.Equal(0, exit);
        return JsonDocument.Parse(File.ReadAllText(jsonPath)).RootElement;
    }

    // Fashion-MNIST's four IDX files with random pixels, labels cycling through the ten classes.
    private string TinyFashion(int train, int test)
    {
        string directory = Path.Combine(_scratch.Path, "fashion");
        Directory.CreateDirectory(directory);
        foreach (var (prefix, count, seed) in new[] { ("train", train, 1), ("t10k", test, 2) })
        {
            File.WriteAllBytes(Path.Combine(directory, $"{prefix}-images-idx3-ubyte"),
                IdxFixtures.Raw([count, 28, 28], IdxFixtures.Sequence(count * 784, seed)));
            File.WriteAllBytes(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte"),
                IdxFixtures.Raw([count], Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray()));
        }
        return directory;
    }

    // KDD'99 records: varied normal HTTP traffic and a few attacks of every category with their own signatures.
    private string TinyKdd()
    {
        var random = new Random(Seeds.Default);
        var lines = new List<string>();
        for (int i = 0; i < 400; i++)
        {
            lines.Add(KddFixture.Line(("src_bytes", random.Next(100, 400).ToString()), ("dst_bytes", random.Next(1000, 9000).ToString()),
                ("count", random.Next(1, 20).ToString())));
        }
        var attacks = new (string Label, (string, string)[] Fields)[]
        {
            ("smurf.", [("protocol_type", "icmp"), ("service", "ecr_i"), ("src_bytes", "1032"), ("dst_bytes", "0"), ("count", "511")]),
            ("neptune.", [("flag", "S0"), ("src_bytes", "0"), ("dst_bytes", "0"), ("serror_rate", "1.00"), ("count", "200")]),
            ("satan.", [("flag", "REJ"), ("service", "other"), ("rerror_rate", "1.00"), ("diff_srv_rate", "0.90")]),
            ("guess_passwd.", [("service", "telnet"), ("num_failed_logins", "1"), ("logged_in", "0")]),
            ("buffer_overflow.", [("service", "telnet"), ("root_shell", "1"), ("hot", "3"), ("duration", "120")]),
        };
        foreach (var (label, fields) in attacks)
        {
            for (int i = 0; i < 20; i++) lines.Add(KddFixture.Line([.. fields, ("label", label)]));
        }
        string path = Path.Combine(_scratch.Path, "kdd.csv");
        File.WriteAllBytes(path, KddFixture.Text(lines));
        return path;
    }
}
