using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Kernels;

// The AVX-512 path of Im2Col for narrow images, where every output row (OW ≤ 16 pixels) reads only the first
// 32 columns of the zero-padded input row (KW − 1 + s·(OW − 1) < 32). That covers the conv-autoencoder layers
// (28×28 and 14×14 inputs, 3×3, stride 2), whose output rows of 7 or 14 pixels make the generic row-by-row
// copy spend most of its time on loop overhead.
//
// Each channel is first copied into a zero-padded plane with 32-float rows, so padding needs no tests. Then one
// output row of one tap (kh, kw) is a single two-register permute: out[x] = paddedRow[kw + s·x], x < 16.
// (The same trick for col2im, an inverse permute added into the plane, measured no faster than the generic
// scatter loop on the 32-channel layer, so ColumnsToImage keeps the generic path.)

/// <summary>Im2col for narrow images with AVX-512 permutes (see the file comment).</summary>
internal static class Im2ColNarrow
{
    private const int RowWidth = 32;
    private const int MaxPlaneFloats = 4096;

    /// <summary>Lets tests and benchmarks force the generic path (true by default).</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>Whether the fast path applies to this shape on this machine.</summary>
    public static bool Applies(in Conv2DShape s) =>
        Enabled && Simd.Allows(SimdPath.Avx512) && s.OW <= 16 && s.KW - 1 + s.StrideW * (s.OW - 1) < RowWidth &&
        (s.H + 2 * s.PadH) * RowWidth <= MaxPlaneFloats;

    /// <summary>image (C, H, W) -> columns block (C·KH·KW rows of OH·OW at <c>dst + row·rowStride</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void ImageToColumns(float* image, in Conv2DShape s, int rowStride, float* dst)
    {
        int hp = s.H + 2 * s.PadH, ow = s.OW;
        int copyWidth = Math.Min(s.W, RowWidth - s.PadW);
        // 64-byte aligned rows: every vector access is one cache line, so stores forward to the next loads.
        float* raw = stackalloc float[hp * RowWidth + RowWidth + 16];
        float* plane = Align(raw);
        Vector512<int>* gather = stackalloc Vector512<int>[s.KW];
        for (int kw = 0; kw < s.KW; kw++)
            gather[kw] = GatherIndex(kw, s.StrideW);
        Vector512<float> outMask = Mask(ow), lowMask = Mask(copyWidth), highMask = Mask(copyWidth - 16);
        int p = s.OH * ow, fullRows = p >= 16 ? Math.Min((p - 16) / ow + 1, s.OH) : 0;
        new Span<float>(plane, hp * RowWidth + RowWidth).Clear();
        for (int c = 0; c < s.C; c++)
        {
            // Copy channel c into the interior of the padded plane; the border stays zero.
            for (int ih = 0; ih < s.H; ih++)
            {
                float* from = image + (c * s.H + ih) * s.W, to = plane + (ih + s.PadH) * RowWidth + s.PadW;
                Avx512F.MaskStore(to, lowMask, Avx512F.MaskLoad(from, lowMask, Vector512<float>.Zero));
                if (copyWidth > 16)
                    Avx512F.MaskStore(to + 16, highMask, Avx512F.MaskLoad(from + 16, highMask, Vector512<float>.Zero));
            }
            for (int kh = 0; kh < s.KH; kh++)
            {
                for (int kw = 0; kw < s.KW; kw++, dst += rowStride)
                {
                    Vector512<int> index = gather[kw];
                    // Full 16-wide stores spill into the following output rows, which their own stores then
                    // overwrite; rows whose spill would leave the block use masked stores.
                    for (int y = 0; y < s.OH; y++)
                    {
                        float* row = plane + (y * s.StrideH + kh) * RowWidth;
                        Vector512<float> picked = Avx512F.PermuteVar16x32x2(
                            Vector512.Load(row), index, Vector512.Load(row + 16));
                        if (y < fullRows)
                            picked.Store(dst + y * ow);
                        else
                            Avx512F.MaskStore(dst + y * ow, outMask, picked);
                    }
                }
            }
        }
    }

    private static unsafe float* Align(float* p) => (float*)(((nint)p + 63) & ~(nint)63);

    // All-ones lanes [0, count), zero lanes after: the mask of a partial load or store (count may be ≤ 0 or > 16).
    private static Vector512<float> Mask(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();

    // Lane x reads padded column kw + stride·x (clamped into the two source registers; lanes x ≥ OW are unused).
    private static Vector512<int> GatherIndex(int kw, int stride)
    {
        Span<int> lanes = stackalloc int[16];
        for (int x = 0; x < 16; x++)
            lanes[x] = Math.Min(kw + stride * x, RowWidth - 1);
        return Vector512.Create<int>(lanes);
    }
}
