using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// Weight initialisers. fan_in is the number of inputs of one output unit (in_features, or C·KH·KW for a conv),
/// fan_out the number of outputs fed by one input unit. All take an explicit <see cref="Random"/>.
/// </summary>
public static class Init
{
    /// <summary>Uniform in ±<paramref name="bound"/>: PyTorch's default for Linear and Conv uses bound = 1/√fan_in.</summary>
    public static void Uniform(Tensor t, float bound, Random random)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(random);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = (random.NextSingle() * 2f - 1f) * bound;
    }

    /// <summary>Normal with mean 0 and the given standard deviation.</summary>
    public static void Normal(Tensor t, float std, Random random)
    {
        ArgumentNullException.ThrowIfNull(t);
        Tensor.FillNormal(random, t.Span, 0f, std);
    }

    /// <summary>Xavier/Glorot uniform: bound = gain·√(6 / (fan_in + fan_out)); keeps variance for tanh/sigmoid.</summary>
    public static void XavierUniform(Tensor t, int fanIn, int fanOut, Random random, float gain = 1f) =>
        Uniform(t, gain * MathF.Sqrt(6f / (fanIn + fanOut)), random);

    /// <summary>Xavier/Glorot normal: std = gain·√(2 / (fan_in + fan_out)).</summary>
    public static void XavierNormal(Tensor t, int fanIn, int fanOut, Random random, float gain = 1f) =>
        Normal(t, gain * MathF.Sqrt(2f / (fanIn + fanOut)), random);

    /// <summary>Kaiming/He uniform for ReLU: bound = √(6 / fan_in) (gain √2).</summary>
    public static void KaimingUniform(Tensor t, int fanIn, Random random) => Uniform(t, MathF.Sqrt(6f / fanIn), random);

    /// <summary>Kaiming/He normal for ReLU: std = √(2 / fan_in).</summary>
    public static void KaimingNormal(Tensor t, int fanIn, Random random) => Normal(t, MathF.Sqrt(2f / fanIn), random);
}
