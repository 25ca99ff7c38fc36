namespace Engine.Kernels;

// Legend: N = batch, C = input channels, H/W = input size, OC = output channels, KH/KW = kernel size,
// OH/OW = output size, P = OH·OW output pixels per channel, K = C·KH·KW taps per filter, s = stride, p = padding.
// output[n, oc, y, x] = bias[oc] + Σ_{c, kh, kw} weight[oc, c, kh, kw] · input[n, c, y·s − p + kh, x·s − p + kw]
// (terms that fall in the zero padding are skipped).
//
// The fast paths (ConvGemm picks one) are an implicit GEMM over zero-padded images (ConvImplicit) and im2col + GEMM;
// the References are direct loops and the tests' oracle.

/// <summary>
/// 2-D convolution (cross-correlation, as in PyTorch) on NCHW float tensors, forward and backward.
/// Shapes are described by <see cref="Conv2DShape"/>.
/// </summary>
public static class Conv2DKernel
{
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
        ConvChecks.Forward("Conv2DKernel.Forward", input, weight, bias, shape, output);
        ConvGemm.Forward(input, weight, bias, shape, output, accumulate: false);
    }

    /// <summary>The scalar reference of <see cref="Forward"/>: direct loops, summed in double.</summary>
    /// <inheritdoc cref="Forward"/>
    public static void ForwardReference(ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, in Conv2DShape shape, Span<float> output)
    {
        ConvChecks.Forward("Conv2DKernel.ForwardReference", input, weight, bias, shape, output);
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
        ConvChecks.BackwardInput("Conv2DKernel.BackwardInput", gradOutput, weight, shape, gradInput);
        ConvGemm.BackwardInput(gradOutput, weight, shape, gradInput);
    }

    /// <summary>The scalar reference of <see cref="BackwardInput"/> (gathers per input pixel, in double).</summary>
    /// <inheritdoc cref="BackwardInput"/>
    public static void BackwardInputReference(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight,
        in Conv2DShape shape, Span<float> gradInput)
    {
        ConvChecks.BackwardInput("Conv2DKernel.BackwardInputReference", gradOutput, weight, shape, gradInput);
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
        ConvChecks.BackwardWeight("Conv2DKernel.BackwardWeight", input, gradOutput, shape, gradWeight);
        ConvGemm.BackwardWeight(input, gradOutput, shape, gradWeight);
    }

    /// <summary>The scalar reference of <see cref="BackwardWeight"/> (direct loops, in double).</summary>
    /// <inheritdoc cref="BackwardWeight"/>
    public static void BackwardWeightReference(ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        in Conv2DShape shape, Span<float> gradWeight)
    {
        ConvChecks.BackwardWeight("Conv2DKernel.BackwardWeightReference", input, gradOutput, shape, gradWeight);
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
    /// <see cref="BackwardInput"/> and <see cref="BackwardWeight"/> in one pass over the batch (the same results, bit
    /// for bit), sharing the gathered gradOutput and the column buffer. Accumulates (+=); an empty gradient span is
    /// skipped.
    /// </summary>
    /// <param name="input">(N, C, H, W); may be empty when gradWeight is.</param>
    /// <param name="gradOutput">(N, OC, OH, OW).</param>
    /// <param name="weight">(OC, C, KH, KW); may be empty when gradInput is.</param>
    /// <param name="shape">The sizes.</param>
    /// <param name="gradInput">(N, C, H, W), accumulated into; or empty.</param>
    /// <param name="gradWeight">(OC, C, KH, KW), accumulated into; or empty.</param>
    /// <exception cref="ArgumentException">The shape is invalid or a span length does not match it.</exception>
    public static void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight,
        in Conv2DShape shape, Span<float> gradInput, Span<float> gradWeight)
    {
        if (!gradInput.IsEmpty)
            ConvChecks.BackwardInput("Conv2DKernel.Backward", gradOutput, weight, shape, gradInput);
        if (!gradWeight.IsEmpty)
            ConvChecks.BackwardWeight("Conv2DKernel.Backward", input, gradOutput, shape, gradWeight);
        ConvGemm.Backward(input, gradOutput, weight, shape, gradInput, gradWeight);
    }

    /// <summary>The scalar reference of <see cref="Backward"/>: the two references, one after the other.</summary>
    /// <inheritdoc cref="Backward"/>
    public static void BackwardReference(ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        ReadOnlySpan<float> weight, in Conv2DShape shape, Span<float> gradInput, Span<float> gradWeight)
    {
        if (!gradInput.IsEmpty)
            BackwardInputReference(gradOutput, weight, shape, gradInput);
        if (!gradWeight.IsEmpty)
            BackwardWeightReference(input, gradOutput, shape, gradWeight);
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
        ConvChecks.BackwardBias("Conv2DKernel.BackwardBias", gradOutput, shape, gradBias);
        ConvGemm.SumPlanes(gradOutput, shape.N, shape.OC, shape.OH * shape.OW, gradBias);
    }

    /// <summary>The scalar reference of <see cref="BackwardBias"/> (in double).</summary>
    /// <inheritdoc cref="BackwardBias"/>
    public static void BackwardBiasReference(ReadOnlySpan<float> gradOutput, in Conv2DShape shape,
        Span<float> gradBias)
    {
        ConvChecks.BackwardBias("Conv2DKernel.BackwardBiasReference", gradOutput, shape, gradBias);
        ConvGemm.SumPlanesReference(gradOutput, shape.N, shape.OC, shape.OH * shape.OW, gradBias);
    }
}
