using System.Buffers;
using System.Runtime.CompilerServices;

namespace Engine.Kernels;

// Legend: N = batch, C = input channels, OC = output channels, P = OH·OW output pixels, K = C·KH·KW taps,
// s = stride, p = padding; "padded" = the input copied into planes with the zero border the kernel reads.
//
// Convolution as an implicit GEMM (no im2col matrix). After one copy of the input into zero-padded planes of
// (lh × lw) floats, the im2col entry for output pixel q = (n, oy, ox) and tap t = (c, kh, kw) is simply
//     padded[pixelBase(q) + tapOffset(t)],  pixelBase = n·C·lh·lw + oy·s·lw + ox·s,  tapOffset = c·lh·lw + kh·lw + kw.
// ImplicitGemmKernel multiplies such a matrix by a packed operand while reading its entries in place:
//   forward:          out (pixels × OC)  = A(pixel, tap) · Wᵀ (taps × OC)          rows = pixels, sum over taps
//   weight gradient:  dWᵀ (taps × OC)   = A(tap, pixel) · dOutᵀ (pixels × OC)     rows = taps, sum over pixels
// The forward tile (MR pixels × NR channels) is written back transposed into NCHW. Every SIMD path has its kernel
// (IImplicitGemmKernel: 8 × 32 on AVX-512, 6 × 16 on AVX2, 6 × 8 on Vector128); the drivers below are generic over it. The input gradient is a
// transposed convolution and lives in ConvImplicitInput. Work is split over groups of images with one owner each,
// and the weight gradient sums fixed slices of the batch in order, so the results are bitwise identical for any
// thread count. Inputs are validated by the public callers (Conv2DKernel, ConvTranspose2DKernel).

/// <summary>Implicit-GEMM convolution kernels on every SIMD path (unvalidated; see <see cref="Conv2DKernel"/>).</summary>
internal static unsafe class ConvImplicit
{
    // Slices of the weight gradient's batch, each summed separately (see BackwardWeight): enough for the 2-core
    // machine this was tuned on plus room, few enough that adding the slices costs nothing.
    private const int Slices = 4;

    // Below this many multiply-adds a call stays on the calling thread.
    private const long ParallelThreshold = 1L << 20;

    /// <summary>Lets tests and benchmarks force the im2col path (true by default).</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>
    /// Lets tests run every shape here, ignoring the size thresholds below (false by default). The results are
    /// correct either way; the thresholds only pick the faster path.
    /// </summary>
    public static bool Forced { get; set; }

    // Measured on the conv-autoencoder layers (docs/performance.md): the implicit path wins when the tile's panel is
    // at least half full, and, for the forward pass, when each tile sums over enough taps to amortise its transposed
    // store (1→32 channels has 9 taps, and im2col + GEMM was 2.7x faster there on AVX-512).
    private const int MinForwardTaps = 32;

    /// <summary>
    /// Whether the forward pass (<paramref name="forward"/>) or the weight gradient of this shape run here: the
    /// output channels must fill at least half of the kernel's panel, and a group of padded images must fit int
    /// offsets.
    /// </summary>
    public static bool Applies(in Conv2DShape s, bool forward) =>
        IsOn && FillsPanel(s.OC) && (Forced || !forward || s.ColumnRows >= MinForwardTaps) &&
        GroupFits(InputLayout(s));

    /// <summary>Whether the path is enabled and the kernels run a SIMD path (every path but scalar has a kernel).</summary>
    internal static bool IsOn => Enabled && Simd.Active >= SimdPath.Vector128;

    /// <summary>The panel width of the active path's kernel.</summary>
    internal static int PanelWidth => Simd.Active switch
    {
        SimdPath.Avx512 => ImplicitGemmKernel512.NR,
        SimdPath.Avx2 => ImplicitGemmKernel256.NR,
        _ => ImplicitGemmKernel128.NR,
    };

