using System.Numerics.Tensors;

namespace Engine.Kernels;

// Legend: N = batch, C = input channels, H/W = input size, OC = output channels, KH/KW = kernel size,
// OH/OW = output size, P = OH·OW output pixels per channel, K = C·KH·KW taps per filter, s = stride, p = padding.
// output[n, oc, y, x] = bias[oc] + Σ_{c, kh, kw} weight[oc, c, kh, kw] · input[n, c, y·s − p + kh, x·s − p + kw]
// (terms that fall in the zero padding are skipped).
//
// The fast path works on chunks of G whole images (G depends only on the shape, never on the thread count):
// im2col unfolds the chunk into columns (K, G·P), one GEMM does the arithmetic, and a scatter/gather moves
// between the GEMM's (OC, G·P) layout and NCHW. Every output element has one owner and a fixed summation order,
// so results are bitwise identical for any Parallelism.MaxThreads.

/// <summary>
/// 2-D convolution (cross-correlation, as in PyTorch) on NCHW float tensors, forward and backward.
/// Shapes are described by <see cref="Conv2DShape"/>.
/// </summary>
public static class Conv2D
{
    // Columns per GEMM call: at least ColumnTarget, so the GEMM runs at full speed, and more when the columns
    // are short (few channels), so that the chunk's column and product buffers hold about ChunkFloats floats.
    private const int ColumnTarget = 1024;
    private const int ChunkFloats = 1 << 18;

