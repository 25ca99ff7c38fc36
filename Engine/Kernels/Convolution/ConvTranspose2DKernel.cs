using System.Numerics.Tensors;

namespace Engine.Kernels;

// Legend: N = batch, C = input channels, H/W = input size, OC = output channels, KH/KW = kernel size,
// OH/OW = output size, s = stride, p = padding.
// output[n, oc, y·s − p + kh, x·s − p + kw] += input[n, c, y, x] · weight[c, oc, kh, kw]  (then + bias[oc]),
// dropping positions outside [0, OH) × [0, OW).
//
// Every kernel here is a Conv2D kernel with the roles swapped. Let conv be ToConv(): the convolution from
// (N, OC, OH, OW) to (N, C, H, W) with the same weight tensor. Then
//   ConvTranspose2DKernel.Forward        = conv.BackwardInput(gradOutput: input)     (+ bias)
//   ConvTranspose2DKernel.BackwardInput  = conv.Forward(input: gradOutput)           (without bias)
//   ConvTranspose2DKernel.BackwardWeight = conv.BackwardWeight(input: gradOutput, gradOutput: input)
//   ConvTranspose2DKernel.BackwardBias   = per-channel sum of gradOutput
// so the fast path inherits Conv2D's im2col + GEMM and its thread-count independence.

