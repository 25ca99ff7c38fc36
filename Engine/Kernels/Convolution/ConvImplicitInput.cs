using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Engine.Kernels;

// Legend: as in ConvImplicit; s = stride, (rh, rw) = a stride phase, e = the output-row shift of a tap.
//
// The input gradient of a convolution (= the forward pass of a transposed convolution) as implicit GEMMs.
//     gradInput[n, c, ih, iw] = Σ_{oc, kh, kw} weight[oc, c, kh, kw] · gradOutput[n, oc, y, x],  y·s − p + kh = ih.
// Only taps with kh ≡ ih + p (mod s) reach a given ih, so the input pixels fall into s_h·s_w phases
// (rh, rw) = ((ih + p) mod s_h, (iw + p) mod s_w). Within a phase, the pixels form a regular grid
// ih = ih0 + s·i, every pixel uses the same taps kh = rh, rh + s, ..., and y = i + e(kh) with the constant
// e(kh) = (ih0 + p − kh) / s. So each phase is a small stride-1 convolution over gradOutput (zero-padded where
// y falls outside [0, OH)) with no wasted multiplications on inserted zeros. Each phase runs through
// the path's implicit-GEMM kernel (IImplicitGemmKernel): rows = the phase's pixels, sum over taps (oc, kh, kw),
// columns = NR input channels.
// Every gradInput element belongs to exactly one phase and one tile, so results do not depend on the threads.

/// <summary>The input gradient of <see cref="Conv2DKernel"/> as implicit GEMMs, one per stride phase (unvalidated).</summary>
internal static unsafe class ConvImplicitInput
{
    /// <summary>
    /// Whether the input gradient of this shape runs here: the input channels (the tile's columns) must fill at
    /// least half a panel, and a group of padded gradient images must fit int offsets.
    /// </summary>
    public static bool Applies(in Conv2DShape s) =>
        ConvImplicit.IsOn && ConvImplicit.FillsPanel(s.C) && ConvImplicit.GroupFits(new Plan(s).Layout);

