namespace Engine.Kernels;

// Legend: N = batch, C = channels, H/W = input size, k = window size, s = stride, p = padding, OH/OW = output size.
// output[n, c, y, x] = max over the window rows [y·s − p, y·s − p + k) × columns [x·s − p, x·s − p + k),
// clipped to the image (padding never wins, as in PyTorch, where padding counts as −∞).
// OH = (H + 2p − k) / s + 1 (floor), and likewise for OW.

/// <summary>
/// 2-D max pooling on NCHW float tensors. Forward records where each maximum came from (the argmax cache);
/// backward routes each output gradient to that one input element.
/// </summary>
/// <remarks>
/// Ties go to the first maximum in row-major window order; a NaN in the window wins (PyTorch's rule), so NaNs
/// propagate instead of vanishing.
/// </remarks>
public static class MaxPool2DKernel
{
    /// <summary>Output size along one axis: <c>(size + 2·padding − kernel) / stride + 1</c>.</summary>
    public static int OutputSize(int size, int kernel, int stride, int padding) =>
        (size + 2 * padding - kernel) / stride + 1;

    /// <summary>Computes the window maxima and their positions (overwrites output and indices).</summary>
    /// <param name="input">(N, C, H, W).</param>
    /// <param name="n">Batch size.</param>
    /// <param name="c">Channels.</param>
    /// <param name="h">Input height.</param>
    /// <param name="w">Input width.</param>
    /// <param name="kernel">Window size (square), at least 1.</param>
    /// <param name="stride">Step between windows, at least 1.</param>
    /// <param name="padding">Implicit −∞ border, 0 ≤ padding ≤ kernel / 2.</param>
    /// <param name="output">(N, C, OH, OW).</param>
    /// <param name="indices">(N, C, OH, OW): for each output, the index <c>ih·W + iw</c> of its maximum inside its
    /// (H, W) input plane. Backward needs it.</param>
    /// <exception cref="ArgumentException">A size is out of range or a span length does not match.</exception>
    public static unsafe void Forward(ReadOnlySpan<float> input, int n, int c, int h, int w, int kernel, int stride,
        int padding, Span<float> output, Span<int> indices)
    {
        Validate("MaxPool2DKernel.Forward", input.Length, n, c, h, w, kernel, stride, padding, output.Length,
            indices.Length, "output");
        int oh = OutputSize(h, kernel, stride, padding), ow = OutputSize(w, kernel, stride, padding);
        fixed (float* inPtr = input, outPtr = output)
        fixed (int* idxPtr = indices)
        {
            nint inAddr = (nint)inPtr, outAddr = (nint)outPtr, idxAddr = (nint)idxPtr;
            ParallelRange.For(n * c, plane =>
            {
                float* src = (float*)inAddr + (long)plane * h * w;
                float* dst = (float*)outAddr + (long)plane * oh * ow;
                int* idx = (int*)idxAddr + (long)plane * oh * ow;
                for (int y = 0; y < oh; y++)
                {
                    // The window clipped to the image, so the inner loops need no bounds tests.
                    int y0 = Math.Max(y * stride - padding, 0), y1 = Math.Min(y * stride - padding + kernel, h);
                    for (int x = 0; x < ow; x++)
                    {
                        int x0 = Math.Max(x * stride - padding, 0), x1 = Math.Min(x * stride - padding + kernel, w);
                        int best = y0 * w + x0;
                        float max = src[best];
                        for (int iy = y0; iy < y1; iy++)
                        {
                            for (int ix = x0; ix < x1; ix++)
                            {
                                float v = src[iy * w + ix];
                                if (v > max || float.IsNaN(v))
                                {
                                    max = v;
                                    best = iy * w + ix;
                                }
                            }
                        }
                        dst[y * ow + x] = max;
                        idx[y * ow + x] = best;
                    }
                }
            });
        }
    }

    /// <summary>The scalar reference of <see cref="Forward"/>: window loops with per-element bounds tests.</summary>
    /// <inheritdoc cref="Forward"/>
    public static void ForwardReference(ReadOnlySpan<float> input, int n, int c, int h, int w, int kernel,
        int stride, int padding, Span<float> output, Span<int> indices)
    {
        Validate("MaxPool2DKernel.ForwardReference", input.Length, n, c, h, w, kernel, stride, padding, output.Length,
            indices.Length, "output");
        int oh = OutputSize(h, kernel, stride, padding), ow = OutputSize(w, kernel, stride, padding);
        for (int plane = 0; plane < n * c; plane++)
        for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
        {
            float max = float.NegativeInfinity;
            int best = -1;
            for (int ky = 0; ky < kernel; ky++)
            for (int kx = 0; kx < kernel; kx++)
            {
                int iy = y * stride - padding + ky, ix = x * stride - padding + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                    continue;
                float v = input[(plane * h + iy) * w + ix];
                if (best < 0 || v > max || float.IsNaN(v))
                {
                    max = v;
                    best = iy * w + ix;
                }
            }
            output[(plane * oh + y) * ow + x] = max;
            indices[(plane * oh + y) * ow + x] = best;
        }
    }

