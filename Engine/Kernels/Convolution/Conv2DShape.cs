namespace Engine.Kernels;

/// <summary>
/// The sizes of one 2-D convolution in NCHW layout: input (N, C, H, W), weight (OC, C, KH, KW),
/// bias (OC), output (N, OC, OH, OW) with <c>OH = (H + 2·PadH − KH) / StrideH + 1</c> (floor division),
/// and likewise for OW. Padding is zeros on both sides.
/// </summary>
/// <param name="N">Batch size.</param>
/// <param name="C">Input channels.</param>
/// <param name="H">Input height.</param>
/// <param name="W">Input width.</param>
/// <param name="OC">Output channels.</param>
/// <param name="KH">Kernel height.</param>
/// <param name="KW">Kernel width.</param>
/// <param name="StrideH">Vertical stride (at least 1).</param>
/// <param name="StrideW">Horizontal stride (at least 1).</param>
/// <param name="PadH">Zero padding above and below.</param>
/// <param name="PadW">Zero padding left and right.</param>
public readonly record struct Conv2DShape(
    int N, int C, int H, int W, int OC, int KH, int KW, int StrideH, int StrideW, int PadH, int PadW) : IConvShape
{
    /// <summary>A convolution with the same stride and padding in both directions.</summary>
    public Conv2DShape(int n, int c, int h, int w, int oc, int kh, int kw, int stride, int padding)
        : this(n, c, h, w, oc, kh, kw, stride, stride, padding, padding)
    {
    }

    /// <summary>Output height, <c>(H + 2·PadH − KH) / StrideH + 1</c>.</summary>
    public int OH => (H + 2 * PadH - KH) / StrideH + 1;

    /// <summary>Output width, <c>(W + 2·PadW − KW) / StrideW + 1</c>.</summary>
    public int OW => (W + 2 * PadW - KW) / StrideW + 1;

    /// <summary>Rows of the im2col matrix: <c>C·KH·KW</c>, the length of one filter.</summary>
    public int ColumnRows => C * KH * KW;

    /// <summary>Elements of the input, <c>N·C·H·W</c>.</summary>
    public int InputLength => N * C * H * W;

    /// <summary>Elements of the weight, <c>OC·C·KH·KW</c>.</summary>
    public int WeightLength => OC * C * KH * KW;

    /// <summary>Elements of the output, <c>N·OC·OH·OW</c>.</summary>
    public int OutputLength => N * OC * OH * OW;

    /// <inheritdoc/>
    public override string ToString() =>
        $"input ({N}, {C}, {H}, {W}), weight ({OC}, {C}, {KH}, {KW}), stride ({StrideH}, {StrideW}), " +
        $"padding ({PadH}, {PadW})";

    /// <summary>Throws unless every size is usable and the output is at least 1×1.</summary>
    /// <param name="op">The operation name used in the message, e.g. <c>"Conv2DKernel.Forward"</c>.</param>
    /// <exception cref="ArgumentException">A size is out of range, or the kernel is larger than the padded input.</exception>
    public void Validate(string op)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (N < 1 || C < 1 || H < 1 || W < 1 || OC < 1 || KH < 1 || KW < 1)
            throw new ArgumentException($"{op}: sizes must be at least 1, got {this}.");
        if (StrideH < 1 || StrideW < 1)
            throw new ArgumentException($"{op}: stride must be at least 1, got {this}.");
        if (PadH < 0 || PadW < 0)
            throw new ArgumentException($"{op}: padding must not be negative, got {this}.");
        if (H + 2L * PadH < KH || W + 2L * PadW < KW)
            throw new ArgumentException($"{op}: the kernel is larger than the padded input, got {this}.");
        if ((long)N * C * H * W > int.MaxValue || (long)N * OC * OH * OW > int.MaxValue ||
            (long)OC * C * KH * KW > int.MaxValue || (long)C * KH * KW * OH * OW > int.MaxValue)
            throw new ArgumentException($"{op}: tensors larger than 2^31 elements are not supported, got {this}.");
    }
}
