using System.IO.Compression;
using System.Text.Json;
using Demo;
using Demo.Datasets;
using Engine.Tests.Testing;

namespace Engine.Tests.DemoApp;

/// <summary>
/// The KDD Cup 1999 10% file ships with the demo (CC BY 4.0, with its attribution), is the published file, is
/// copied beside the program, and is what `anomaly` and the tour read when no --data is given.
/// </summary>
[Trait("Layer", "DemoApp")]
public sealed class ShippedDataTests
{
    private static readonly string Shipped = Repository.File("Demo", "data", "kddcup99", KddData.FileName);

    [Fact]
    public void KddFile_IsThePublishedOne_WithItsAttribution()
    {
        string readme = File.ReadAllText(Repository.File("Demo", "data", "kddcup99", "README.md"));
        string sha = VerifiedDownload.Sha256Of(Shipped);

        Assert.Equal("8045aca0d84e70e622d1148d7df782496f6333bf6eb979a1b0837c42a9fd9561", sha);
        Assert.Contains(sha, readme, StringComparison.Ordinal);
        Assert.Contains("CC BY 4.0", readme, StringComparison.Ordinal);
        Assert.Contains("UCI", readme, StringComparison.Ordinal);
        Assert.Equal(2_144_903, new FileInfo(Shipped).Length);
        using var text = new StreamReader(new GZipStream(File.OpenRead(Shipped), CompressionMode.Decompress));
        int lines = 0;
        while (text.ReadLine() is not null) lines++;
        Assert.Equal(494_021, lines);
    }

    [Fact]
    public void KddFile_IsCopiedBesideTheProgram_AndFoundWithoutData()
    {
        Assert.Equal(VerifiedDownload.Sha256Of(Shipped), VerifiedDownload.Sha256Of(KddData.ShippedPath));
        Assert.Equal(KddData.ShippedPath, KddData.Locate(null));
        Assert.StartsWith(AppContext.BaseDirectory, KddData.ShippedPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Anomaly_WithoutData_RunsTheKddCaseStudyOnTheShippedFile()
    {
        using var scratch = new TempDirectory();
        string json = scratch.PathOf("a.json");
        var error = new StringWriter();
        int exit = DemoCli.Run(["anomaly", "--epochs", "1", "--runs", "2", "--out", scratch.PathOf("out"), "--json", json], error, new StringWriter(), TestContext.Current.CancellationToken);

        Assert.True(exit == 0, error.ToString());
        var root = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        Assert.Equal("KDD Cup 1999 10% (kddcup.data_10_percent.gz, shipped with the demo)", root.GetProperty("data").GetString());
        Assert.InRange(root.GetProperty("auroc").GetDouble(), 0.9, 1.0); // one epoch already separates most attacks
        Assert.Equal([1, 2], root.GetProperty("seeds").EnumerateArray().Select(e => e.GetInt32()));
        Assert.InRange(root.GetProperty("auroc_mean").GetDouble(), 0.9, 1.0);
        string report = File.ReadAllText(scratch.PathOf(Path.Combine("out", "report.html")));
        Assert.Contains("the rare attacks (r2l and u2r) among the held-out normal records", report, StringComparison.Ordinal);
        Assert.Contains("log scale", report, StringComparison.Ordinal);
    }
}
