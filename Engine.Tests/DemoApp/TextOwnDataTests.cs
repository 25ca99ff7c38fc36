using System.Text;
using System.Text.Json;
using Demo;
using Engine.Tests.Testing;

namespace Engine.Tests.DemoApp;

/// <summary>
/// `text --data FILE` and `word2vec --data FILE` on the user's labelled sentences, run in-process on tiny files written
/// here (three classes of a dozen sentences, models of width 8, one epoch, so a run takes a second or two): --folds,
/// --test, CSV with named columns, UTF-8 with a byte-order mark, and the refusals, each naming option, value, file or line.
/// </summary>
[Trait("Layer", "DemoApp")]
public sealed class TextOwnDataTests : IDisposable
{
    // Tiny models and one epoch: these tests check the wiring, not the accuracy.
    private static readonly string[] Tiny = ["--quick", "--epochs", "1", "--hidden", "8", "--width", "8", "--latent", "8"];

    private readonly TempDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    // Three classes with their own words, `perClass` sentences each, as "text<TAB>label" lines.
    private static List<(string Text, string Label)> Sentences(int perClass, int seed = 1)
    {
        string[][] words =
        [
            ["sunny", "warm", "bright", "summer", "beach"],
            ["rain", "storm", "cloudy", "wet", "umbrella"],
            ["snow", "cold", "frost", "winter", "ice"],
        ];
        string[] labels = ["sun", "rain", "snow"];
        var random = new Random(seed);
        var rows = new List<(string, string)>();
        for (int i = 0; i < perClass; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                var w = words[c];
                rows.Add(($"Today is {w[random.Next(5)]} and {w[random.Next(5)]}, very {w[random.Next(5)]}.", labels[c]));
            }
        }
        return rows;
    }

    private string Write(string name, string text, bool bom = false)
    {
        string path = _scratch.PathOf(name);
        File.WriteAllText(path, text, new UTF8Encoding(bom));
        return path;
    }

    private string Tsv(string name, IEnumerable<(string Text, string Label)> rows, bool bom = false) =>
        Write(name, string.Concat(rows.Select(r => $"{r.Text}\t{r.Label}\n")), bom);

    private (int Exit, string Error, JsonElement? Json) Run(params string[] args)
    {
        string json = _scratch.PathOf($"run-{Guid.NewGuid():N}.json");
        var error = new StringWriter();
        int exit = DemoCli.Run([.. args, "--out", _scratch.PathOf("out"), "--json", json], error, new StringWriter(),
            TestContext.Current.CancellationToken);
        return (exit, error.ToString(), File.Exists(json) ? JsonDocument.Parse(File.ReadAllText(json)).RootElement : null);
    }

    [Fact]
    public void Folds_TrainEveryRowKTimes_AndReportMeanAndSpread_NamingTheFileAsGiven()
    {
        string file = Tsv("weather.tsv", Sentences(9));

        var (exit, error, json) = Run(["text", "--data", file, "--folds", "3", "--word-dropout", "0", .. Tiny]);

        Assert.True(exit == 0, error);
        var r = json!.Value;
        Assert.Equal(file, r.GetProperty("data").GetString());
        Assert.Equal(["rain", "snow", "sun"], r.GetProperty("classes").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(3, r.GetProperty("folds").GetInt32());
        Assert.Equal(18, r.GetProperty("train_size").GetInt32());
        Assert.Equal(9, r.GetProperty("test_size").GetInt32());
        var folds = r.GetProperty("accuracy_folds_mean_word2vec").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(3, folds.Length);
        Assert.Equal(folds.Average(), r.GetProperty("accuracy_mean_word2vec").GetDouble(), 9);
        Assert.True(r.GetProperty("accuracy_sd_mean_word2vec").GetDouble() >= 0);
        Assert.Contains("3-fold cross-validation", r.GetProperty("evaluation").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("TREC", r.GetProperty("corpus_description").GetString(), StringComparison.Ordinal);
        // The words make the classes plain: tf-idf must find them (a check that labels and sentences stay paired).
        Assert.True(r.GetProperty("accuracy_tf_idf_bag_of_words").GetDouble() > 0.9);
    }

    [Fact]
    public void TestFile_IsScoredWithTheTrainingFilesClasses()
    {
        string train = Tsv("train.tsv", Sentences(10, seed: 1));
        string test = Tsv("test.tsv", Sentences(4, seed: 2).Where(r => r.Label != "snow"));

        var (exit, error, json) = Run(["text", "--data", train, "--test", test, "--word-dropout", "0", .. Tiny]);

        Assert.True(exit == 0, error);
        var r = json!.Value;
        Assert.Equal(30, r.GetProperty("train_size").GetInt32());
        Assert.Equal(8, r.GetProperty("test_size").GetInt32());
        Assert.Equal(3, r.GetProperty("classes").GetArrayLength());
        Assert.False(r.TryGetProperty("folds", out _));
        Assert.Contains($"--test {test}", r.GetProperty("evaluation").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CsvWithHeaderAndBom_IsReadByNamedColumns_AndTheHoldoutIsStated()
    {
        var csv = new StringBuilder("id,review,stars,weather\n");
        int id = 0;
        foreach (var (text, label) in Sentences(10)) csv.Append($"{++id},\"{text}\",3,{label}\n");
        string file = Write("weather.csv", csv.ToString(), bom: true);

        var (exit, error, json) = Run(["text", "--data", file, "--text-column", "review", "--label-column", "weather",
            "--word-dropout", "0", .. Tiny]);

        Assert.True(exit == 0, error);
        var r = json!.Value;
        Assert.Equal(["rain", "snow", "sun"], r.GetProperty("classes").EnumerateArray().Select(e => e.GetString()!));
        // A stratified fifth of each class of 10 is held out: 2 per class.
        Assert.Equal(24, r.GetProperty("train_size").GetInt32());
        Assert.Equal(6, r.GetProperty("test_size").GetInt32());
        Assert.Contains("stratified fifth", r.GetProperty("evaluation").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--folds 1", "error: --folds must be a whole number from 2 to 100, got 1.")]
    [InlineData("--folds many", "error: --folds must be a whole number from 2 to 100, got 'many'.")]
    [InlineData("--folds 11", "error: --folds 11: the smallest class of {file}, 'rain', has 10 sentences, and every fold needs one of each class; K can be 2 to 10 for this file.")]
    [InlineData("--folds 3 --test FILE", "error: --test FILE and --folds K are two ways to test; give one of them.")]
    [InlineData("--text-column review", "error: --text-column and --label-column name a table's two columns; give both")]
    [InlineData("--folds 3 --save m.safetensors", "error: --save keeps one model, and --folds trains K of each")]
    [InlineData("--search --folds 3", "error: --search holds out its own validation sentences")]
    public void BadOptions_AreRefusedNamingOptionAndValue(string options, string message)
    {
        string file = Tsv("weather.tsv", Sentences(10));
        var args = options.Split(' ').Select(a => a == "FILE" ? file : a);

        var (exit, error, _) = Run(["text", "--data", file, .. args, .. Tiny]);

        Assert.NotEqual(0, exit);
        Assert.StartsWith(message.Replace("{file}", file, StringComparison.Ordinal), error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void OneClassFile_IsRefused()
    {
        string file = Tsv("one.tsv", Sentences(5).Select(r => (r.Text, "sun")));

        var (exit, error, _) = Run(["text", "--data", file, .. Tiny]);

        Assert.Equal(1, exit);
        Assert.StartsWith($"error: {file}: every one of its 15 sentences has the label 'sun'; a classifier needs at least two classes.", error,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Nice and sunny.\tsun\nCold snow.\t\n", "line 2: the label after the tab is empty")]
    [InlineData("Nice and sunny.\tsun\nCold snow, no label\n", "line 2: no tab")]
    public void MissingLabel_IsRefusedWithTheLine(string text, string expected)
    {
        string file = Write("broken.tsv", text);

        var (exit, error, _) = Run(["text", "--data", file, .. Tiny]);

        Assert.Equal(1, exit);
        Assert.StartsWith($"error: {file}: {expected}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingValueInACsvColumn_IsRefusedWithLineAndColumn()
    {
        string file = Write("gap.csv", "review,weather\n\"Nice, sunny\",sun\nCold snow,\n");

        var (_, error, _) = Run(["text", "--data", file, "--text-column", "review", "--label-column", "weather", .. Tiny]);

        Assert.StartsWith($"error: {file}: line 3: the label ('weather') is empty.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TestFileWithALabelTheTrainingFileLacks_IsRefused()
    {
        string train = Tsv("train.tsv", Sentences(4));
        string test = Write("test.tsv", "Foggy morning.\tfog\n");

        var (_, error, _) = Run(["text", "--data", train, "--test", test, .. Tiny]);

        Assert.StartsWith($"error: {test}: the label 'fog' is not one of the 3 classes of the training data", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UserFileOptions_WithoutAUserFile_AreRefused()
    {
        var (exit, error, _) = Run(["text", "--folds", "3", .. Tiny]);

        Assert.Equal(1, exit);
        Assert.StartsWith("error: --folds applies to --data FILE (your own labelled sentences); without --data the run uses TREC", error,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Word2Vec_TrainsOnAUserFile_AndShowsWordsItHas()
    {
        string file = Tsv("weather.tsv", Sentences(10));

        var (exit, error, json) = Run("word2vec", "--data", file, "--epochs", "1", "--latent", "8", "--write-docs");

        Assert.True(exit == 0, error);
        var r = json!.Value;
        Assert.Equal(file, r.GetProperty("data").GetString());
        Assert.InRange(r.GetProperty("vocabulary").GetInt32(), 10, 40);
    }
}
