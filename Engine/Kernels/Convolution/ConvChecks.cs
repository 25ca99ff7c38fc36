namespace Engine.Kernels;

/// <summary>The sizes every convolution shape exposes, so one set of argument checks serves both kinds.</summary>
internal interface IConvShape
{
    /// <summary>Output channels (the bias length).</summary>
    int OC { get; }

    /// <summary>Elements of the input.</summary>
    int InputLength { get; }

    /// <summary>Elements of the weight.</summary>
    int WeightLength { get; }

    /// <summary>Elements of the output.</summary>
    int OutputLength { get; }

    /// <summary>Throws unless every size is usable.</summary>
    void Validate(string op);
}

/// <summary>
/// Argument checks of the convolution kernels (<see cref="Conv2DKernel"/> and <see cref="ConvTranspose2DKernel"/>): the shape is
/// valid and every span has exactly the length the shape needs, or an ArgumentException names the op, the span and
/// the shape. Generic over the shape struct, so the call is not boxed.
/// </summary>
internal static class ConvChecks
{
    public static void Forward<TShape>(string op, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, in TShape s, Span<float> output) where TShape : struct, IConvShape
    {
        s.Validate(op);
        string shape = s.ToString()!;
        CheckLength(op, nameof(input), input.Length, s.InputLength, shape);
        CheckLength(op, nameof(weight), weight.Length, s.WeightLength, shape);
        if (!bias.IsEmpty)
            CheckLength(op, nameof(bias), bias.Length, s.OC, shape);
        CheckLength(op, nameof(output), output.Length, s.OutputLength, shape);
    }

    public static void BackwardInput<TShape>(string op, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight,
        in TShape s, Span<float> gradInput) where TShape : struct, IConvShape
    {
        s.Validate(op);
        string shape = s.ToString()!;
        CheckLength(op, nameof(gradOutput), gradOutput.Length, s.OutputLength, shape);
        CheckLength(op, nameof(weight), weight.Length, s.WeightLength, shape);
        CheckLength(op, nameof(gradInput), gradInput.Length, s.InputLength, shape);
    }

    public static void BackwardWeight<TShape>(string op, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        in TShape s, Span<float> gradWeight) where TShape : struct, IConvShape
    {
        s.Validate(op);
        string shape = s.ToString()!;
        CheckLength(op, nameof(input), input.Length, s.InputLength, shape);
        CheckLength(op, nameof(gradOutput), gradOutput.Length, s.OutputLength, shape);
        CheckLength(op, nameof(gradWeight), gradWeight.Length, s.WeightLength, shape);
    }

    public static void BackwardBias<TShape>(string op, ReadOnlySpan<float> gradOutput, in TShape s,
        Span<float> gradBias) where TShape : struct, IConvShape
    {
        s.Validate(op);
        string shape = s.ToString()!;
        CheckLength(op, nameof(gradOutput), gradOutput.Length, s.OutputLength, shape);
        CheckLength(op, nameof(gradBias), gradBias.Length, s.OC, shape);
    }

    /// <summary>Throws unless a span of <paramref name="actual"/> elements has exactly <paramref name="expected"/>.</summary>
    public static void CheckLength(string op, string name, int actual, int expected, string shape)
    {
        if (actual != expected)
            throw new ArgumentException($"{op}: {name} has {actual} elements, but {shape} needs {expected}.", name);
    }
}