/// <summary>
/// 2-D transposed convolution ("deconvolution", the decoder's learned upsampling) on NCHW float tensors,
/// forward and backward, with PyTorch's <c>conv_transpose2d</c> semantics and weight layout (C, OC, KH, KW).
/// </summary>
public static class ConvTranspose2DKernel
{
    /// <summary>Computes <c>output = convᵀ(input, weight) + bias</c> (overwrites output).</summary>
    /// <param name="input">(N, C, H, W).</param>
    /// <param name="weight">(C, OC, KH, KW).</param>
    /// <param name="bias">(OC), or empty for no bias.</param>
    /// <param name="shape">The sizes.</param>
    /// <param name="output">(N, OC, OH, OW).</param>
    /// <exception cref="ArgumentException">The shape is invalid or a span length does not match it.</exception>
    public static void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        in ConvTranspose2DShape shape, Span<float> output)
    {
        ConvChecks.Forward("ConvTranspose2DKernel.Forward", input, weight, bias, shape, output);
        // Start from the bias (or zero) and let the convolution's input gradient accumulate on top.
        int plane = shape.OH * shape.OW;
        for (int n = 0; n < shape.N; n++)
        for (int oc = 0; oc < shape.OC; oc++)
            output.Slice((n * shape.OC + oc) * plane, plane).Fill(bias.IsEmpty ? 0f : bias[oc]);
        ConvGemm.BackwardInput(input, weight, shape.ToConv(), output);
    }

    /// <summary>The scalar reference of <see cref="Forward"/>: direct scatter loops, summed in double.</summary>
    /// <inheritdoc cref="Forward"/>
    public static void ForwardReference(ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, in ConvTranspose2DShape shape, Span<float> output)
    {
        ConvChecks.Forward("ConvTranspose2DKernel.ForwardReference", input, weight, bias, shape, output);
        ConvTranspose2DShape s = shape;
        int oh = s.OH, ow = s.OW;
        var sums = new double[s.OutputLength];
        for (int n = 0; n < s.N; n++)
        for (int c = 0; c < s.C; c++)
        for (int y = 0; y < s.H; y++)
        for (int x = 0; x < s.W; x++)
        {
            double v = input[((n * s.C + c) * s.H + y) * s.W + x];
            for (int oc = 0; oc < s.OC; oc++)
            for (int kh = 0; kh < s.KH; kh++)
            for (int kw = 0; kw < s.KW; kw++)
            {
                int oy = y * s.Stride - s.Padding + kh, ox = x * s.Stride - s.Padding + kw;
                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow)
                    continue;
                sums[((n * s.OC + oc) * oh + oy) * ow + ox] += v * weight[((c * s.OC + oc) * s.KH + kh) * s.KW + kw];
            }
        }
        for (int i = 0; i < sums.Length; i++)
        {
            int oc = i / (oh * ow) % s.OC;
            output[i] = (float)(sums[i] + (bias.IsEmpty ? 0 : bias[oc]));
        }
    }

    /// <summary>
    /// Gradient with respect to the input:
    /// <c>gradInput[n, c, y, x] += Σ_{oc, kh, kw} weight[c, oc, kh, kw] · gradOutput[n, oc, y·s − p + kh, x·s − p + kw]</c>
    /// (a plain convolution of gradOutput). Accumulates (+=).
    /// </summary>
    /// <param name="gradOutput">(N, OC, OH, OW).</param>
    /// <param name="weight">(C, OC, KH, KW).</param>
    /// <param name="shape">The sizes.</param>
    /// <param name="gradInput">(N, C, H, W); accumulated into.</param>
    /// <exception cref="ArgumentException">The shape is invalid or a span length does not match it.</exception>
    public static void BackwardInput(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight,
        in ConvTranspose2DShape shape, Span<float> gradInput)
    {
        ConvChecks.BackwardInput("ConvTranspose2DKernel.BackwardInput", gradOutput, weight, shape, gradInput);
        ConvGemm.Forward(gradOutput, weight, [], shape.ToConv(), gradInput, accumulate: true);
    }

    /// <summary>The scalar reference of <see cref="BackwardInput"/> (direct loops, in double).</summary>
    /// <inheritdoc cref="BackwardInput"/>
    public static void BackwardInputReference(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight,
        in ConvTranspose2DShape shape, Span<float> gradInput)
    {
        ConvChecks.BackwardInput("ConvTranspose2DKernel.BackwardInputReference", gradOutput, weight, shape, gradInput);
        ConvTranspose2DShape s = shape;
        int oh = s.OH, ow = s.OW;
        for (int n = 0; n < s.N; n++)
        for (int c = 0; c < s.C; c++)
        for (int y = 0; y < s.H; y++)
        for (int x = 0; x < s.W; x++)
        {
            double sum = 0;
            for (int oc = 0; oc < s.OC; oc++)
            for (int kh = 0; kh < s.KH; kh++)
            for (int kw = 0; kw < s.KW; kw++)
            {
                int oy = y * s.Stride - s.Padding + kh, ox = x * s.Stride - s.Padding + kw;
                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow)
                    continue;
                sum += (double)weight[((c * s.OC + oc) * s.KH + kh) * s.KW + kw] *
                       gradOutput[((n * s.OC + oc) * oh + oy) * ow + ox];
            }
            gradInput[((n * s.C + c) * s.H + y) * s.W + x] += (float)sum;
        }
    }

    /// <summary>
    /// Gradient with respect to the weight:
    /// <c>gradWeight[c, oc, kh, kw] += Σ_{n, y, x} input[n, c, y, x] · gradOutput[n, oc, y·s − p + kh, x·s − p + kw]</c>.
    /// Accumulates (+=).
    /// </summary>
    /// <param name="input">(N, C, H, W).</param>
    /// <param name="gradOutput">(N, OC, OH, OW).</param>
    /// <param name="shape">The sizes.</param>
    /// <param name="gradWeight">(C, OC, KH, KW); accumulated into.</param>
    /// <exception cref="ArgumentException">The shape is invalid or a span length does not match it.</exception>
    public static void BackwardWeight(ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        in ConvTranspose2DShape shape, Span<float> gradWeight)
    {
        ConvChecks.BackwardWeight("ConvTranspose2DKernel.BackwardWeight", input, gradOutput, shape, gradWeight);
        ConvGemm.BackwardWeight(gradOutput, input, shape.ToConv(), gradWeight);
    }

    /// <summary>The scalar reference of <see cref="BackwardWeight"/> (direct loops, in double).</summary>
    /// <inheritdoc cref="BackwardWeight"/>
    public static void BackwardWeightReference(ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        in ConvTranspose2DShape shape, Span<float> gradWeight)
    {
        ConvChecks.BackwardWeight("ConvTranspose2DKernel.BackwardWeightReference", input, gradOutput, shape, gradWeight);
        ConvTranspose2DShape s = shape;
        int oh = s.OH, ow = s.OW;
        for (int c = 0; c < s.C; c++)
        for (int oc = 0; oc < s.OC; oc++)
        for (int kh = 0; kh < s.KH; kh++)
        for (int kw = 0; kw < s.KW; kw++)
        {
            double sum = 0;
            for (int n = 0; n < s.N; n++)
            for (int y = 0; y < s.H; y++)
            for (int x = 0; x < s.W; x++)
            {
                int oy = y * s.Stride - s.Padding + kh, ox = x * s.Stride - s.Padding + kw;
                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow)
                    continue;
                sum += (double)input[((n * s.C + c) * s.H + y) * s.W + x] *
                       gradOutput[((n * s.OC + oc) * oh + oy) * ow + ox];
            }
            gradWeight[((c * s.OC + oc) * s.KH + kh) * s.KW + kw] += (float)sum;
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
    public static void BackwardBias(ReadOnlySpan<float> gradOutput, in ConvTranspose2DShape shape,
        Span<float> gradBias)
    {
        ConvChecks.BackwardBias("ConvTranspose2DKernel.BackwardBias", gradOutput, shape, gradBias);
        ConvGemm.SumPlanes(gradOutput, shape.N, shape.OC, shape.OH * shape.OW, gradBias);
    }

    /// <summary>The scalar reference of <see cref="BackwardBias"/> (in double).</summary>
    /// <inheritdoc cref="BackwardBias"/>
    public static void BackwardBiasReference(ReadOnlySpan<float> gradOutput, in ConvTranspose2DShape shape,
        Span<float> gradBias)
    {
        ConvChecks.BackwardBias("ConvTranspose2DKernel.BackwardBiasReference", gradOutput, shape, gradBias);
        ConvGemm.SumPlanesReference(gradOutput, shape.N, shape.OC, shape.OH * shape.OW, gradBias);
    }
}
