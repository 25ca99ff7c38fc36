using System.Diagnostics;
using Engine.Models;
using Engine.Persistence;
using Engine.Tests.Testing;
using Engine.Text;
using Microsoft.ML.OnnxRuntime;

namespace Engine.Tests.IO;

/// <summary>
/// The demo's <c>export --load CHECKPOINT --onnx FILE</c> end to end, as a child process, for each model family
/// (the in-process numbers are checked in OnnxModelExportTests): the file it writes opens in ONNX Runtime with the
/// documented inputs and outputs, and an export that cannot be done fails with exit code 1 and a clear message.
/// </summary>
[Trait("Layer", "IO")]
public sealed class ExportCommandTests
{
    private static (int ExitCode, string Output) Demo(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(CheckpointCrashTests.DemoDll());
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    public static TheoryData<string, string, string[]> Families() => new()
    {
        { "ConvAutoencoder", "Reconstruct", ["reconstruction"] },
        { "ConvVariationalAutoencoder", "Encoder", ["mu", "log_var"] },
        { "VariationalAutoencoder", "Decoder", ["reconstruction"] },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Export_EveryRegisteredFamily_WritesAFileOrtRuns(string family, string part, string[] outputs)
    {
        AutoencoderModel model = family switch
        {
            "ConvAutoencoder" => ConvCheckpointTests.ConvCase("batchnorm-odd-7"),
            "ConvVariationalAutoencoder" => new ConvVariationalAutoencoder(new ConvVaeOptions([2, 3], 2, ImageSize: 6), new Random(1)),
            _ => new VariationalAutoencoder(new VaeOptions(10, [6], 2), new Random(2)),
        };
        using var directory = new TempDirectory();
        string checkpoint = directory.PathOf("model.safetensors"), onnx = directory.PathOf("sub/model.onnx");
        Checkpoint.Save(model, checkpoint);

        var (exitCode, output) = Demo("export", "--load", checkpoint, "--onnx", onnx, "--part", part);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"loaded {family}", output);
        using var session = new InferenceSession(onnx);
        Assert.Equal(outputs, session.OutputNames);
        Assert.Equal(part == "Decoder" ? "latent" : "input", Assert.Single(session.InputNames));
    }

    [Fact]
    public void Export_LstmTextAutoencoder_WritesItsEncoder_AndRefusesTheRest()
    {
        var vocabulary = Vocabulary.Build([["a", "b", "c"]]);
        var model = new LstmTextAutoencoder(vocabulary, new LstmTextAutoencoderOptions
        {
            EmbeddingSize = 3, HiddenSize = 2, LatentSize = 2, MaxLength = 5,
        }, new Random(1));
        using var directory = new TempDirectory();
        string weights = directory.PathOf("text.safetensors"), onnx = directory.PathOf("text.onnx");
        Checkpoint.Save(model, weights);

        var (exitCode, output) = Demo("export", "--load", weights, "--onnx", onnx, "--part", "Encoder");
        Assert.True(exitCode == 0, output);
        using (var session = new InferenceSession(onnx))
        {
            Assert.Equal(["ids", "lengths"], session.InputNames);
            Assert.Equal(["latent"], session.OutputNames);
        }

        (exitCode, output) = Demo("export", "--load", weights, "--onnx", directory.PathOf("whole.onnx"));
        Assert.Equal(1, exitCode);
        Assert.Contains("exports its encoder only", output);
        Assert.False(File.Exists(directory.PathOf("whole.onnx")));
    }
}
