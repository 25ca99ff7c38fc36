using Engine.Autodiff;
using Engine.Persistence.Onnx;
using Engine.Models;
using Engine.Tensors;
using Engine.Tests.Testing;
using Microsoft.ML.OnnxRuntime;

namespace Engine.Tests.IO;

/// <summary>
/// Exported autoencoders run in ONNX Runtime to the numbers our Reconstruct/Encode/Decode give (within 1e-4), for
/// batch sizes 1 and 7 through the one symbolic batch dimension.
/// </summary>
[Trait("Layer", "IO")]
public sealed class OnnxExportTests
{
    private const float Atol = 1e-4f;

    private static float[] RunOrt(byte[] model, string inputName, float[] input, long[] shape, string outputName)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [inputName], [value], [outputName]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public static TheoryData<bool, int> Cases() => new() { { false, 1 }, { false, 7 }, { true, 1 }, { true, 7 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Dense_EveryPart_MatchesOurForward(bool tied, int batch)
    {
        var model = CheckpointTests.TrainedDense(tied);
        var x = Tensor.Uniform(new Random(Seeds.Default + batch), 0f, 1f, batch, 20);
        var z = Tensor.Normal(new Random(Seeds.Default - batch), 0f, 1f, batch, 4);
        using var _ = GradMode.Disable();

        float[] reconstruction = RunOrt(OnnxExport.Build(model), "input", x.ToArray(), [batch, 20], "reconstruction");
        float[] code = RunOrt(OnnxExport.Build(model, OnnxPart.Encoder), "input", x.ToArray(), [batch, 20], "latent");
        float[] decoded = RunOrt(OnnxExport.Build(model, OnnxPart.Decoder), "latent", z.ToArray(), [batch, 4], "reconstruction");

        TensorAssert.AllClose(model.Reconstruct(x).ToArray(), reconstruction, 0f, Atol, "reconstruction");
        TensorAssert.AllClose(model.Encode(x).ToArray(), code, 0f, Atol, "code");
        TensorAssert.AllClose(model.Decode(z).ToArray(), decoded, 0f, Atol, "decoded");
    }

    [Fact]
    public void TiedExport_StoresEachEncoderWeightOnce()
    {
        byte[] tied = OnnxExport.Build(CheckpointTests.TrainedDense(tied: true));
        byte[] untied = OnnxExport.Build(CheckpointTests.TrainedDense(tied: false));
        // Untied also stores the decoder weights: 4·8 + 8·16 + 16·20 = 480 floats, 1920 bytes.
        Assert.True(untied.Length - tied.Length > 1800, $"tied {tied.Length} B, untied {untied.Length} B");
    }

    [Fact]
    public void Save_WritesAFileOrtLoads_AndRejectsUnmappedModels()
    {
        string path = Path.Combine(Path.GetTempPath(), $"engine-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExport.Save(CheckpointTests.TrainedDense(tied: false), path);
            using var session = new InferenceSession(path);
            Assert.Equal(["input"], session.InputNames);
            Assert.Equal(["reconstruction"], session.OutputNames);
            Assert.Equal([-1, 20], session.InputMetadata["input"].Dimensions);
        }
        finally
        {
            File.Delete(path);
        }
        var e = Assert.Throws<ArgumentException>(() => OnnxExport.Build(new Training.NoisyAutoencoder(
            new Training.NoisyOptions(4, 3, 2, 0.1f), new Random(1))));
        Assert.Contains("NoisyAutoencoder has no ONNX mapping", e.Message);
    }
}