    /// <summary>
    /// Routes each output gradient to the input element that won its window:
    /// <c>gradInput[n, c, indices[n, c, y, x]] += gradOutput[n, c, y, x]</c>. Accumulates (+=).
    /// </summary>
    /// <param name="gradOutput">(N, C, OH, OW).</param>
    /// <param name="indices">The argmax cache written by <see cref="Forward"/>.</param>
    /// <param name="n">Batch size.</param>
    /// <param name="c">Channels.</param>
    /// <param name="h">Input height.</param>
    /// <param name="w">Input width.</param>
    /// <param name="kernel">Window size used in the forward pass.</param>
    /// <param name="stride">Stride used in the forward pass.</param>
    /// <param name="padding">Padding used in the forward pass.</param>
    /// <param name="gradInput">(N, C, H, W); accumulated into.</param>
    /// <exception cref="ArgumentException">A size is out of range, a span length does not match, or an index lies
    /// outside its plane.</exception>
    public static unsafe void Backward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<int> indices, int n, int c,
        int h, int w, int kernel, int stride, int padding, Span<float> gradInput)
    {
        Validate("MaxPool2DKernel.Backward", gradInput.Length, n, c, h, w, kernel, stride, padding, gradOutput.Length,
            indices.Length, "gradOutput");
        CheckIndices("MaxPool2DKernel.Backward", indices, h * w);
        int plane = OutputSize(h, kernel, stride, padding) * OutputSize(w, kernel, stride, padding);
        fixed (float* gradOutPtr = gradOutput, gradInPtr = gradInput)
        fixed (int* idxPtr = indices)
        {
            nint gradOutAddr = (nint)gradOutPtr, gradInAddr = (nint)gradInPtr, idxAddr = (nint)idxPtr;
            // One plane per work item: overlapping windows only ever collide inside a plane, in a fixed order.
            ParallelRange.For(n * c, p =>
            {
                float* g = (float*)gradOutAddr + (long)p * plane;
                int* idx = (int*)idxAddr + (long)p * plane;
                float* dst = (float*)gradInAddr + (long)p * h * w;
                for (int i = 0; i < plane; i++)
                    dst[idx[i]] += g[i];
            });
        }
    }

    /// <summary>The scalar reference of <see cref="Backward"/>.</summary>
    /// <inheritdoc cref="Backward"/>
    public static void BackwardReference(ReadOnlySpan<float> gradOutput, ReadOnlySpan<int> indices, int n, int c,
        int h, int w, int kernel, int stride, int padding, Span<float> gradInput)
    {
        Validate("MaxPool2DKernel.BackwardReference", gradInput.Length, n, c, h, w, kernel, stride, padding,
            gradOutput.Length, indices.Length, "gradOutput");
        CheckIndices("MaxPool2DKernel.BackwardReference", indices, h * w);
        int plane = OutputSize(h, kernel, stride, padding) * OutputSize(w, kernel, stride, padding);
        for (int i = 0; i < gradOutput.Length; i++)
            gradInput[i / plane * h * w + indices[i]] += gradOutput[i];
    }

    private static void Validate(string op, int inputLength, int n, int c, int h, int w, int kernel, int stride,
        int padding, int outputLength, int indicesLength, string outputName)
    {
        string shape = $"input ({n}, {c}, {h}, {w}), kernel {kernel}, stride {stride}, padding {padding}";
        if (n < 1 || c < 1 || h < 1 || w < 1 || kernel < 1 || stride < 1)
            throw new ArgumentException($"{op}: sizes, kernel and stride must be at least 1, got {shape}.");
        if (padding < 0 || padding > kernel / 2)
            throw new ArgumentException($"{op}: padding must be in [0, kernel / 2], got {shape}.");
        if (h + 2L * padding < kernel || w + 2L * padding < kernel)
            throw new ArgumentException($"{op}: the window is larger than the padded input, got {shape}.");
        long oh = OutputSize(h, kernel, stride, padding), ow = OutputSize(w, kernel, stride, padding);
        if ((long)n * c * h * w > int.MaxValue)
            throw new ArgumentException($"{op}: tensors larger than 2^31 elements are not supported, got {shape}.");
        string inputName = outputName == "output" ? "input" : "gradInput";
        ConvChecks.CheckLength(op, inputName, inputLength, n * c * h * w, shape);
        int outLength = (int)(n * c * oh * ow);
        ConvChecks.CheckLength(op, outputName, outputLength, outLength, shape);
        ConvChecks.CheckLength(op, "indices", indicesLength, outLength, shape);
    }

    private static void CheckIndices(string op, ReadOnlySpan<int> indices, int planeSize)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)planeSize)
                throw new ArgumentException(
                    $"{op}: indices[{i}] = {indices[i]} is outside the input plane of {planeSize} elements.",
                    nameof(indices));
        }
    }
}
