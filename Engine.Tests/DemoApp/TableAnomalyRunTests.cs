using System.Text.Json;
using Demo;
using Engine.Tests.Testing;

namespace Engine.Tests.DemoApp;

/// <summary>
/// `anomaly` on a user's tables, end to end through the Demo's entry point, on the worked example that ships with the
/// repository (Demo/data/examples/network): train and save, then load and score an unlabelled file. A few epochs:
/// these tests check the wiring and the files, not the detector's quality (chapter 10's block shows that).
/// </summary>
[Trait("Layer", "DemoApp")]
public sealed class TableAnomalyRunTests : IDisposable
{
    private static readonly string Examples = Path.Combine(Repository.Root, "Demo", "data", "examples", "network");
    private readonly TempDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private (int Exit, string Error, JsonElement? Json) Run(params string[] args)
    {
        string json = _scratch.PathOf($"run-{Guid.NewGuid():N}.json");
        var error = new StringWriter();
        int exit = DemoCli.Run([.. args, "--out", _scratch.PathOf("out"), "--json", json], error, new StringWriter(),
            TestContext.Current.CancellationToken);
        return (exit, error.ToString(), File.Exists(json) ? JsonDocument.Parse(File.ReadAllText(json)).RootElement : null);
    }

    [Fact]
    public void TrainTestSave_ThenLoadAndScore_WriteTheModelAndOneScorePerRow_IntoFoldersThatDidNotExist()
    {
        // Folders that do not exist yet are created, as --out's are (before, --save into a new folder failed after
        // training with an error naming the atomic write's temporary file).
        string model = _scratch.PathOf(Path.Combine("models", "new", "network.model"));
        var (exit, error, json) = Run("anomaly", "--train", Path.Combine(Examples, "train.csv"), "--test", Path.Combine(Examples, "test.csv"),
            "--label-column", "label", "--drop-columns", "id", "--normal", "normal", "--epochs", "3", "--save", model);

        Assert.True(exit == 0, error);
        Assert.True(File.Exists(model), $"no model at {model}");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(model)!, "*.tmp"));
        Assert.Equal(1000, json!.Value.GetProperty("scored_rows").GetInt32());

        string scores = _scratch.PathOf(Path.Combine("scores", "new", "unlabelled-scores.csv"));
        (exit, error, json) = Run("anomaly", "--load", model, "--test", Path.Combine(Examples, "unlabelled.csv"), "--scores", scores);

        Assert.True(exit == 0, error);
        string[] lines = File.ReadAllLines(scores);
        int records = File.ReadAllLines(Path.Combine(Examples, "unlabelled.csv")).Length - 1;
        Assert.Equal(records, lines.Length - 1);
        Assert.Equal(json!.Value.GetProperty("flagged_rows").GetInt32(), lines.Skip(1).Count(l => l.Split(',')[2] == "1"));
    }
}
