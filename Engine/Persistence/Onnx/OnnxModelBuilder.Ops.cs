using System.Runtime.CompilerServices;

namespace Engine.Persistence.Onnx;

/// <summary>Node helpers (opset 17 semantics); each returns the name of the node's output.</summary>
public sealed partial class OnnxModelBuilder
{
    /// <summary>Gemm: Y = alpha·A·op(B) + beta·C, with op(B) = Bᵀ when <paramref name="transB"/> (a Linear layer's (out, in) weight).</summary>
    public string Gemm(string a, string b, string c, bool transB = true, float alpha = 1f, float beta = 1f,
        string? output = null) =>
        AddNode("Gemm", [In(a), In(b), In(c)], output, OnnxAttribute.Float("alpha", alpha), OnnxAttribute.Float("beta", beta),
            OnnxAttribute.Int("transA", 0), OnnxAttribute.Int("transB", transB ? 1 : 0));

    /// <summary>MatMul: numpy-style matrix product.</summary>
    public string MatMul(string a, string b, string? output = null) => AddNode("MatMul", [In(a), In(b)], output);

    /// <summary>Add with numpy broadcasting.</summary>
    public string Add(string a, string b, string? output = null) => AddNode("Add", [In(a), In(b)], output);

    /// <summary>Mul with numpy broadcasting.</summary>
    public string Mul(string a, string b, string? output = null) => AddNode("Mul", [In(a), In(b)], output);

    /// <summary>Relu: max(0, x).</summary>
    public string Relu(string x, string? output = null) => AddNode("Relu", [In(x)], output);

    /// <summary>Sigmoid: 1 / (1 + exp(−x)).</summary>
    public string Sigmoid(string x, string? output = null) => AddNode("Sigmoid", [In(x)], output);

    /// <summary>Tanh.</summary>
    public string Tanh(string x, string? output = null) => AddNode("Tanh", [In(x)], output);

    /// <summary>Exp.</summary>
    public string Exp(string x, string? output = null) => AddNode("Exp", [In(x)], output);

    /// <summary>LeakyRelu: x if x ≥ 0, else alpha·x.</summary>
    public string LeakyRelu(string x, float alpha = 0.01f, string? output = null) =>
        AddNode("LeakyRelu", [In(x)], output, OnnxAttribute.Float("alpha", alpha));

    /// <summary>
    /// Conv over NCHW with weight (outC, inC, kH, kW), symmetric zero padding, no dilation, one group;
    /// pass null as <c>bias</c> for none.
    /// </summary>
    public string Conv(string x, string weight, string? bias, int kernelH, int kernelW, int stride = 1,
        int padding = 0, string? output = null) =>
        AddNode("Conv", bias is null ? [In(x), In(weight)] : [In(x), In(weight), bias], output,
            OnnxAttribute.Ints("kernel_shape", kernelH, kernelW), OnnxAttribute.Ints("pads", padding, padding, padding, padding),
            OnnxAttribute.Ints("strides", stride, stride), OnnxAttribute.Ints("dilations", 1, 1), OnnxAttribute.Int("group", 1));

    /// <summary>
    /// ConvTranspose over NCHW with weight (inC, outC, kH, kW): output size (in − 1)·stride − 2·padding + kernel + outputPadding.
    /// </summary>
    public string ConvTranspose(string x, string weight, string? bias, int kernelH, int kernelW, int stride = 1,
        int padding = 0, int outputPadding = 0, string? output = null) =>
        AddNode("ConvTranspose", bias is null ? [In(x), In(weight)] : [In(x), In(weight), bias], output,
            OnnxAttribute.Ints("kernel_shape", kernelH, kernelW), OnnxAttribute.Ints("pads", padding, padding, padding, padding),
            OnnxAttribute.Ints("strides", stride, stride), OnnxAttribute.Ints("output_padding", outputPadding, outputPadding),
            OnnxAttribute.Ints("dilations", 1, 1), OnnxAttribute.Int("group", 1));