    /// <summary>Whether tiles with this many channels across would be at least half full.</summary>
    internal static bool FillsPanel(int channels) => Forced || channels >= PanelWidth / 2;

    /// <summary>Whether the largest group of padded images can be addressed with int offsets.</summary>
    internal static bool GroupFits(in PaddedImages layout) => (long)MaxGroup * layout.ImageLength < int.MaxValue;

    // output (N, OC, OH, OW) = or += conv(input, weight) [+ bias]
    public static void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        in Conv2DShape shape, Span<float> output, bool accumulate)
    {
        switch (Simd.Active)
        {
            case SimdPath.Avx512:
                Forward<ImplicitGemmKernel512>(input, weight, bias, shape, output, accumulate);
                break;
            case SimdPath.Avx2:
                Forward<ImplicitGemmKernel256>(input, weight, bias, shape, output, accumulate);
                break;
            default:
                Forward<ImplicitGemmKernel128>(input, weight, bias, shape, output, accumulate);
                break;
        }
    }

    private static void Forward<TKernel>(ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, in Conv2DShape shape, Span<float> output, bool accumulate)
        where TKernel : struct, IImplicitGemmKernel
    {
        Conv2DShape s = shape;
        int mr = TKernel.MR, nr = TKernel.NR;
        int p = s.OH * s.OW, k = s.ColumnRows, panels = ImplicitGemmTiles.Panels(s.OC, nr);
        var layout = InputLayout(s);
        int group = ImagesPerGroup(layout), groups = (s.N + group - 1) / group;
        float[] packed = Scratch.Rent(panels * k * nr + 16);
        int[] taps = ArrayPool<int>.Shared.Rent(k);
        try
        {
            fixed (float* inPtr = input, weightPtr = weight, biasPtr = bias, outPtr = output, packedRaw = packed)
            fixed (int* tapPtr = taps)
            {
                float* packedW = ImplicitGemmTiles.Align(packedRaw);
                FillTapOffsets(s, layout, tapPtr);
                ImplicitGemmTiles.PackTransposed(weightPtr, s.OC, k, nr, packedW);
                nint inAddr = (nint)inPtr, outAddr = (nint)outPtr, biasAddr = bias.IsEmpty ? 0 : (nint)biasPtr;
                nint tapAddr = (nint)tapPtr, packedAddr = (nint)packedW;
                int tasks = Tasks((long)s.N * p * k * s.OC, groups);
                // Each task pads one group of images at a time into its own buffer (it stays in L2) and computes
                // every output pixel of the group; groups have one owner, so the split never changes a result.
                WorkerPool.Run(tasks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (task) =>
                {
                    float[] padded = Scratch.Rent(group * layout.ImageLength);
                    try
                    {
                        fixed (float* padPtr = padded)
                        {
                            float** rows = stackalloc float*[mr];
                            float* tileRaw = stackalloc float[mr * nr + 16];
                            float* tile = ImplicitGemmTiles.Align(tileRaw);
                            var (first, last) = ParallelRange.Split(groups, tasks, task);
                            for (int g = first; g < last; g++)
                            {
                                int n0 = g * group, count = Math.Min(group, s.N - n0), pixels = count * p;
                                layout.FillImages((float*)inAddr + (nint)n0 * s.C * s.H * s.W, count, padPtr);
                                for (int q0 = 0; q0 < pixels; q0 += mr)
                                {
                                    int valid = Math.Min(mr, pixels - q0);
                                    for (int r = 0; r < mr; r++)
                                        rows[r] = padPtr + PixelBase(s, layout, q0 + Math.Min(r, valid - 1));
                                    for (int panel = 0; panel < panels; panel++)
                                    {
                                        TKernel.Run(k, rows, (int*)tapAddr, (float*)packedAddr + (nint)panel * k * nr,
                                            tile, nr, add: false);
                                        ImplicitGemmTiles.ScatterTile<TKernel>(tile, valid, n0 * p + q0, panel, s.OC, p,
                                            (float*)outAddr, (float*)biasAddr, accumulate);
                                    }
                                }
                            }
                        }
                    }
                    finally
                    {
                        Scratch.Return(padded);
                    }
                });
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(taps);
            Scratch.Return(packed);
        }
    }

    // gradWeight (OC, K) += Σ_pixels gradOutput (OC, pixel) · A(tap, pixel). The batch's groups of images are cut
    // into Slices (a constant) contiguous slices; each slice sums its groups in batch order into its own (taps ×
    // channels) buffer, and the slices are added in order at the end. Threads take whole slices, so they never wait
    // for each other, and the summation order depends only on the shape.
    public static void BackwardWeight(ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        in Conv2DShape shape, Span<float> gradWeight)
    {
        switch (Simd.Active)
        {
            case SimdPath.Avx512:
                BackwardWeight<ImplicitGemmKernel512>(input, gradOutput, shape, gradWeight);
                break;
            case SimdPath.Avx2:
                BackwardWeight<ImplicitGemmKernel256>(input, gradOutput, shape, gradWeight);
                break;
            default:
                BackwardWeight<ImplicitGemmKernel128>(input, gradOutput, shape, gradWeight);
                break;
        }
    }

    private static void BackwardWeight<TKernel>(ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput,
        in Conv2DShape shape, Span<float> gradWeight)
        where TKernel : struct, IImplicitGemmKernel
    {
        Conv2DShape s = shape;
        int mr = TKernel.MR, nr = TKernel.NR;
        int p = s.OH * s.OW, k = s.ColumnRows, panels = ImplicitGemmTiles.Panels(s.OC, nr);
        int rowTiles = (k + mr - 1) / mr, ldc = panels * nr;
        var layout = InputLayout(s);
        int group = ImagesPerGroup(layout), groupPixels = group * p, groups = (s.N + group - 1) / group;
        int slices = Math.Min(groups, Slices), sliceLength = rowTiles * mr * ldc;
        float[] sums = Scratch.Rent(slices * sliceLength + 16);
        int[] taps = ArrayPool<int>.Shared.Rent(k);
        int[] bases = ArrayPool<int>.Shared.Rent(groupPixels);
        try
        {
            fixed (float* inPtr = input, gradOutPtr = gradOutput, gradWeightPtr = gradWeight, sumsRaw = sums)
            fixed (int* tapPtr = taps, basePtr = bases)
            {
                float* acc = ImplicitGemmTiles.Align(sumsRaw);
                FillTapOffsets(s, layout, tapPtr);
                for (int q = 0; q < groupPixels; q++)
                    basePtr[q] = PixelBase(s, layout, q);
                nint accAddr = (nint)acc, tapAddr = (nint)tapPtr, baseAddr = (nint)basePtr, inAddr = (nint)inPtr;
                nint gradOutAddr = (nint)gradOutPtr;
                int tasks = Tasks((long)s.N * p * k * s.OC, slices);
                WorkerPool.Run(tasks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (task) =>
                {
                    float[] padded = Scratch.Rent(group * layout.ImageLength);
                    float[] packed = Scratch.Rent(panels * groupPixels * nr + 16);
                    try
                    {
                        fixed (float* padPtr = padded, packedRaw = packed)
                        {
                            float* packedG = ImplicitGemmTiles.Align(packedRaw);
                            float** rows = stackalloc float*[mr];
                            var (firstSlice, lastSlice) = ParallelRange.Split(slices, tasks, task);
                            for (int slice = firstSlice; slice < lastSlice; slice++)
                            {
                                float* sliceAcc = (float*)accAddr + (nint)slice * sliceLength;
                                var (firstGroup, lastGroup) = ParallelRange.Split(groups, slices, slice);
                                for (int g = firstGroup; g < lastGroup; g++)
                                {
                                    int n0 = g * group, count = Math.Min(group, s.N - n0);
                                    layout.FillImages((float*)inAddr + (nint)n0 * s.C * s.H * s.W, count, padPtr);
                                    // packedG[panel][q][j] = gradOutput[n0 + q / P, panel·NR + j, q mod P]
                                    for (int image = 0; image < count; image++)
                                    {
                                        ImplicitGemmTiles.PackTransposed(
                                            (float*)gradOutAddr + (nint)(n0 + image) * s.OC * p, s.OC, p, nr,
                                            packedG + (nint)image * p * nr, (nint)groupPixels * nr);
                                    }
                                    for (int item = 0; item < rowTiles * panels; item++)
                                    {
                                        int rowTile = item / panels, panel = item % panels;
                                        int t0 = rowTile * mr;
                                        for (int r = 0; r < mr; r++)
                                            rows[r] = padPtr + ((int*)tapAddr)[Math.Min(t0 + r, k - 1)];
                                        TKernel.Run(count * p, rows, (int*)baseAddr,
                                            packedG + (nint)panel * groupPixels * nr, sliceAcc + (nint)t0 * ldc + panel * nr,
                                            ldc, add: g > firstGroup);
                                    }
                                }
                            }
                        }
                    }
                    finally
                    {
                        Scratch.Return(packed);
                        Scratch.Return(padded);
                    }
                });
                // gradWeight[oc, t] += Σ_slice acc[slice][t, oc], slices in order.
                for (int oc = 0; oc < s.OC; oc++)
                {
                    float* dst = gradWeightPtr + (nint)oc * k;
                    for (int t = 0; t < k; t++)
                    {
                        float sum = acc[(nint)t * ldc + oc];
                        for (int slice = 1; slice < slices; slice++)
                            sum += acc[(nint)slice * sliceLength + (nint)t * ldc + oc];
                        dst[t] += sum;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(bases);
            ArrayPool<int>.Shared.Return(taps);
            Scratch.Return(sums);
        }
    }

    // The padded planes hold exactly the rows and columns the taps reach: (OH − 1)·s + KH by (OW − 1)·s + KW.
    private static PaddedImages InputLayout(in Conv2DShape s) =>
        new(s.C, s.H, s.W, s.PadH, s.PadW, (s.OH - 1) * s.StrideH + s.KH, (s.OW - 1) * s.StrideW + s.KW);

    /// <summary>
    /// Images padded and processed together: up to 8, fewer when a padded image is large, so a group's padded
    /// input stays near 256 KiB (in L2). A function of the shape only (it fixes the weight gradient's summation order).
    /// </summary>
    internal static int ImagesPerGroup(in PaddedImages layout) =>
        (int)Math.Clamp((1L << 16) / layout.ImageLength, 1, MaxGroup);

    private const int MaxGroup = 8;

    /// <summary>Threads for a job of <paramref name="work"/> multiply-adds (or copies) split into at most <paramref name="items"/> parts.</summary>
    internal static int Tasks(long work, int items = int.MaxValue) =>
        work < ParallelThreshold ? 1 : Math.Max(1, Math.Min(Parallelism.MaxThreads, items));

    // tapOffset(c, kh, kw) = c·lh·lw + kh·lw + kw, in (c, kh, kw) order like the weight's rows.
    private static void FillTapOffsets(in Conv2DShape s, in PaddedImages layout, int* taps)
    {
        int t = 0;
        for (int c = 0; c < s.C; c++)
        for (int kh = 0; kh < s.KH; kh++)
        for (int kw = 0; kw < s.KW; kw++)
            taps[t++] = c * layout.PlaneLength + kh * layout.Width + kw;
    }

    // pixelBase(n, oy, ox) = n·C·lh·lw + oy·s·lw + ox·s: the padded address of the pixel's receptive field corner.
    private static int PixelBase(in Conv2DShape s, in PaddedImages layout, int q)
    {
        int p = s.OH * s.OW, n = q / p, rest = q - n * p, oy = rest / s.OW, ox = rest - oy * s.OW;
        return n * layout.ImageLength + oy * s.StrideH * layout.Width + ox * s.StrideW;
    }
}
