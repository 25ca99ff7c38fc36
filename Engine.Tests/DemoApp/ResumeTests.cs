using System.Globalization;
using System.Text.Json;
using Demo;
using Engine.IO;
using Engine.Models;
using Engine.Persistence;
using Engine.Tests.Testing;

namespace Engine.Tests.DemoApp;

/// <summary>
/// `--resume CHECKPOINT` through the Demo's entry point: a run stopped by Ctrl+C and resumed ends bit-identical to
/// one that was never stopped, the interrupted run says so (console, report, --json, the partial epoch marked), and
/// a checkpoint that does not fit the command is refused with a message that says why.
/// </summary>
[Trait("Layer", "DemoApp")]
public sealed class ResumeTests : IDisposable
{
    private readonly TempDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void CtrlC_ThenResume_EndsBitIdenticalToAnUninterruptedRun_AndTheInterruptedRunSaysSo()
    {
        string[] common = ["ae", "--quick", "--epochs", "2", "--threads", "2", "--seed", "4"];
        var full = DemoProcess.Run(_scratch.Path, null, 180, [.. common, "--out", "full", "--save", "full.safetensors"]);
        Assert.True(full.Exit == 0, full.Error + full.Output);

        // Interrupt the same run during its second epoch, as a terminal's Ctrl+C does (SIGINT).
        using (var process = DemoProcess.Start(_scratch.Path, null, [.. common, "--out", "cut", "--json", "cut.json"]))
        {
            var lines = new List<string>();
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null)
            {
                lines.Add(line);
                if (line.TrimStart().StartsWith("epoch", StringComparison.Ordinal)) break;
            }
            Assert.NotNull(line);
            using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]))
                kill.WaitForExit();
            lines.AddRange(process.StandardOutput.ReadToEnd().Split('\n'));
            Assert.True(process.WaitForExit(60_000));
            string output = string.Join('\n', lines);
            Assert.True(process.ExitCode == CommandRunner.Interrupted, $"exit {process.ExitCode}: {output}");
            Assert.Contains("Interrupted (Ctrl+C): Dense autoencoder stopped in epoch", output, StringComparison.Ordinal);
            Assert.Contains("--resume cut/interrupted.safetensors", output, StringComparison.Ordinal);
        }
        var json = JsonDocument.Parse(File.ReadAllText(_scratch.PathOf("cut.json"))).RootElement;
        Assert.True(json.GetProperty("interrupted").GetBoolean());
        var stop = json.GetProperty("interruptions")[0];
        int batch = stop.GetProperty("batch").GetInt32(), count = stop.GetProperty("batch_count").GetInt32();
        Assert.Equal(batch < count, stop.GetProperty("partial_epoch").GetBoolean());
        if (batch < count)
        {
            // A partial epoch is not counted as an epoch: it is reported apart.
            Assert.Equal(stop.GetProperty("epoch").GetInt32() - 1, json.GetProperty("epochs").GetInt32());
            Assert.Equal(batch, json.GetProperty("partial_epoch").GetProperty("batches").GetInt32());
        }
        string report = File.ReadAllText(_scratch.PathOf(Path.Combine("cut", "report.html")));
        Assert.Contains("<p class=\"notice\">Interrupted (Ctrl+C)", report, StringComparison.Ordinal);

        var resumed = DemoProcess.Run(_scratch.Path, null, 180,
            [.. common, "--out", "cut", "--resume", Path.Combine("cut", "interrupted.safetensors"), "--save", "resumed.safetensors"]);
        Assert.True(resumed.Exit == 0, resumed.Error + resumed.Output);
        Assert.Contains("resuming from", resumed.Output, StringComparison.Ordinal);

        // Every tensor — weights, Adam's moments, the data order — is bitwise the uninterrupted run's.
        var a = SafeTensors.Read(_scratch.PathOf("full.safetensors"));
        var b = SafeTensors.Read(_scratch.PathOf("resumed.safetensors"));
        Assert.Equal(a.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal), b.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Contains(a.Tensors, t => t.Name.StartsWith(Checkpoint.TrainingPrefix + "optimizer/", StringComparison.Ordinal));
        foreach (var tensor in a.Tensors)
            Assert.True(tensor.ToDoubleArray().SequenceEqual(b[tensor.Name].ToDoubleArray()), $"{tensor.Name} differs after resuming");
    }

    [Fact]
    public void ARunOfSeveralModels_ResumesThroughItsJournal_WithTheResultsOfAnUninterruptedRun()
    {
        string[] common = ["pca", "--quick", "--latent", "8", "--epochs", "2", "--threads", "2"];
        var full = DemoProcess.Run(_scratch.Path, null, 240, [.. common, "--out", "full", "--json", "full.json"]);
        Assert.True(full.Exit == 0, full.Error + full.Output);

        // Stop it in the second model (the ReLU AE, after the linear AE has finished).
        using (var process = DemoProcess.Start(_scratch.Path, null, [.. common, "--out", "cut"]))
        {
            string? line;
            bool second = false;
            while ((line = process.StandardOutput.ReadLine()) is not null)
            {
                if (line.StartsWith("training AE 784-512", StringComparison.Ordinal)) second = true;
                if (second && line.TrimStart().StartsWith("epoch", StringComparison.Ordinal)) break;
            }
            Assert.NotNull(line);
            using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]))
                kill.WaitForExit();
            process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(60_000));
            Assert.Equal(CommandRunner.Interrupted, process.ExitCode);
        }
        var journal = JsonDocument.Parse(File.ReadAllText(_scratch.PathOf(Path.Combine("cut", RunJournal.FolderName, "journal.json")))).RootElement;
        Assert.Equal("Autoencoders vs PCA / AE 784-512-128-8-128-512-784", journal.GetProperty("Interrupted").GetString());

        // Other options than the run's are refused; the same ones continue it.
        var other = DemoProcess.Run(_scratch.Path, null, 60, ["pca", "--quick", "--latent", "2", "--epochs", "2", "--out", "cut",
            "--resume", Path.Combine("cut", "interrupted.safetensors")]);
        Assert.Equal(1, other.Exit);
        Assert.Contains("the run was made with the options `--quick --latent 8 --epochs 2`", other.Error, StringComparison.Ordinal);

        var resumed = DemoProcess.Run(_scratch.Path, null, 240,
            [.. common, "--out", "cut", "--json", "resumed.json", "--resume", Path.Combine("cut", "interrupted.safetensors")]);
        Assert.True(resumed.Exit == 0, resumed.Error + resumed.Output);
        Assert.Contains("linear AE 784-8-784: finished before the interruption; restored from", resumed.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_scratch.PathOf(Path.Combine("cut", RunJournal.FolderName))), "a finished run leaves no journal");

        static double[] Mse(JsonElement json) => json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("test_mse").GetDouble()).ToArray();
        Assert.Equal(Mse(JsonDocument.Parse(File.ReadAllText(_scratch.PathOf("full.json"))).RootElement),
            Mse(JsonDocument.Parse(File.ReadAllText(_scratch.PathOf("resumed.json"))).RootElement));
    }

    // A finished one-epoch run's --save file (resumable), made in-process.
    private string SavedAfterOneEpoch()
    {
        string save = _scratch.PathOf("one.safetensors");
        var (exit, error, _) = Run("ae", "--quick", "--epochs", "1", "--out", _scratch.PathOf("one"), "--save", save);
        Assert.True(exit == 0, error);
        return save;
    }

    private static (int Exit, string Error, string Output) Run(params string[] args)
    {
        var error = new StringWriter();
        var output = new StringWriter();
        int exit = DemoCli.Run(args, error, output);
        return (exit, error.ToString(), output.ToString());
    }

    [Fact]
    public void Resume_ContinuesASaveFile_ToTheTotalEpochs_AndRefusesCheckpointsThatDoNotFit()
    {
        string save = SavedAfterOneEpoch();
        string json = _scratch.PathOf("two.json");

        var (exit, error, output) = Run("ae", "--quick", "--epochs", "2", "--resume", save, "--out", _scratch.PathOf("two"), "--json", json);
        Assert.True(exit == 0, error);
        Assert.Contains("1 finished epoch; training to epoch 2 in all", output, StringComparison.Ordinal);
        Assert.Equal(2, JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("epochs").GetInt32());

        string Refusal(params string[] args)
        {
            var r = Run([.. args, "--out", _scratch.PathOf("refused")]);
            Assert.Equal(1, r.Exit);
            return r.Error;
        }
        Assert.StartsWith($"error: --resume {save}: the checkpoint holds a DenseAutoencoder", Refusal("conv", "--resume", save), StringComparison.Ordinal);
        Assert.Contains("which `sparse` does not train", Refusal("sparse", "--resume", save), StringComparison.Ordinal);
        Assert.Contains("was trained with --seed 1, not 5", Refusal("ae", "--quick", "--resume", save, "--seed", "5"), StringComparison.Ordinal);
        Assert.Contains("has finished 1 epoch and --epochs 1", Refusal("ae", "--resume", save, "--epochs", "1"), StringComparison.Ordinal);

        string plain = _scratch.PathOf("plain.safetensors");
        Checkpoint.Save(Checkpoint.Load(save), plain);
        Assert.Contains("holds a model but no training state", Refusal("ae", "--resume", plain), StringComparison.Ordinal);
        Assert.IsType<DenseAutoencoder>(Checkpoint.Load(save)); // a --save file is also a plain model for --load and export
    }
}