    /// <summary>MaxPool over NCHW with a square window.</summary>
    public string MaxPool(string x, int kernel, int stride, int padding = 0, string? output = null) =>
        AddNode("MaxPool", [In(x)], output, OnnxAttribute.Ints("kernel_shape", kernel, kernel),
            OnnxAttribute.Ints("pads", padding, padding, padding, padding), OnnxAttribute.Ints("strides", stride, stride));

    /// <summary>
    /// Nearest-neighbour upsampling of NCHW by integer factors (Resize with scales [1, 1, sH, sW],
    /// coordinate_transformation_mode "asymmetric", nearest_mode "floor": out[i] = in[⌊i / s⌋]).
    /// </summary>
    public string UpsampleNearest(string x, int scaleH, int scaleW, string? output = null)
    {
        output ??= $"Resize_{_nodeCount}";
        string scales = AddInitializer($"{output}_scales", [4], [1f, 1f, scaleH, scaleW]);
        return AddNode("Resize", [In(x), "", scales], output, OnnxAttribute.String("mode", "nearest"),
            OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
            OnnxAttribute.String("nearest_mode", "floor"));
    }

    /// <summary>Reshape to <paramref name="shape"/> (stored as an int64 initializer; −1 infers one dimension, 0 copies it).</summary>
    public string Reshape(string x, long[] shape, string? output = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        output ??= $"Reshape_{_nodeCount}";
        string target = AddInt64Initializer($"{output}_shape", [shape.Length], shape);
        return AddNode("Reshape", [In(x), target], output, OnnxAttribute.Int("allowzero", 0));
    }

    /// <summary>Flatten to 2-D: dimensions before <paramref name="axis"/> become rows, the rest columns.</summary>
    public string Flatten(string x, int axis = 1, string? output = null) =>
        AddNode("Flatten", [In(x)], output, OnnxAttribute.Int("axis", axis));

    /// <summary>BatchNormalization in inference mode: scale·(x − mean)/√(var + epsilon) + bias, per channel (axis 1).</summary>
    public string BatchNormalization(string x, string scale, string bias, string mean, string variance,
        float epsilon = 1e-5f, string? output = null) =>
        AddNode("BatchNormalization", [In(x), In(scale), In(bias), In(mean), In(variance)], output,
            OnnxAttribute.Float("epsilon", epsilon));

    /// <summary>Transpose: output axis i is input axis perm[i].</summary>
    public string Transpose(string x, long[] perm, string? output = null)
    {
        ArgumentNullException.ThrowIfNull(perm);
        return AddNode("Transpose", [In(x)], output, OnnxAttribute.Ints("perm", perm));
    }

    /// <summary>Gather along axis 0: rows of <paramref name="table"/> picked by the integer <paramref name="indices"/> (an embedding lookup).</summary>
    public string Gather(string table, string indices, string? output = null) =>
        AddNode("Gather", [In(table), In(indices)], output, OnnxAttribute.Int("axis", 0));

    /// <summary>
    /// LSTM over time-major X (T, N, I) with W (D, 4H, I), R (D, 4H, H) and B (D, 8H), gates in ONNX's order
    /// i, o, f, c; <paramref name="sequenceLengths"/> (int32, N) or "" for full length. Returns (Y (T, D, N, H),
    /// Y_h (D, N, H)); the final cell state is not an output.
    /// </summary>
    public (string Y, string YH) Lstm(string x, string w, string r, string b, string sequenceLengths, int hiddenSize,
        bool bidirectional)
    {
        string y = $"LSTM_{_nodeCount}_Y", yh = $"LSTM_{_nodeCount}_Y_h";
        AddNode("LSTM", [In(x), In(w), In(r), In(b), In(sequenceLengths)], [y, yh],
            OnnxAttribute.Int("hidden_size", hiddenSize),
            OnnxAttribute.String("direction", bidirectional ? "bidirectional" : "forward"));
        return (y, yh);
    }

    /// <summary>An input name, checked for null against the public parameter it came from.</summary>
    private static string In(string name, [CallerArgumentExpression(nameof(name))] string? parameter = null)
    {
        ArgumentNullException.ThrowIfNull(name, parameter);
        return name;
    }
}