    // gradInput (N, C, H, W) += convᵀ(gradOutput, weight)
    public static void Backward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, in Conv2DShape shape,
        Span<float> gradInput)
    {
        switch (Simd.Active)
        {
            case SimdPath.Avx512:
                Backward<ImplicitGemmKernel512>(gradOutput, weight, shape, gradInput);
                break;
            case SimdPath.Avx2:
                Backward<ImplicitGemmKernel256>(gradOutput, weight, shape, gradInput);
                break;
            default:
                Backward<ImplicitGemmKernel128>(gradOutput, weight, shape, gradInput);
                break;
        }
    }

    private static void Backward<TKernel>(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight,
        in Conv2DShape shape, Span<float> gradInput)
        where TKernel : struct, IImplicitGemmKernel
    {
        Conv2DShape s = shape;
        var plan = new Plan(s);
        int nr = TKernel.NR, panels = ImplicitGemmTiles.Panels(s.C, nr), phases = plan.Phases.Length;
        int group = ConvImplicit.ImagesPerGroup(plan.Layout), groups = (s.N + group - 1) / group;
        float[] packed = Scratch.Rent(panels * s.OC * s.KH * s.KW * nr + 16);
        int[] offsets = ArrayPool<int>.Shared.Rent(s.OC * s.KH * s.KW);
        try
        {
            fixed (float* gradOutPtr = gradOutput, weightPtr = weight, gradInPtr = gradInput, packedRaw = packed)
            fixed (int* offsetPtr = offsets)
            {
                float* packedW = ImplicitGemmTiles.Align(packedRaw);
                for (int phase = 0; phase < phases; phase++)
                {
                    int first = plan.FirstTap[phase];
                    FillPhase(s, plan, plan.Phases[phase], nr, offsetPtr + first, weightPtr,
                        packedW + (nint)first * panels * nr);
                }
                int tasks = ConvImplicit.Tasks((long)s.N * s.C * s.H * s.W * s.OC * s.KH * s.KW / phases, groups);
                nint packedAddr = (nint)packedW, offsetAddr = (nint)offsetPtr;
                nint gradInAddr = (nint)gradInPtr, gradOutAddr = (nint)gradOutPtr;
                // Each task pads one group of gradient images at a time into its own buffer and computes every input
                // pixel of the group; groups have one owner, so the split never changes a result.
                WorkerPool.Run(tasks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (task) =>
                {
                    float[] padded = Scratch.Rent(group * plan.Layout.ImageLength);
                    // Stride 1 has one phase laid out like gradInput itself; otherwise each phase's results go to a
                    // buffer (image, channel, phase pixel) with contiguous stores and are interleaved afterwards.
                    float[] results = Scratch.Rent(phases == 1 ? 0 : group * s.C * s.H * s.W);
                    try
                    {
                        fixed (float* padPtr = padded, resultPtr = results)
                        {
                            var (first, last) = ParallelRange.Split(groups, tasks, task);
                            for (int g = first; g < last; g++)
                            {
                                int n0 = g * group, count = Math.Min(group, s.N - n0);
                                plan.Layout.FillImages((float*)gradOutAddr + (nint)n0 * s.OC * s.OH * s.OW, count,
                                    padPtr);
                                ComputeGroup<TKernel>(s, plan, count, padPtr, (float*)packedAddr, (int*)offsetAddr, resultPtr,
                                    (float*)gradInAddr + (nint)n0 * s.C * s.H * s.W);
                            }
                        }
                    }
                    finally
                    {
                        Scratch.Return(results);
                        Scratch.Return(padded);
                    }
                });
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(offsets);
            Scratch.Return(packed);
        }
    }

    // gradInput of one group of `count` images (its padded gradient at `padded`) += every phase's tiles.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeGroup<TKernel>(in Conv2DShape s, Plan plan, int count, float* padded, float* packedW,
        int* offsets, float* results, float* gradIn)
        where TKernel : struct, IImplicitGemmKernel
    {
        int mr = TKernel.MR, nr = TKernel.NR, panels = ImplicitGemmTiles.Panels(s.C, nr), phases = plan.Phases.Length;
        float** rows = stackalloc float*[mr];
        float* tileRaw = stackalloc float[mr * nr + 16];
        float* tile = ImplicitGemmTiles.Align(tileRaw);
        float* phaseResult = results;
        for (int phase = 0; phase < phases; phase++)
        {
            var ph = plan.Phases[phase];
            int firstTap = plan.FirstTap[phase], perImage = ph.Rows * ph.Columns, pixels = count * perImage;
            float* phaseW = packedW + (nint)firstTap * panels * nr;
            float* target = phases == 1 ? gradIn : phaseResult;
            for (int q0 = 0; q0 < pixels; q0 += mr)
            {
                int valid = Math.Min(mr, pixels - q0);
                for (int r = 0; r < mr; r++)
                    rows[r] = padded + PixelBase(plan, ph, q0 + Math.Min(r, valid - 1));
                for (int panel = 0; panel < panels; panel++)
                {
                    TKernel.Run(ph.Taps, rows, offsets + firstTap, phaseW + (nint)panel * ph.Taps * nr, tile, nr,
                        add: false);
                    ImplicitGemmTiles.ScatterTile<TKernel>(tile, valid, q0, panel, s.C, perImage, target, null,
                        accumulate: phases == 1);
                }
            }
            phaseResult += (nint)count * s.C * perImage;
        }
        if (phases > 1)
            Interleave(results, count, s, plan.Phases, gradIn);
    }

    // The phase's tap offsets into padded gradOutput, (oc, kh, kw) order, and its weights packed as
    // packed[(panel·taps + t)·nr + j] = weight[oc, panel·nr + j, kh, kw] (zero past C).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillPhase(in Conv2DShape s, Plan plan, in PhaseGrid ph, int nr, int* offsets, float* weight,
        float* packed)
    {
        int t = 0, plane = plan.Layout.PlaneLength, width = plan.Layout.Width;
        for (int oc = 0; oc < s.OC; oc++)
        for (int kh = ph.FirstKh; kh < s.KH; kh += s.StrideH)
        for (int kw = ph.FirstKw; kw < s.KW; kw += s.StrideW, t++)
        {
            int shiftY = (ph.Ih0 + s.PadH - kh) / s.StrideH, shiftX = (ph.Iw0 + s.PadW - kw) / s.StrideW;
            offsets[t] = oc * plane + (shiftY + plan.Top) * width + shiftX + plan.Left;
            for (int panel = 0; panel < ImplicitGemmTiles.Panels(s.C, nr); panel++)
            for (int j = 0; j < nr; j++)
            {
                int c = panel * nr + j;
                packed[((nint)panel * ph.Taps + t) * nr + j] =
                    c < s.C ? weight[(((nint)oc * s.C + c) * s.KH + kh) * s.KW + kw] : 0;
            }
        }
    }

    // The padded address of the phase pixel q = (n, i, j) with shift 0: n·OC·gh·gw + i·gw + j.
    private static int PixelBase(Plan plan, in PhaseGrid ph, int q)
    {
        int perImage = ph.Rows * ph.Columns, image = q / perImage, rest = q - image * perImage;
        int i = rest / ph.Columns, j = rest - i * ph.Columns;
        return image * plan.Layout.ImageLength + i * plan.Layout.Width + j;
    }

    // gradInput[n, c, ih0 + s·i, iw0 + s·j] += results of each phase [n, c, i, j], for the group's images. The
    // results of phase p start at results + count·C·(pixels of the phases before p).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Interleave(float* results, int count, in Conv2DShape s, PhaseGrid[] grids, float* gradInput)
    {
        int phases = grids.Length;
        Span<nint> start = stackalloc nint[phases];
        nint offset = 0;
        for (int phase = 0; phase < phases; phase++)
        {
            start[phase] = offset;
            offset += (nint)count * s.C * grids[phase].Rows * grids[phase].Columns;
        }
        float* end = gradInput + (nint)count * s.C * s.H * s.W;
        for (int rh = 0; rh < s.StrideH; rh++)
        {
            if (s.StrideW == 2 && Simd.Allows(SimdPath.Vector128) && RegisterTranspose.Has4x4)
            {
                // The two column phases of this row phase: one fills the even input columns, the other the odd.
                int even = rh * 2 + (grids[rh * 2].Iw0 == 0 ? 0 : 1), odd = rh * 2 + 1 - (even - rh * 2);
                if (grids[even].Rows > 0 && grids[odd].Rows > 0)
                {
                    float* e = results + start[even], o = results + start[odd];
                    if (Simd.Allows(SimdPath.Avx512))
                        InterleavePair(e, grids[even], o, grids[odd], count, s, gradInput);
                    else if (Simd.Allows(SimdPath.Avx2))
                        InterleavePair256(e, grids[even], o, grids[odd], count, s, gradInput, end);
                    else
                        InterleavePair128(e, grids[even], o, grids[odd], count, s, gradInput);
                    continue;
                }
            }
            for (int rw = 0; rw < s.StrideW; rw++)
            {
                int phase = rh * s.StrideW + rw;
                AddPhase(results + start[phase], grids[phase], count, s, gradInput);
            }
        }
    }

    // gradInput[n, c, ih0 + s·i, iw0 + s·j] += phase[n, c, i, j], one element at a time (any stride).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddPhase(float* src, PhaseGrid ph, int count, in Conv2DShape s, float* gradInput)
    {
        int channels = s.C, width = s.W, plane = s.H * width, strideH = s.StrideH, strideW = s.StrideW;
        int rows = ph.Rows, columns = ph.Columns;
        for (int image = 0; image < count; image++)
        for (int c = 0; c < channels; c++)
        {
            float* dstPlane = gradInput + ((nint)image * channels + c) * plane + ph.Ih0 * width + ph.Iw0;
            for (int i = 0; i < rows; i++, src += columns)
            {
                float* dst = dstPlane + (nint)i * strideH * width;
                for (int j = 0; j < columns; j++)
                    dst[(nint)j * strideW] += src[j];
            }
        }
    }

    // Stride 2 across: input row ih receives the even phase's row at columns 0, 2, 4, ... and the odd phase's row at
    // 1, 3, 5, ...; eight of each are zipped into sixteen consecutive floats with one two-source permute.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InterleavePair(float* even, PhaseGrid evenGrid, float* odd, PhaseGrid oddGrid, int count,
        in Conv2DShape s, float* gradInput)
    {
        int channels = s.C, width = s.W, plane = s.H * width, strideH = s.StrideH;
        int rows = evenGrid.Rows, evenColumns = evenGrid.Columns, oddColumns = oddGrid.Columns;
        var lanes = Vector512<int>.Indices;
        // Lane 2k takes even[k] (source lane k), lane 2k + 1 takes odd[k] (source lane 16 + k).
        var zip = (lanes >> 1) + ((lanes & Vector512<int>.One) << 4);
        for (int image = 0; image < count; image++)
        for (int c = 0; c < channels; c++)
        {
            float* dstPlane = gradInput + ((nint)image * channels + c) * plane + evenGrid.Ih0 * width;
            for (int i = 0; i < rows; i++, even += evenColumns, odd += oddColumns)
            {
                float* dst = dstPlane + (nint)i * strideH * width;
                // gradInput arrives from memory: ask for the rows a few planes ahead.
                Sse.Prefetch0(dst + 1024);
                for (int k = 0; k * 16 < width; k++)
                {
                    var evenMask = Vector512.LessThan(lanes, Vector512.Create(Math.Min(8, evenColumns - 8 * k)));
                    var oddMask = Vector512.LessThan(lanes, Vector512.Create(Math.Min(8, oddColumns - 8 * k)));
                    var dstMask = Vector512.LessThan(lanes, Vector512.Create(width - 16 * k)).AsSingle();
                    var e = Avx512F.MaskLoad(even + 8 * k, evenMask.AsSingle(), Vector512<float>.Zero);
                    var o = Avx512F.MaskLoad(odd + 8 * k, oddMask.AsSingle(), Vector512<float>.Zero);
                    var sum = Avx512F.PermuteVar16x32x2(e, zip, o) +
                              Avx512F.MaskLoad(dst + 16 * k, dstMask, Vector512<float>.Zero);
                    Avx512F.MaskStore(dst + 16 * k, dstMask, sum);
                }
            }
        }
    }

    // InterleavePair with AVX2: eight even and eight odd values are zipped into sixteen with two unpacks and two
    // lane permutes. A row's last chunk is added with a blend and stored whole: the lanes past the row belong to the
    // next input row (another row phase, or the next plane) and are written back unchanged, which is safe because
    // that memory is this group's own (end = the end of the group's gradInput), and masked stores are slow on AMD.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InterleavePair256(float* even, PhaseGrid evenGrid, float* odd, PhaseGrid oddGrid, int count,
        in Conv2DShape s, float* gradInput, float* end)
    {
        int channels = s.C, width = s.W, plane = s.H * width, strideH = s.StrideH;
        int rows = evenGrid.Rows, evenColumns = evenGrid.Columns, oddColumns = oddGrid.Columns;
        var lanes = Vector256<int>.Indices;
        for (int image = 0; image < count; image++)
        for (int c = 0; c < channels; c++)
        {
            float* dstPlane = gradInput + ((nint)image * channels + c) * plane + evenGrid.Ih0 * width;
            for (int i = 0; i < rows; i++, even += evenColumns, odd += oddColumns)
            {
                float* dst = dstPlane + (nint)i * strideH * width;
                Sse.Prefetch0(dst + 1024);
                for (int k = 0; k * 16 < width; k++)
                {
                    var e = Avx.MaskLoad(even + 8 * k, Vector256.LessThan(lanes, Vector256.Create(evenColumns - 8 * k)).AsSingle());
                    var o = Avx.MaskLoad(odd + 8 * k, Vector256.LessThan(lanes, Vector256.Create(oddColumns - 8 * k)).AsSingle());
                    var low = Avx.UnpackLow(e, o);    // e0 o0 e1 o1 | e4 o4 e5 o5
                    var high = Avx.UnpackHigh(e, o);  // e2 o2 e3 o3 | e6 o6 e7 o7
                    AddChunk(dst + 16 * k, Avx.Permute2x128(low, high, 0x20), width - 16 * k, end, lanes);
                    AddChunk(dst + 16 * k + 8, Avx.Permute2x128(low, high, 0x31), width - 16 * k - 8, end, lanes);
                }
            }
        }
    }

    // d[0..n) += v[0..n) for n > 0 (n ≥ 8: the whole vector).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddChunk(float* d, Vector256<float> v, int n, float* end, Vector256<int> lanes)
    {
        if (n >= 8)
        {
            (Vector256.Load(d) + v).Store(d);
            return;
        }
        if (n <= 0)
            return;
        var mask = Vector256.LessThan(lanes, Vector256.Create(n)).AsSingle();
        if (d + 8 <= end)
        {
            var old = Vector256.Load(d);
            Vector256.ConditionalSelect(mask, old + v, old).Store(d);
        }
        else
        {
            Avx.MaskStore(d, mask, Avx.MaskLoad(d, mask) + v);
        }
    }

    // InterleavePair with 128-bit vectors (x86 without AVX2, ARM64): four even and four odd values are zipped into
    // eight (unpcklps/unpckhps, zip1/zip2); the row's last even/odd pair that does not fill a vector is added element
    // by element.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InterleavePair128(float* even, PhaseGrid evenGrid, float* odd, PhaseGrid oddGrid, int count,
        in Conv2DShape s, float* gradInput)
    {
        int channels = s.C, width = s.W, plane = s.H * width, strideH = s.StrideH;
        int rows = evenGrid.Rows, evenColumns = evenGrid.Columns, oddColumns = oddGrid.Columns;
        int full = Math.Min(evenColumns, oddColumns) / 4;
        for (int image = 0; image < count; image++)
        for (int c = 0; c < channels; c++)
        {
            float* dstPlane = gradInput + ((nint)image * channels + c) * plane + evenGrid.Ih0 * width;
            for (int i = 0; i < rows; i++, even += evenColumns, odd += oddColumns)
            {
                float* dst = dstPlane + (nint)i * strideH * width;
                for (int k = 0; k < full; k++)
                {
                    var e = Vector128.Load(even + 4 * k);
                    var o = Vector128.Load(odd + 4 * k);
                    Vector128<float> low, high;
                    if (Sse.IsSupported)
                    {
                        low = Sse.UnpackLow(e, o);
                        high = Sse.UnpackHigh(e, o);
                    }
                    else
                    {
                        low = AdvSimd.Arm64.ZipLow(e, o);
                        high = AdvSimd.Arm64.ZipHigh(e, o);
                    }
                    float* d = dst + 8 * k;
                    (Vector128.Load(d) + low).Store(d);
                    (Vector128.Load(d + 4) + high).Store(d + 4);
                }
                for (int j = 4 * full; j < evenColumns; j++)
                    dst[2 * j] += even[j];
                for (int j = 4 * full; j < oddColumns; j++)
                    dst[2 * j + 1] += odd[j];
            }
        }
    }

    /// <summary>
    /// One stride phase: its input pixels ih = Ih0 + s·i (i &lt; Rows), iw = Iw0 + s·j (j &lt; Columns), and its taps
    /// kh = FirstKh, FirstKh + s, ... (and likewise kw), Taps = OC × their count.
    /// </summary>
    private readonly record struct PhaseGrid(int Ih0, int Iw0, int Rows, int Columns, int FirstKh, int FirstKw, int Taps);

    // The phases of a shape, where each phase's taps start, and the zero-padded layout of gradOutput that covers
    // every shift any phase uses.
    private sealed class Plan
    {
        public Plan(in Conv2DShape s)
        {
            int phases = s.StrideH * s.StrideW;
            Phases = new PhaseGrid[phases];
            FirstTap = new int[phases + 1];
            int minY = 0, maxY = s.OH - 1, minX = 0, maxX = s.OW - 1;
            for (int phase = 0; phase < phases; phase++)
            {
                var ph = Phases[phase] = MakePhase(s, phase);
                FirstTap[phase + 1] = FirstTap[phase] + ph.Taps;
                if (ph.Rows == 0 || ph.Columns == 0)
                    continue;
                for (int kh = ph.FirstKh; kh < s.KH; kh += s.StrideH)
                {
                    int shift = (ph.Ih0 + s.PadH - kh) / s.StrideH;
                    minY = Math.Min(minY, shift);
                    maxY = Math.Max(maxY, shift + ph.Rows - 1);
                }
                for (int kw = ph.FirstKw; kw < s.KW; kw += s.StrideW)
                {
                    int shift = (ph.Iw0 + s.PadW - kw) / s.StrideW;
                    minX = Math.Min(minX, shift);
                    maxX = Math.Max(maxX, shift + ph.Columns - 1);
                }
            }
            Top = -minY;
            Left = -minX;
            Layout = new PaddedImages(s.OC, s.OH, s.OW, Top, Left, maxY - minY + 1, maxX - minX + 1);
        }

        public PhaseGrid[] Phases { get; }

        // Phase p's tap offsets and packed weights start at tap FirstTap[p]; FirstTap[phases] = OC·KH·KW.
        public int[] FirstTap { get; }

        public int Top { get; }

        public int Left { get; }

        public PaddedImages Layout { get; }

        private static PhaseGrid MakePhase(in Conv2DShape s, int phase)
        {
            int rh = phase / s.StrideW, rw = phase % s.StrideW;
            int ih0 = Mod(rh - s.PadH, s.StrideH), iw0 = Mod(rw - s.PadW, s.StrideW);
            int rows = ih0 < s.H ? (s.H - ih0 + s.StrideH - 1) / s.StrideH : 0;
            int columns = iw0 < s.W ? (s.W - iw0 + s.StrideW - 1) / s.StrideW : 0;
            int tapsH = rh < s.KH ? (s.KH - rh + s.StrideH - 1) / s.StrideH : 0;
            int tapsW = rw < s.KW ? (s.KW - rw + s.StrideW - 1) / s.StrideW : 0;
            // A phase without taps receives nothing: give it no pixels, so no tile is scheduled for it.
            if (tapsH * tapsW == 0)
                rows = columns = 0;
            return new PhaseGrid(ih0, iw0, rows, columns, rh, rw, s.OC * tapsH * tapsW);
        }

        private static int Mod(int a, int m) => ((a % m) + m) % m;
    }
}