    /// <summary>Computes <c>output = conv(input, weight) + bias</c> (overwrites output).</summary>
    /// <param name="input">(N, C, H, W).</param>
    /// <param name="weight">(OC, C, KH, KW).</param>
    /// <param name="bias">(OC), or empty for no bias.</param>
    /// <param name="shape">The sizes.</param>
    /// <param name="output">(N, OC, OH, OW).</param>
    /// <exception cref="ArgumentException">The shape is invalid or a span length does not match it.</exception>
    public static void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        in Conv2DShape shape, Span<float> output)
    {
        ValidateForward("Conv2D.Forward", input, weight, bias, shape, output);
        ForwardCore(input, weight, bias, shape, output, accumulate: false);
    }

    /// <summary>The scalar reference of <see cref="Forward"/>: direct loops, summed in double.</summary>
    /// <inheritdoc cref="Forward"/>
    public static void ForwardReference(ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, in Conv2DShape shape, Span<float> output)
    {
        ValidateForward("Conv2D.ForwardReference", input, weight, bias, shape, output);
        Conv2DShape s = shape;
        for (int n = 0; n < s.N; n++)
        for (int oc = 0; oc < s.OC; oc++)
        for (int y = 0; y < s.OH; y++)
        for (int x = 0; x < s.OW; x++)
        {
            double sum = bias.IsEmpty ? 0 : bias[oc];
            for (int c = 0; c < s.C; c++)
            for (int kh = 0; kh < s.KH; kh++)
            for (int kw = 0; kw < s.KW; kw++)
            {
                int ih = y * s.StrideH - s.PadH + kh, iw = x * s.StrideW - s.PadW + kw;
                if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W)
                    continue;
                sum += (double)weight[((oc * s.C + c) * s.KH + kh) * s.KW + kw] *
                       input[((n * s.C + c) * s.H + ih) * s.W + iw];
            }
            output[((n * s.OC + oc) * s.OH + y) * s.OW + x] = (float)sum;
        }
    }

    /// <summary>
    /// Gradient with respect to the input: <c>gradInput += convᵀ(gradOutput, weight)</c>, i.e.
    /// <c>gradInput[n, c, ih, iw] += Σ weight[oc, c, kh, kw] · gradOutput[n, oc, y, x]</c> over all
    /// (oc, kh, kw, y, x) with <c>ih = y·s − p + kh</c>, <c>iw = x·s − p + kw</c>. Accumulates (+=).
    /// </summary>
    /// <param name="gradOutput">(N, OC, OH, OW).</param>
    /// <param name="weight">(OC, C, KH, KW).</param>
    /// <param name="shape">The sizes.</param>
    /// <param name="gradInput">(N, C, H, W); accumulated into.</param>
    /// <exception cref="ArgumentException">The shape is invalid or a span length does not match it.</exception>
    public static void BackwardInput(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight,
        in Conv2DShape shape, Span<float> gradInput)
    {
        ValidateBackwardInput("Conv2D.BackwardInput", gradOutput, weight, shape, gradInput);
        BackwardInputCore(gradOutput, weight, shape, gradInput);
    }

    /// <summary>The scalar reference of <see cref="BackwardInput"/> (gathers per input pixel, in double).</summary>
    /// <inheritdoc cref="BackwardInput"/>
    public static void BackwardInputReference(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight,
        in Conv2DShape shape, Span<float> gradInput)
    {
        ValidateBackwardInput("Conv2D.BackwardInputReference", gradOutput, weight, shape, gradInput);
        Conv2DShape s = shape;
        for (int n = 0; n < s.N; n++)
        for (int c = 0; c < s.C; c++)
        for (int ih = 0; ih < s.H; ih++)
        for (int iw = 0; iw < s.W; iw++)
        {
            double sum = 0;
            for (int oc = 0; oc < s.OC; oc++)
            for (int kh = 0; kh < s.KH; kh++)
            for (int kw = 0; kw < s.KW; kw++)
            {
                // Which output pixel (y, x) read input (ih, iw) through tap (kh, kw)?
                int ty = ih + s.PadH - kh, tx = iw + s.PadW - kw;
                if (ty < 0 || tx < 0 || ty % s.StrideH != 0 || tx % s.StrideW != 0)
                    continue;
                int y = ty / s.StrideH, x = tx / s.StrideW;
                if (y >= s.OH || x >= s.OW)
                    continue;
                sum += (double)weight[((oc * s.C + c) * s.KH + kh) * s.KW + kw] *
                       gradOutput[((n * s.OC + oc) * s.OH + y) * s.OW + x];
            }
            gradInput[((n * s.C + c) * s.H + ih) * s.W + iw] += (float)sum;
        }
    }

    /// <summary>
    /// Gradient with respect to the weight:
    /// <c>gradWeight[oc, c, kh, kw] += Σ_{n, y, x} gradOutput[n, oc, y, x] · input[n, c, y·s − p + kh, x·s − p + kw]</c>.
    /// Accumulates (+=).
    /// </summary>
    /// <param name="input">(N, C, H, W).</param>
    /// <param name="gradOutput">(N, OC, OH, OW).</param>
    /// <param name="shape">The sizes.</param>
    /// <param name="gradWeight">(OC, C, KH, KW); accumulated into.</param>
    /// <exception cref="ArgumentException">The shape is invalid or a span length does not match it.</exception>
    public static void BackwardWeight(ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        in Conv2DShape shape, Span<float> gradWeight)
    {
        ValidateBackwardWeight("Conv2D.BackwardWeight", input, gradOutput, shape, gradWeight);
        BackwardWeightCore(input, gradOutput, shape, gradWeight);
    }

    /// <summary>The scalar reference of <see cref="BackwardWeight"/> (direct loops, in double).</summary>
    /// <inheritdoc cref="BackwardWeight"/>
    public static void BackwardWeightReference(ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        in Conv2DShape shape, Span<float> gradWeight)
    {
        ValidateBackwardWeight("Conv2D.BackwardWeightReference", input, gradOutput, shape, gradWeight);
        Conv2DShape s = shape;
        for (int oc = 0; oc < s.OC; oc++)
        for (int c = 0; c < s.C; c++)
        for (int kh = 0; kh < s.KH; kh++)
        for (int kw = 0; kw < s.KW; kw++)
        {
            double sum = 0;
            for (int n = 0; n < s.N; n++)
            for (int y = 0; y < s.OH; y++)
            for (int x = 0; x < s.OW; x++)
            {
                int ih = y * s.StrideH - s.PadH + kh, iw = x * s.StrideW - s.PadW + kw;
                if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W)
                    continue;
                sum += (double)gradOutput[((n * s.OC + oc) * s.OH + y) * s.OW + x] *
                       input[((n * s.C + c) * s.H + ih) * s.W + iw];
            }
            gradWeight[((oc * s.C + c) * s.KH + kh) * s.KW + kw] += (float)sum;
        }
    }

    /// <summary>
    /// Gradient with respect to the bias: <c>gradBias[oc] += Σ_{n, y, x} gradOutput[n, oc, y, x]</c>.
    /// Accumulates (+=).
    /// </summary>
    /// <param name="gradOutput">(N, OC, OH, OW).</param>
    /// <param name="shape">The sizes.</param>
    /// <param name="gradBias">(OC); accumulated into.</param>
    /// <exception cref="ArgumentException">The shape is invalid or a span length does not match it.</exception>
    public static void BackwardBias(ReadOnlySpan<float> gradOutput, in Conv2DShape shape, Span<float> gradBias)
    {
        ValidateBackwardBias("Conv2D.BackwardBias", gradOutput, shape, gradBias);
        SumPlanes(gradOutput, shape.N, shape.OC, shape.OH * shape.OW, gradBias);
    }

    /// <summary>The scalar reference of <see cref="BackwardBias"/> (in double).</summary>
    /// <inheritdoc cref="BackwardBias"/>
    public static void BackwardBiasReference(ReadOnlySpan<float> gradOutput, in Conv2DShape shape,
        Span<float> gradBias)
    {
        ValidateBackwardBias("Conv2D.BackwardBiasReference", gradOutput, shape, gradBias);
        int plane = shape.OH * shape.OW;
        for (int oc = 0; oc < shape.OC; oc++)
        {
            double sum = 0;
            for (int n = 0; n < shape.N; n++)
            for (int i = 0; i < plane; i++)
                sum += gradOutput[(n * shape.OC + oc) * plane + i];
            gradBias[oc] += (float)sum;
        }
    }

    // ---- Fast path: im2col + GEMM over chunks of whole images. ----

    // Images per chunk: a function of the shape only, so chunk boundaries (and with them the order in which
    // BackwardWeight adds partial products) never depend on the thread count.
    private static int ImagesPerChunk(in Conv2DShape s) =>
        Math.Clamp(Math.Max(ColumnTarget, ChunkFloats / (s.ColumnRows + s.OC)) / (s.OH * s.OW), 1, s.N);

    // output (N, OC, OH, OW) = or += weight · im2col(input) [+ bias]
    internal static unsafe void ForwardCore(ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, in Conv2DShape shape, Span<float> output, bool accumulate)
    {
        Conv2DShape s = shape;
        int p = s.OH * s.OW, k = s.ColumnRows, g = ImagesPerChunk(s);
        float[] columns = Scratch.Rent(k * g * p);
        float[] product = Scratch.Rent(s.OC * g * p);
        try
        {
            fixed (float* inPtr = input, outPtr = output, biasPtr = bias)
            {
                nint inAddr = (nint)inPtr, outAddr = (nint)outPtr, biasAddr = (nint)biasPtr;
                bool hasBias = !bias.IsEmpty;
                for (int n0 = 0; n0 < s.N; n0 += g)
                {
                    int count = Math.Min(g, s.N - n0), width = count * p, first = n0;
                    ParallelRange.For(count, i => Im2Col.ImageToColumns(
                        Image(inAddr, first + i, s.C * s.H * s.W), s, width, i * p, columns));
                    Gemm.Multiply(weight, columns.AsSpan(0, k * width), s.OC, k, width, product.AsSpan(0, s.OC * width));

                    // Scatter the (OC, count·P) product into NCHW, adding the bias on the way.
                    ParallelRange.For(count, i =>
                    {
                        Span<float> dst = Image(outAddr, first + i, s.OC * p);
                        for (int oc = 0; oc < s.OC; oc++)
                        {
                            ReadOnlySpan<float> src = product.AsSpan(oc * width + i * p, p);
                            Span<float> d = dst.Slice(oc * p, p);
                            if (accumulate)
                                TensorPrimitives.Add(d, src, d);
                            else if (hasBias)
                                TensorPrimitives.Add(src, ((float*)biasAddr)[oc], d);
                            else
                                src.CopyTo(d);
                        }
                    });
                }
            }
        }
        finally
        {
            Scratch.Return(product);
            Scratch.Return(columns);
        }
    }

    // gradInput (N, C, H, W) += col2im(weightᵀ · gradOutput)
    internal static unsafe void BackwardInputCore(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight,
        in Conv2DShape shape, Span<float> gradInput)
    {
        Conv2DShape s = shape;
        int p = s.OH * s.OW, k = s.ColumnRows, g = ImagesPerChunk(s);
        float[] gathered = Scratch.Rent(s.OC * g * p);
        float[] columns = Scratch.Rent(k * g * p);
        try
        {
            fixed (float* gradOutPtr = gradOutput, gradInPtr = gradInput)
            {
                nint gradOutAddr = (nint)gradOutPtr, gradInAddr = (nint)gradInPtr;
                for (int n0 = 0; n0 < s.N; n0 += g)
                {
                    int count = Math.Min(g, s.N - n0), width = count * p, first = n0;
                    Gather(gradOutAddr, first, count, s.OC, p, gathered);
                    Gemm.Multiply(weight, gathered.AsSpan(0, s.OC * width), k, s.OC, width,
                        columns.AsSpan(0, k * width), transposeA: true);
                    ParallelRange.For(count, i => Im2Col.ColumnsToImage(
                        columns, s, width, i * p, Image(gradInAddr, first + i, s.C * s.H * s.W)));
                }
            }
        }
        finally
        {
            Scratch.Return(columns);
            Scratch.Return(gathered);
        }
    }

    // gradWeight (OC, K) += gradOutput (OC, N·P) · im2col(input)ᵀ, chunk by chunk in batch order
    internal static unsafe void BackwardWeightCore(ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        in Conv2DShape shape, Span<float> gradWeight)
    {
        Conv2DShape s = shape;
        int p = s.OH * s.OW, k = s.ColumnRows, g = ImagesPerChunk(s);
        float[] gathered = Scratch.Rent(s.OC * g * p);
        float[] columns = Scratch.Rent(k * g * p);
        try
        {
            fixed (float* inPtr = input, gradOutPtr = gradOutput)
            {
                nint inAddr = (nint)inPtr, gradOutAddr = (nint)gradOutPtr;
                for (int n0 = 0; n0 < s.N; n0 += g)
                {
                    int count = Math.Min(g, s.N - n0), width = count * p, first = n0;
                    ParallelRange.For(count, i => Im2Col.ImageToColumns(
                        Image(inAddr, first + i, s.C * s.H * s.W), s, width, i * p, columns));
                    Gather(gradOutAddr, first, count, s.OC, p, gathered);
                    Gemm.Multiply(gathered.AsSpan(0, s.OC * width), columns.AsSpan(0, k * width), s.OC, width, k,
                        gradWeight, transposeB: true, accumulate: true);
                }
            }
        }
        finally
        {
            Scratch.Return(columns);
            Scratch.Return(gathered);
        }
    }

    // sums (N, channels, plane) over N and plane into sums (channels) +=; one owner per channel, batch order.
    internal static unsafe void SumPlanes(ReadOnlySpan<float> values, int n, int channels, int plane,
        Span<float> sums)
    {
        fixed (float* valuesPtr = values, sumsPtr = sums)
        {
            nint valuesAddr = (nint)valuesPtr, sumsAddr = (nint)sumsPtr;
            ParallelRange.For(channels, c =>
            {
                float sum = 0;
                for (int i = 0; i < n; i++)
                    sum += TensorPrimitives.Sum(new ReadOnlySpan<float>((float*)valuesAddr + ((long)i * channels + c) * plane, plane));
                ((float*)sumsAddr)[c] += sum;
            });
        }
    }

    // Copies images [first, first + count) of (N, channels, P) into a (channels, count·P) matrix.
    private static void Gather(nint source, int first, int count, int channels, int p, float[] destination)
    {
        int width = count * p;
        ParallelRange.For(count, i =>
        {
            ReadOnlySpan<float> src = Image(source, first + i, channels * p);
            for (int c = 0; c < channels; c++)
                src.Slice(c * p, p).CopyTo(destination.AsSpan(c * width + i * p, p));
        });
    }

    private static unsafe Span<float> Image(nint address, int index, int length) =>
        new((float*)address + (long)index * length, length);

    // ---- Argument checks, shared with ConvTranspose2D. ----

    private static void ValidateForward(string op, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, in Conv2DShape s, Span<float> output)
    {
        s.Validate(op);
        string shape = s.ToString();
        Conv2DShape.CheckLength(op, nameof(input), input.Length, s.InputLength, shape);
        Conv2DShape.CheckLength(op, nameof(weight), weight.Length, s.WeightLength, shape);
        if (!bias.IsEmpty)
            Conv2DShape.CheckLength(op, nameof(bias), bias.Length, s.OC, shape);
        Conv2DShape.CheckLength(op, nameof(output), output.Length, s.OutputLength, shape);
    }

    private static void ValidateBackwardInput(string op, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight,
        in Conv2DShape s, Span<float> gradInput)
    {
        s.Validate(op);
        string shape = s.ToString();
        Conv2DShape.CheckLength(op, nameof(gradOutput), gradOutput.Length, s.OutputLength, shape);
        Conv2DShape.CheckLength(op, nameof(weight), weight.Length, s.WeightLength, shape);
        Conv2DShape.CheckLength(op, nameof(gradInput), gradInput.Length, s.InputLength, shape);
    }

    private static void ValidateBackwardWeight(string op, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        in Conv2DShape s, Span<float> gradWeight)
    {
        s.Validate(op);
        string shape = s.ToString();
        Conv2DShape.CheckLength(op, nameof(input), input.Length, s.InputLength, shape);
        Conv2DShape.CheckLength(op, nameof(gradOutput), gradOutput.Length, s.OutputLength, shape);
        Conv2DShape.CheckLength(op, nameof(gradWeight), gradWeight.Length, s.WeightLength, shape);
    }

    private static void ValidateBackwardBias(string op, ReadOnlySpan<float> gradOutput, in Conv2DShape s,
        Span<float> gradBias)
    {
        s.Validate(op);
        string shape = s.ToString();
        Conv2DShape.CheckLength(op, nameof(gradOutput), gradOutput.Length, s.OutputLength, shape);
        Conv2DShape.CheckLength(op, nameof(gradBias), gradBias.Length, s.OC, shape);
    }
}
