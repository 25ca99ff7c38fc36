using System.Diagnostics;
using Engine.Models;
using Engine.Persistence;

namespace Engine.Tests.DemoApp;

/// <summary>
/// The demo as a user runs it (a child process on the embedded data): a command writes OUT/report.html with its
/// section, and Ctrl+C (SIGINT) stops training after the current batch, keeps a checkpoint and exits with 130.
/// </summary>
[Trait("Layer", "DemoApp")]
public sealed class DemoRunTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("demo-run-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // The test runs from Engine.Tests/bin/{Configuration}/{tfm}/; the Demo builds to Demo/bin/{Configuration}/{tfm}/.
    private static string DemoDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string dll = Path.Combine(testBin.Parent!.Parent!.Parent!.Parent!.FullName, "Demo", "bin",
            testBin.Parent.Name, testBin.Name, "Demo.dll");
        Assert.True(File.Exists(dll), $"{dll} not found");
        return dll;
    }

    // Runs in a temporary working directory, so no command can find (and update) the repository's docs.
    private Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(DemoDll());
        foreach (string a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    [Fact]
    public void Denoise_WritesReportWithLossCurveScatterAndNoisyDenoisedGrid()
    {
        string outDir = Path.Combine(_directory, "out");
        using var process = Start("denoise", "--quick", "--epochs", "1", "--out", outDir);
        string stdout = process.StandardOutput.ReadToEnd(), stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "the demo did not finish");
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {stderr}\n{stdout}");

        var sections = ReportTests.Sections(ReportTests.Parse(File.ReadAllText(Path.Combine(outDir, "report.html"))));
        var (charts, pictures, _) = sections["Denoise autoencoder"];
        Assert.Equal(2, charts); // the loss per epoch and the latent scatter
        Assert.Equal(1, pictures); // clean, noisy and denoised rows
        Assert.True(sections.ContainsKey("Headline figures"));
        Assert.True(File.Exists(Path.Combine(outDir, "denoise-reconstructions.png")));
        Assert.NotEmpty(Directory.GetFiles(outDir, "loss-*.svg"));
        Assert.Equal(Directory.GetFiles(outDir, "*.svg").Select(f => Path.ChangeExtension(f, ".png")).Order(),
            Directory.GetFiles(outDir, "*.png").Where(f => File.Exists(Path.ChangeExtension(f, ".svg"))).Order());
        Assert.False(File.Exists(Path.Combine(outDir, "interrupted.safetensors")), "a finished run leaves no interrupt checkpoint");
    }

    [Fact]
    public void CtrlC_StopsAfterTheCurrentBatch_KeepsACheckpoint_WritesTheReport_Exits130()
    {
        string outDir = Path.Combine(_directory, "out");
        using var process = Start("ae", "--quick", "--epochs", "40", "--out", outDir);
        // Wait until training is under way (the first epoch line), then send SIGINT as a terminal's Ctrl+C does.
        var lines = new List<string>();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            lines.Add(line);
            if (line.TrimStart().StartsWith("epoch", StringComparison.Ordinal)) break;
        }
        Assert.NotNull(line);
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            kill.WaitForExit();
        lines.AddRange(process.StandardOutput.ReadToEnd().Split('\n'));
        Assert.True(process.WaitForExit(60_000), "the demo did not stop after Ctrl+C");
        string output = string.Join('\n', lines);
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}:\n{output}\n{process.StandardError.ReadToEnd()}");
        Assert.Contains("interrupted", output, StringComparison.Ordinal);
        Assert.True(lines.Count(l => l.TrimStart().StartsWith("epoch", StringComparison.Ordinal)) < 40, output);

        var model = Checkpoint.Load(Path.Combine(outDir, "interrupted.safetensors"));
        Assert.IsType<DenseAutoencoder>(model);
        Assert.True(File.Exists(Path.Combine(outDir, "report.html")));
    }
}
