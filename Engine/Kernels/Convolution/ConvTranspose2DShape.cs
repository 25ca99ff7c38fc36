namespace Engine.Kernels;

/// <summary>
/// The sizes of one 2-D transposed convolution in NCHW layout, with PyTorch's semantics: input (N, C, H, W),
/// weight (C, OC, KH, KW), bias (OC), output (N, OC, OH, OW) with
/// <c>OH = (H − 1)·Stride − 2·Padding + KH + OutputPadding</c>, and likewise for OW.
/// </summary>
/// <remarks>
/// A transposed convolution is the input gradient of the ordinary convolution described by
/// <see cref="ToConv"/>: that convolution maps (N, OC, OH, OW) to (N, C, H, W) with the same weight tensor.
/// <c>OutputPadding</c> (less than the stride) picks which of the <c>Stride</c> input sizes that convolution
/// maps to H it means.
/// </remarks>
/// <param name="N">Batch size.</param>
/// <param name="C">Input channels.</param>
/// <param name="H">Input height.</param>
/// <param name="W">Input width.</param>
/// <param name="OC">Output channels.</param>
/// <param name="KH">Kernel height.</param>
/// <param name="KW">Kernel width.</param>
/// <param name="Stride">Stride in both directions (at least 1).</param>
/// <param name="Padding">Padding removed from each border of the full output (at least 0).</param>
/// <param name="OutputPadding">Extra rows/columns added at the bottom/right (0 ≤ OutputPadding &lt; Stride).</param>
public readonly record struct ConvTranspose2DShape(
    int N, int C, int H, int W, int OC, int KH, int KW, int Stride, int Padding, int OutputPadding) : IConvShape
{
    /// <summary>Output height, <c>(H − 1)·Stride − 2·Padding + KH + OutputPadding</c>.</summary>
    public int OH => (H - 1) * Stride - 2 * Padding + KH + OutputPadding;

    /// <summary>Output width, <c>(W − 1)·Stride − 2·Padding + KW + OutputPadding</c>.</summary>
    public int OW => (W - 1) * Stride - 2 * Padding + KW + OutputPadding;

    /// <summary>Elements of the input, <c>N·C·H·W</c>.</summary>
    public int InputLength => N * C * H * W;

    /// <summary>Elements of the weight, <c>C·OC·KH·KW</c>.</summary>
    public int WeightLength => C * OC * KH * KW;

    /// <summary>Elements of the output, <c>N·OC·OH·OW</c>.</summary>
    public int OutputLength => N * OC * OH * OW;

    /// <summary>
    /// The convolution whose input gradient this transposed convolution is: input (N, OC, OH, OW),
    /// weight (C, OC, KH, KW), output (N, C, H, W), same stride and padding.
    /// </summary>
    public Conv2DShape ToConv() => new(N, OC, OH, OW, C, KH, KW, Stride, Padding);

    /// <inheritdoc/>
    public override string ToString() =>
        $"input ({N}, {C}, {H}, {W}), weight ({C}, {OC}, {KH}, {KW}), stride {Stride}, padding {Padding}, " +
        $"output padding {OutputPadding}";

    /// <summary>Throws unless every size is usable and the output is at least 1×1.</summary>
    /// <param name="op">The operation name used in the message, e.g. <c>"ConvTranspose2DKernel.Forward"</c>.</param>
    /// <exception cref="ArgumentException">A size is out of range or the output would be empty.</exception>
    public void Validate(string op)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (N < 1 || C < 1 || H < 1 || W < 1 || OC < 1 || KH < 1 || KW < 1)
            throw new ArgumentException($"{op}: sizes must be at least 1, got {this}.");
        if (Stride < 1 || Padding < 0)
            throw new ArgumentException($"{op}: stride must be at least 1 and padding at least 0, got {this}.");
        if (OutputPadding < 0 || OutputPadding >= Stride)
            throw new ArgumentException($"{op}: output padding must be in [0, stride), got {this}.");
        long oh = (H - 1L) * Stride - 2L * Padding + KH + OutputPadding;
        long ow = (W - 1L) * Stride - 2L * Padding + KW + OutputPadding;
        if (oh < 1 || ow < 1)
            throw new ArgumentException($"{op}: the output would be empty ({oh} x {ow}), got {this}.");
        if (oh * ow * N * OC > int.MaxValue || (long)N * C * H * W > int.MaxValue)
            throw new ArgumentException($"{op}: tensors larger than 2^31 elements are not supported, got {this}.");
        ToConv().Validate(op);
    }
}
