using System.Runtime.CompilerServices;
using System.Buffers;

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
// ImplicitGemmKernel: rows = the phase's pixels, sum over taps (oc, kh, kw), columns = 32 input channels.
// Every gradInput element belongs to exactly one phase and one tile, so results do not depend on the threads.

/// <summary>The input gradient of <see cref="Conv2D"/> as implicit GEMMs, one per stride phase (unvalidated).</summary>
internal static unsafe class ConvImplicitInput
{
    /// <summary>
    /// Whether the input gradient of this shape runs here: the input channels (the tile's columns) must fill at
    /// least half a panel, and a group of padded gradient images must fit int offsets.
    /// </summary>
    public static bool Applies(in Conv2DShape s) =>
        ConvImplicit.Applies(s, s.C) && 8L * s.OC * new Plan(s).Layout.PlaneLength < int.MaxValue;

    // gradInput (N, C, H, W) += convᵀ(gradOutput, weight)
    public static void Backward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, in Conv2DShape shape,
        Span<float> gradInput)
    {
        Conv2DShape s = shape;
        var plan = new Plan(s);
        int panels = ConvImplicit.Panels(s.C), phases = s.StrideH * s.StrideW;
        int group = ConvImplicit.ImagesPerGroup(plan.Layout), groups = (s.N + group - 1) / group;
        float[] packed = Scratch.Rent(panels * s.OC * s.KH * s.KW * ImplicitGemmKernel.NR + 16);
        int[] offsets = ArrayPool<int>.Shared.Rent(s.OC * s.KH * s.KW);
        // Where each phase's taps (offsets and packed weights) start.
        int[] firstTap = new int[phases + 1];
        try
        {
            fixed (float* gradOutPtr = gradOutput, weightPtr = weight, gradInPtr = gradInput, packedRaw = packed)
            fixed (int* offsetPtr = offsets)
            {
                float* packedW = ConvImplicit.Align(packedRaw);
                for (int phase = 0; phase < phases; phase++)
                {
                    var ph = plan.Phase(phase);
                    firstTap[phase + 1] = firstTap[phase] + ph.Taps;
                    FillPhase(s, plan, ph, offsetPtr + firstTap[phase], weightPtr,
                        packedW + (nint)firstTap[phase] * panels * ImplicitGemmKernel.NR);
                }
                int tasks = ConvImplicit.Tasks((long)s.N * s.C * s.H * s.W * s.OC * s.KH * s.KW / phases, groups);
                nint packedAddr = (nint)packedW, offsetAddr = (nint)offsetPtr;
                nint gradInAddr = (nint)gradInPtr, gradOutAddr = (nint)gradOutPtr;
                // Each task pads one group of gradient images at a time into its own buffer and computes every input
                // pixel of the group, phase by phase; groups have one owner, so the split never changes a result.
                WorkerPool.Run(tasks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (task) =>
                {
                    float[] padded = Scratch.Rent(group * plan.Layout.ImageLength);
                    try
                    {
                        fixed (float* padPtr = padded)
                        {
                            float** rows = stackalloc float*[ImplicitGemmKernel.MR];
                            float* tileRaw = stackalloc float[ImplicitGemmKernel.MR * ImplicitGemmKernel.NR + 16];
                            float* tile = ConvImplicit.Align(tileRaw);
                            var (first, last) = ConvImplicit.Split(groups, tasks, task);
                            for (int g = first; g < last; g++)
                            {
                                int n0 = g * group, count = Math.Min(group, s.N - n0);
                                plan.Layout.FillImages((float*)gradOutAddr + (nint)n0 * s.OC * s.OH * s.OW, count,
                                    padPtr);
                                float* gradIn = (float*)gradInAddr + (nint)n0 * s.C * s.H * s.W;
                                for (int phase = 0; phase < phases; phase++)
                                {
                                    var ph = plan.Phase(phase);
                                    float* phaseW = (float*)packedAddr +
                                        (nint)firstTap[phase] * panels * ImplicitGemmKernel.NR;
                                    int pixels = count * ph.Rows * ph.Columns;
                                    for (int q0 = 0; q0 < pixels; q0 += ImplicitGemmKernel.MR)
                                    {
                                        int valid = Math.Min(ImplicitGemmKernel.MR, pixels - q0);
                                        for (int r = 0; r < ImplicitGemmKernel.MR; r++)
                                            rows[r] = padPtr + PixelBase(plan, ph, q0 + Math.Min(r, valid - 1));
                                        for (int panel = 0; panel < panels; panel++)
                                        {
                                            ImplicitGemmKernel.Run(ph.Taps, rows, (int*)offsetAddr + firstTap[phase],
                                                phaseW + (nint)panel * ph.Taps * ImplicitGemmKernel.NR, tile,
                                                ImplicitGemmKernel.NR, add: false);
                                            AddTile(tile, valid, q0, panel, s, ph, gradIn);
                                        }
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
            ArrayPool<int>.Shared.Return(offsets);
            Scratch.Return(packed);
        }
    }

    // The phase's tap offsets into padded gradOutput, (oc, kh, kw) order, and its weights packed as
    // packed[(panel·taps + t)·32 + j] = weight[oc, panel·32 + j, kh, kw] (zero past C).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillPhase(in Conv2DShape s, in Plan plan, in PhaseGrid ph, int* offsets, float* weight,
        float* packed)
    {
        int t = 0, plane = plan.Layout.PlaneLength, width = plan.Layout.Width;
        for (int oc = 0; oc < s.OC; oc++)
        for (int kh = ph.FirstKh; kh < s.KH; kh += s.StrideH)
        for (int kw = ph.FirstKw; kw < s.KW; kw += s.StrideW, t++)
        {
            int shiftY = (ph.Ih0 + s.PadH - kh) / s.StrideH, shiftX = (ph.Iw0 + s.PadW - kw) / s.StrideW;
            offsets[t] = oc * plane + (shiftY + plan.Top) * width + shiftX + plan.Left;
            for (int panel = 0; panel < ConvImplicit.Panels(s.C); panel++)
            for (int j = 0; j < ImplicitGemmKernel.NR; j++)
            {
                int c = panel * ImplicitGemmKernel.NR + j;
                packed[((nint)panel * ph.Taps + t) * ImplicitGemmKernel.NR + j] =
                    c < s.C ? weight[(((nint)oc * s.C + c) * s.KH + kh) * s.KW + kw] : 0;
            }
        }
    }

    // The padded address of the phase pixel q = (n, i, j) with shift 0: n·OC·gh·gw + i·gw + j.
    private static int PixelBase(in Plan plan, in PhaseGrid ph, int q)
    {
        int perImage = ph.Rows * ph.Columns, image = q / perImage, rest = q - image * perImage;
        int i = rest / ph.Columns, j = rest - i * ph.Columns;
        return image * plan.Layout.ImageLength + i * plan.Layout.Width + j;
    }

    // gradInput[n, panel·32 + j, ih0 + s·i, iw0 + s·j'] += tile[r, j] for the valid rows r (phase pixels q0 + r).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddTile(float* tile, int valid, int q0, int panel, in Conv2DShape s, in PhaseGrid ph,
        float* gradInput)
    {
        int c0 = panel * ImplicitGemmKernel.NR, width = Math.Min(ImplicitGemmKernel.NR, s.C - c0), plane = s.H * s.W;
        int perImage = ph.Rows * ph.Columns;
        for (int r = 0; r < valid; r++)
        {
            int q = q0 + r, image = q / perImage, rest = q - image * perImage, i = rest / ph.Columns;
            int ih = ph.Ih0 + s.StrideH * i, iw = ph.Iw0 + s.StrideW * (rest - i * ph.Columns);
            float* dst = gradInput + ((nint)image * s.C + c0) * plane + ih * s.W + iw;
            float* src = tile + r * ImplicitGemmKernel.NR;
            for (int j = 0; j < width; j++)
                dst[(nint)j * plane] += src[j];
        }
    }

    /// <summary>
    /// One stride phase: its input pixels ih = Ih0 + s·i (i &lt; Rows), iw = Iw0 + s·j (j &lt; Columns), and its taps
    /// kh = FirstKh, FirstKh + s, ... (and likewise kw), Taps = OC × their count.
    /// </summary>
    private readonly record struct PhaseGrid(int Ih0, int Iw0, int Rows, int Columns, int FirstKh, int FirstKw, int Taps);

    // The phases of a shape and the zero-padded layout of gradOutput that covers every shift any phase uses.
    private readonly struct Plan
    {
        private readonly Conv2DShape _s;

        public Plan(in Conv2DShape s)
        {
            _s = s;
            int minY = 0, maxY = s.OH - 1, minX = 0, maxX = s.OW - 1;
            for (int phase = 0; phase < s.StrideH * s.StrideW; phase++)
            {
                var ph = Phase(phase);
                if (ph.Taps == 0 || ph.Rows == 0 || ph.Columns == 0)
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

        public int Top { get; }

        public int Left { get; }

        public PaddedImages Layout { get; }

        public PhaseGrid Phase(int phase)
        {
            Conv2DShape s = _s;
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
