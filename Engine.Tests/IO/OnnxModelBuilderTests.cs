using Engine.Persistence.Onnx;
using Engine.Tests.Testing;
using Microsoft.ML.OnnxRuntime;

namespace Engine.Tests.IO;

/// <summary>
/// ONNX models built by OnnxModelBuilder: their bytes parse back to the structure of onnx.proto, and ONNX Runtime
/// runs them to the same numbers as a hand-written reference (within 1e-4).
/// </summary>
[Trait("Layer", "IO")]
public sealed class OnnxModelBuilderTests
{
    private const float Atol = 1e-4f;

    private static float[] Random(int n, Random random, float scale = 1f) =>
        Enumerable.Range(0, n).Select(_ => (random.NextSingle() * 2 - 1) * scale).ToArray();

    /// <summary>Runs the model with ONNX Runtime (one thread) and returns every graph output, flattened.</summary>
    private static float[][] RunOrt(byte[] model, string inputName, float[] input, long[] shape)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [inputName], [value], session.OutputNames);
        return outputs.Select(o => o.GetTensorDataAsSpan<float>().ToArray()).ToArray();
    }

    private static (byte[] Model, float[] W1, float[] B1, float[] W2, float[] B2) Mlp()
    {
        var random = new Random(Seeds.Default);
        float[] w1 = Random(5 * 4, random), b1 = Random(5, random), w2 = Random(2 * 5, random), b2 = Random(2, random);
        var builder = new OnnxModelBuilder("mlp");
        string x = builder.AddInput("x", "N", 4);
        string h = builder.Relu(builder.Gemm(x, builder.AddInitializer("fc1.weight", [5, 4], w1),
            builder.AddInitializer("fc1.bias", [5], b1)));
        string y = builder.Gemm(h, builder.AddInitializer("fc2.weight", [2, 5], w2), builder.AddInitializer("fc2.bias", [2], b2));
        builder.AddOutput(builder.Sigmoid(y, "y"), "N", 2);
        return (builder.Build(), w1, b1, w2, b2);
    }

    [Fact]
    public void Mlp_Bytes_ParseBackToOnnxStructure()
    {
        var model = new ProtoReader(Mlp().Model);

        Assert.Equal(8UL, model.One(1).Scalar);                      // ir_version
        Assert.Equal("Engine", model.One(2).Text);                    // producer_name
        var opset = model.One(8).Message;                             // opset_import
        Assert.Equal("", opset.One(1).Text);
        Assert.Equal(17UL, opset.One(2).Scalar);
        var graph = model.One(7).Message;
        Assert.Equal("mlp", graph.One(2).Text);
        var nodes = graph.All(1).Select(f => f.Message).ToArray();
        Assert.Equal(["Gemm", "Relu", "Gemm", "Sigmoid"], nodes.Select(n => n.One(4).Text));
        Assert.Equal(["x", "fc1.weight", "fc1.bias"], nodes[0].All(1).Select(f => f.Text));
        var transB = nodes[0].All(5).Select(f => f.Message).Single(a => a.One(1).Text == "transB");
        Assert.Equal((1UL, 2UL), (transB.One(3).Scalar, transB.One(20).Scalar));   // i = 1, type INT
        var alpha = nodes[0].All(5).Select(f => f.Message).Single(a => a.One(1).Text == "alpha");
        Assert.Equal((1f, 5), (alpha.One(2).Float, alpha.One(2).WireType));

        var initializers = graph.All(5).Select(f => f.Message).ToArray();
        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"], initializers.Select(t => t.One(8).Text));
        Assert.Equal([5UL, 4UL], initializers[0].All(1).Select(f => f.Scalar));    // dims
        Assert.Equal(1UL, initializers[0].One(2).Scalar);                          // FLOAT
        Assert.Equal(5 * 4 * 4, initializers[0].One(9).Bytes.Length);              // raw_data

        var input = graph.One(11).Message;
        Assert.Equal("x", input.One(1).Text);
        var tensorType = input.One(2).Message.One(1).Message;
        Assert.Equal(1UL, tensorType.One(1).Scalar);
        var dims = tensorType.One(2).Message.All(1).Select(f => f.Message).ToArray();
        Assert.Equal("N", dims[0].One(2).Text);
        Assert.Equal(4UL, dims[1].One(1).Scalar);
        Assert.Equal("y", graph.One(12).Message.One(1).Text);
    }

    [Fact]
    public void Mlp_OnnxRuntime_MatchesReference()
    {
        var (model, w1, b1, w2, b2) = Mlp();
        const int n = 3;
        float[] x = Random(n * 4, new Random(Seeds.Default + 1), 2f);

        float[] actual = RunOrt(model, "x", x, [n, 4])[0];

        var expected = new float[n * 2];
        for (int r = 0; r < n; r++)
        {
            var h = new float[5];
            for (int j = 0; j < 5; j++)
            {
                double s = b1[j];
                for (int k = 0; k < 4; k++) s += x[r * 4 + k] * w1[j * 4 + k];
                h[j] = (float)Math.Max(0, s);
            }
            for (int j = 0; j < 2; j++)
            {
                double s = b2[j];
                for (int k = 0; k < 5; k++) s += h[k] * w2[j * 5 + k];
                expected[r * 2 + j] = (float)(1 / (1 + Math.Exp(-s)));
            }
        }
        TensorAssert.AllClose(expected, actual, 0, Atol, "MLP output");
    }

    [Fact]
    public void ConvModel_OnnxRuntime_MatchesReference()
    {
        // x (N, 1, 6, 6) -> Conv 3x3 pad 1 (2 ch) -> Relu -> MaxPool 2 -> ConvTranspose 3x3 stride 2 pad 1 outpad 1 (1 ch)
        //   -> Sigmoid -> Flatten: (N, 36)
        var random = new Random(Seeds.Default + 2);
        float[] wc = Random(2 * 1 * 3 * 3, random), bc = Random(2, random);
        float[] wt = Random(2 * 1 * 3 * 3, random), bt = Random(1, random);
        var builder = new OnnxModelBuilder("conv");
        string x = builder.AddInput("x", "N", 1, 6, 6);
        string c = builder.Conv(x, builder.AddInitializer("conv.weight", [2, 1, 3, 3], wc),
            builder.AddInitializer("conv.bias", [2], bc), 3, 3, stride: 1, padding: 1);
        string p = builder.MaxPool(builder.Relu(c), kernel: 2, stride: 2);
        string t = builder.ConvTranspose(p, builder.AddInitializer("deconv.weight", [2, 1, 3, 3], wt),
            builder.AddInitializer("deconv.bias", [1], bt), 3, 3, stride: 2, padding: 1, outputPadding: 1);
        builder.AddOutput(builder.Flatten(builder.Sigmoid(t), output: "y"), "N", 36);
        const int n = 2;
        float[] input = Random(n * 36, new Random(Seeds.Default + 3));

        float[] actual = RunOrt(builder.Build(), "x", input, [n, 1, 6, 6])[0];

        var expected = new float[n * 36];
        for (int b = 0; b < n; b++)
        {
            // Conv + Relu: (2, 6, 6)
            var conv = new float[2, 6, 6];
            for (int oc = 0; oc < 2; oc++)
                for (int y = 0; y < 6; y++)
                    for (int xx = 0; xx < 6; xx++)
                    {
                        double s = bc[oc];
                        for (int ky = 0; ky < 3; ky++)
                            for (int kx = 0; kx < 3; kx++)
                            {
                                int iy = y + ky - 1, ix = xx + kx - 1;
                                if (iy is >= 0 and < 6 && ix is >= 0 and < 6)
                                    s += input[b * 36 + iy * 6 + ix] * wc[oc * 9 + ky * 3 + kx];
                            }
                        conv[oc, y, xx] = (float)Math.Max(0, s);
                    }
            // MaxPool 2x2: (2, 3, 3)
            var pool = new float[2, 3, 3];
            for (int ch = 0; ch < 2; ch++)
                for (int y = 0; y < 3; y++)
                    for (int xx = 0; xx < 3; xx++)
                        pool[ch, y, xx] = Math.Max(Math.Max(conv[ch, 2 * y, 2 * xx], conv[ch, 2 * y, 2 * xx + 1]),
                            Math.Max(conv[ch, 2 * y + 1, 2 * xx], conv[ch, 2 * y + 1, 2 * xx + 1]));
            // ConvTranspose: scatter each input pixel through the kernel at (i·stride − pad + k); out (1, 6, 6)
            var output = new double[6, 6];
            for (int ic = 0; ic < 2; ic++)
                for (int iy = 0; iy < 3; iy++)
                    for (int ix = 0; ix < 3; ix++)
                        for (int ky = 0; ky < 3; ky++)
                            for (int kx = 0; kx < 3; kx++)
                            {
                                int oy = iy * 2 - 1 + ky, ox = ix * 2 - 1 + kx;
                                if (oy is >= 0 and < 6 && ox is >= 0 and < 6)
                                    output[oy, ox] += pool[ic, iy, ix] * wt[ic * 9 + ky * 3 + kx];
                            }
            for (int i = 0; i < 36; i++)
                expected[b * 36 + i] = (float)(1 / (1 + Math.Exp(-(output[i / 6, i % 6] + bt[0]))));
        }
        TensorAssert.AllClose(expected, actual, 0, Atol, "conv model output");
    }

    [Fact]
    public void OtherOps_OnnxRuntime_MatchReference()
    {
        // x (N, 2, 2, 3): BatchNormalization; nearest upsample x2; LeakyRelu(Exp(Tanh(x)) * x); Reshape(-1, 6) MatMul + Add.
        var random = new Random(Seeds.Default + 4);
        float[] scale = Random(2, random), bias = Random(2, random), mean = Random(2, random);
        float[] variance = Random(2, random).Select(v => v * v + 0.1f).ToArray();
        float[] w = Random(6 * 4, random), b = Random(4, random);
        var builder = new OnnxModelBuilder("ops");
        string x = builder.AddInput("x", "N", 2, 2, 3);
        builder.AddOutput(builder.BatchNormalization(x, builder.AddInitializer("s", [2], scale),
            builder.AddInitializer("b", [2], bias), builder.AddInitializer("m", [2], mean),
            builder.AddInitializer("v", [2], variance), 1e-5f, "bn"), "N", 2, 2, 3);
        builder.AddOutput(builder.UpsampleNearest(x, 2, 2, "up"), "N", 2, 4, 6);
        string leaky = builder.LeakyRelu(builder.Mul(builder.Exp(builder.Tanh(x)), x), 0.1f, "leaky");
        builder.AddOutput(leaky, "N", 2, 2, 3);
        string mm = builder.Add(builder.MatMul(builder.Reshape(leaky, [-1, 6]), builder.AddInitializer("w", [6, 4], w)),
            builder.AddInitializer("bias4", [4], b), "mm");
        builder.AddOutput(mm, "M", 4);
        const int n = 2;
        float[] input = Random(n * 12, new Random(Seeds.Default + 5), 2f);

        float[][] actual = RunOrt(builder.Build(), "x", input, [n, 2, 2, 3]);

        var bn = new float[n * 12];
        var up = new float[n * 2 * 4 * 6];
        var lr = new float[n * 12];
        for (int i = 0; i < n * 12; i++)
        {
            int ch = i / 6 % 2;
            bn[i] = (float)(scale[ch] * (input[i] - mean[ch]) / Math.Sqrt(variance[ch] + 1e-5) + bias[ch]);
            double v = Math.Exp(Math.Tanh(input[i])) * input[i];
            lr[i] = (float)(v >= 0 ? v : 0.1 * v);
        }
        for (int i = 0; i < up.Length; i++)
        {
            int ox = i % 6, oy = i / 6 % 4, plane = i / 24;
            up[i] = input[plane * 6 + oy / 2 * 3 + ox / 2];
        }
        var mmExpected = new float[n * 2 * 4];
        for (int r = 0; r < n * 2; r++)
            for (int j = 0; j < 4; j++)
            {
                double s = b[j];
                for (int k = 0; k < 6; k++) s += lr[r * 6 + k] * w[k * 4 + j];
                mmExpected[r * 4 + j] = (float)s;
            }
        TensorAssert.AllClose(bn, actual[0], 0, Atol, "BatchNormalization");
        TensorAssert.AllClose(up, actual[1], 0, 0, "Resize nearest");
        TensorAssert.AllClose(lr, actual[2], 0, Atol, "LeakyRelu(Exp(Tanh(x))·x)");
        TensorAssert.AllClose(mmExpected, actual[3], 0, Atol, "Reshape/MatMul/Add");
    }

    [Fact]
    public void ProtoWriter_Encodings_MatchTheWireFormat()
    {
        var proto = new ProtoWriter();
        proto.WriteInt64(1, 150);        // the protobuf guide's example: 08 96 01
        proto.WriteInt64(2, -1);         // negative int64: 10 bytes
        proto.WriteString(3, "hi");
        proto.WriteFloat(4, 1f);
        proto.WritePackedInt64(5, [3, 270, 86942]);   // the guide's packed example: 2A 06 03 8E 02 9E A7 05
        proto.WritePackedFloat(6, [1f]);
        byte[] expected =
        [
            0x08, 0x96, 0x01,
            0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
            0x1A, 0x02, (byte)'h', (byte)'i',
            0x25, 0x00, 0x00, 0x80, 0x3F,
            0x2A, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05,
            0x32, 0x04, 0x00, 0x00, 0x80, 0x3F,
        ];
        Assert.Equal(expected, proto.ToArray());
    }

    [Fact]
    public void Builder_BadGraph_ThrowsArgumentException()
    {
        var builder = new OnnxModelBuilder();
        builder.AddInput("x", "N", 3);
        Assert.Throws<ArgumentException>(() => builder.Relu("missing"));
        Assert.Throws<ArgumentException>(() => builder.AddInput("x", 1));
        Assert.Throws<ArgumentException>(() => builder.AddInitializer("w", [2, 2], new float[3]));
        Assert.Throws<ArgumentException>(() => builder.AddOutput("nothing", 1));
        Assert.Throws<InvalidOperationException>(() => builder.Build());
    }
}
