namespace Engine.Kernels;

// Legend: N = batch, C = channels, H/W = input size, s = integer scale factor, output (N, C, H·s, W·s).
// Nearest neighbour: output[n, c, y, x] = input[n, c, y / s, x / s], so each input pixel becomes an s×s block,
// and its gradient is the sum of the gradients of that block.

/// <summary>Nearest-neighbour 2-D upsampling by an integer factor on NCHW float tensors, forward and backward.</summary>
public static class Upsample2DKernel
{
    /// <summary>Copies each input pixel into an s×s block of the output (overwrites output).</summary>
    /// <param name="input">(N, C, H, W).</param>
    /// <param name="n">Batch size.</param>
    /// <param name="c">Channels.</param>
    /// <param name="h">Input height.</param>
    /// <param name="w">Input width.</param>
    /// <param name="scale">Integer scale factor, at least 1.</param>
    /// <param name="output">(N, C, H·scale, W·scale).</param>
    /// <exception cref="ArgumentException">A size is out of range or a span length does not match.</exception>
    public static unsafe void Forward(ReadOnlySpan<float> input, int n, int c, int h, int w, int scale,
        Span<float> output)
    {
        Validate("Upsample2DKernel.Forward", input.Length, n, c, h, w, scale, output.Length, "input", "output");
        int ow = w * scale;
        fixed (float* inPtr = input, outPtr = output)
        {
            nint inAddr = (nint)inPtr, outAddr = (nint)outPtr;
            ParallelRange.For(n * c, plane =>
            {
                float* src = (float*)inAddr + (long)plane * h * w;
                float* dst = (float*)outAddr + (long)plane * h * w * scale * scale;
                for (int y = 0; y < h; y++)
                {
                    // Widen one input row into the first of its s output rows, then copy that row s − 1 times.
                    var first = new Span<float>(dst + (long)y * scale * ow, ow);
                    for (int x = 0; x < w; x++)
                        first.Slice(x * scale, scale).Fill(src[y * w + x]);
                    for (int r = 1; r < scale; r++)
                        first.CopyTo(new Span<float>(dst + ((long)y * scale + r) * ow, ow));
                }
            });
        }
    }

    /// <summary>The scalar reference of <see cref="Forward"/>: one loop over output pixels.</summary>
    /// <inheritdoc cref="Forward"/>
    public static void ForwardReference(ReadOnlySpan<float> input, int n, int c, int h, int w, int scale,
        Span<float> output)
    {
        Validate("Upsample2DKernel.ForwardReference", input.Length, n, c, h, w, scale, output.Length, "input", "output");
        int oh = h * scale, ow = w * scale;
        for (int plane = 0; plane < n * c; plane++)
        for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
            output[(plane * oh + y) * ow + x] = input[(plane * h + y / scale) * w + x / scale];
    }

    /// <summary>
    /// Sums each s×s block of the output gradient into its input pixel:
    /// <c>gradInput[n, c, y, x] += Σ_{i, j &lt; s} gradOutput[n, c, y·s + i, x·s + j]</c>. Accumulates (+=).
    /// </summary>
    /// <param name="gradOutput">(N, C, H·scale, W·scale).</param>
    /// <param name="n">Batch size.</param>
    /// <param name="c">Channels.</param>
    /// <param name="h">Input height.</param>
    /// <param name="w">Input width.</param>
    /// <param name="scale">Integer scale factor used in the forward pass.</param>
    /// <param name="gradInput">(N, C, H, W); accumulated into.</param>
    /// <exception cref="ArgumentException">A size is out of range or a span length does not match.</exception>
    public static unsafe void Backward(ReadOnlySpan<float> gradOutput, int n, int c, int h, int w, int scale,
        Span<float> gradInput)
    {
        Validate("Upsample2DKernel.Backward", gradInput.Length, n, c, h, w, scale, gradOutput.Length, "gradInput",
            "gradOutput");
        int ow = w * scale;
        fixed (float* gradOutPtr = gradOutput, gradInPtr = gradInput)
        {
            nint gradOutAddr = (nint)gradOutPtr, gradInAddr = (nint)gradInPtr;
            ParallelRange.For(n * c, plane =>
            {
                float* g = (float*)gradOutAddr + (long)plane * h * w * scale * scale;
                float* dst = (float*)gradInAddr + (long)plane * h * w;
                for (int y = 0; y < h; y++)
                {
                    // Sum the s×s block row by row, then add it once.
                    float* block = g + (long)y * scale * ow;
                    for (int x = 0; x < w; x++)
                    {
                        float sum = 0;
                        for (int r = 0; r < scale; r++)
                        for (int j = 0; j < scale; j++)
                            sum += block[(long)r * ow + x * scale + j];
                        dst[y * w + x] += sum;
                    }
                }
            });
        }
    }

    /// <summary>The scalar reference of <see cref="Backward"/>: one loop over output pixels.</summary>
    /// <inheritdoc cref="Backward"/>
    public static void BackwardReference(ReadOnlySpan<float> gradOutput, int n, int c, int h, int w, int scale,
        Span<float> gradInput)
    {
        Validate("Upsample2DKernel.BackwardReference", gradInput.Length, n, c, h, w, scale, gradOutput.Length,
            "gradInput", "gradOutput");
        int oh = h * scale, ow = w * scale;
        for (int plane = 0; plane < n * c; plane++)
        for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
            gradInput[(plane * h + y / scale) * w + x / scale] += gradOutput[(plane * oh + y) * ow + x];
    }

    private static void Validate(string op, int smallLength, int n, int c, int h, int w, int scale, int largeLength,
        string smallName, string largeName)
    {
        string shape = $"input ({n}, {c}, {h}, {w}), scale {scale}";
        if (n < 1 || c < 1 || h < 1 || w < 1 || scale < 1)
            throw new ArgumentException($"{op}: sizes and scale must be at least 1, got {shape}.");
        if ((long)n * c * h * scale * w * scale > int.MaxValue)
            throw new ArgumentException($"{op}: the output is too large, got {shape}.");
        ConvChecks.CheckLength(op, smallName, smallLength, n * c * h * w, shape);
        ConvChecks.CheckLength(op, largeName, largeLength, n * c * h * w * scale * scale, shape);
    }
}
