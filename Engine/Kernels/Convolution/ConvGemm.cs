using System.Numerics.Tensors;

namespace Engine.Kernels;

// Legend: N = batch, C = input channels, OC = output channels, P = OH·OW output pixels, K = C·KH·KW taps.
// The dispatcher of Conv2DKernel and ConvTranspose2DKernel. On every SIMD path, shapes with enough channels (and, forward, enough
// taps) go to the implicit-GEMM kernels (ConvImplicit, ConvImplicitInput), which never write the im2col matrix; the
// rest (the 1-channel image layers, the scalar path) run the im2col + GEMM path below. It works on chunks of G whole images (G depends only on the shape,
// never on the thread count): im2col unfolds the chunk into columns (K, G·P), one GEMM does the arithmetic, and a
// scatter/gather moves between the GEMM's (OC, G·P) layout and NCHW. Every output element has one owner and a
// fixed summation order (BackwardWeight adds the chunks' products in batch order), so results are bitwise
// identical for any Parallelism.MaxThreads. Inputs are validated by the public callers.

/// <summary>im2col + GEMM convolution kernels (unvalidated; see <see cref="Conv2DKernel"/>).</summary>
internal static class ConvGemm
{
    // Columns per GEMM call: at least ColumnTarget, so the GEMM runs at full speed, and more when the columns
    // are short (few channels), so that the chunk's column and product buffers hold about ChunkFloats floats.
    private const int ColumnTarget = 1024;
    private const int ChunkFloats = 1 << 18;

    // Images per chunk: a function of the shape only, so chunk boundaries (and with them the order in which
    // BackwardWeight adds partial products) never depend on the thread count.
    private static int ImagesPerChunk(in Conv2DShape s) =>
        Math.Clamp(Math.Max(ColumnTarget, ChunkFloats / (s.ColumnRows + s.OC)) / (s.OH * s.OW), 1, s.N);

    // output (N, OC, OH, OW) = or += weight · im2col(input) [+ bias]
    public static unsafe void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, in Conv2DShape shape, Span<float> output, bool accumulate)
    {
        if (ConvImplicit.Applies(shape, forward: true))
        {
            ConvImplicit.Forward(input, weight, bias, shape, output, accumulate);
            return;
        }
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
    public static void BackwardInput(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight,
        in Conv2DShape shape, Span<float> gradInput) => Backward(default, gradOutput, weight, shape, gradInput, default);

    // gradWeight (OC, K) += gradOutput (OC, N·P) · im2col(input)ᵀ, chunk by chunk in batch order
    public static void BackwardWeight(ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        in Conv2DShape shape, Span<float> gradWeight) => Backward(input, gradOutput, default, shape, default, gradWeight);

    // Both gradients in one pass over the chunks, so each chunk of gradOutput is gathered once and the column buffer
    // is reused: first gradWeight += gathered · im2col(input)ᵀ, then columns = weightᵀ · gathered folded into
    // gradInput. Each gradient sees exactly the operations of its own kernel, so results are the same bits as
    // calling BackwardInput and BackwardWeight separately. An empty gradient span skips that gradient.
    public static unsafe void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        ReadOnlySpan<float> weight, in Conv2DShape shape, Span<float> gradInput, Span<float> gradWeight)
    {
        if (!gradWeight.IsEmpty && ConvImplicit.Applies(shape, forward: false))
        {
            ConvImplicit.BackwardWeight(input, gradOutput, shape, gradWeight);
            gradWeight = default;
        }
        if (!gradInput.IsEmpty && ConvImplicitInput.Applies(shape))
        {
            ConvImplicitInput.Backward(gradOutput, weight, shape, gradInput);
            gradInput = default;
        }
        Conv2DShape s = shape;
        int p = s.OH * s.OW, k = s.ColumnRows, g = ImagesPerChunk(s);
        bool wantInput = !gradInput.IsEmpty, wantWeight = !gradWeight.IsEmpty;
        if (!wantInput && !wantWeight)
            return;
        float[] gathered = Scratch.Rent(s.OC * g * p);
        float[] columns = Scratch.Rent(k * g * p);
        try
        {
            fixed (float* inPtr = input, gradOutPtr = gradOutput, gradInPtr = gradInput)
            {
                nint inAddr = (nint)inPtr, gradOutAddr = (nint)gradOutPtr, gradInAddr = (nint)gradInPtr;
                for (int n0 = 0; n0 < s.N; n0 += g)
                {
                    int count = Math.Min(g, s.N - n0), width = count * p, first = n0;
                    Gather(gradOutAddr, first, count, s.OC, p, gathered);
                    if (wantWeight)
                    {
                        ParallelRange.For(count, i => Im2Col.ImageToColumns(
                            Image(inAddr, first + i, s.C * s.H * s.W), s, width, i * p, columns));
                        Gemm.Multiply(gathered.AsSpan(0, s.OC * width), columns.AsSpan(0, k * width), s.OC, width, k,
                            gradWeight, transposeB: true, accumulate: true);
                    }
                    if (wantInput)
                    {
                        Gemm.Multiply(weight, gathered.AsSpan(0, s.OC * width), k, s.OC, width,
                            columns.AsSpan(0, k * width), transposeA: true);
                        ParallelRange.For(count, i => Im2Col.ColumnsToImage(
                            columns, s, width, i * p, Image(gradInAddr, first + i, s.C * s.H * s.W)));
                    }
                }
            }
        }
        finally
        {
            Scratch.Return(columns);
            Scratch.Return(gathered);
        }
    }

    /// <summary>
    /// The scalar reference of <see cref="SumPlanes"/>: per channel, the double-precision sum over every image and
    /// position, added into <paramref name="sums"/>. Shared by the conv and conv-transpose bias-gradient references.
    /// </summary>
    public static void SumPlanesReference(ReadOnlySpan<float> values, int n, int channels, int plane, Span<float> sums)
    {
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int image = 0; image < n; image++)
            for (int i = 0; i < plane; i++)
                sum += values[(image * channels + c) * plane + i];
            sums[c] += (float)sum;
        }
    }

    // sums (N, channels, plane) over N and plane into sums (channels) +=; one owner per channel, batch order.
    public static unsafe void SumPlanes(ReadOnlySpan<float> values, int n, int channels, int plane,
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
}
