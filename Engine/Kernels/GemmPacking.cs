using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Kernels;

// Legend: kc = rows of a packed panel (the k block), w = valid width of the panel (≤ W), W = panel width (MR or
// NR), ld = stride of the source. A panel is stored p-major: dst[p * W + r], padded with zeros from w to W so
// the micro-kernel always runs full tiles.
//
// op(a) panels come from rows of a (contiguous in p: transpose while packing) or, when a is transposed, from
// rows of aᵀ (contiguous in i: plain copy). op(b) is the mirror image. So the four transpose combinations cost
// the same, and no transposed matrix is ever materialised.

/// <summary>Packs blocks of op(a) and op(b) into the aligned, p-major panels the micro-kernels read.</summary>
internal static unsafe class GemmPacking
{
    /// <summary>Packs op(a) rows [i0, i0+mc) × k [p0, p0+kc) into MR-row panels.</summary>
    public static void PackA(float* a, int m, int k, bool transposeA, int i0, int mc, int p0, int kc, int mr,
        float* dst)
    {
        if (transposeA)
        {
            // Rows of aᵀ are read 16 at a time for all panels, so each source line is used up while in L1
            // (one 8-float panel takes half a line; row strides of 2 KiB would evict the other half).
            for (int pp = 0; pp < kc; pp += 16)
            {
                int rows = Math.Min(16, kc - pp);
                for (int ir = 0; ir < mc; ir += mr)
                {
                    PackCopyPanel(a + (nint)(p0 + pp) * m + i0 + ir, m, rows, Math.Min(mr, mc - ir), mr,
                        dst + (nint)ir * kc + (nint)pp * mr);
                }
            }
            return;
        }
        for (int ir = 0; ir < mc; ir += mr)
            PackTranspose(a + (nint)(i0 + ir) * k + p0, k, kc, Math.Min(mr, mc - ir), mr, dst + (nint)ir * kc);
    }

    /// <summary>Packs op(b) k [p0, p0+kc) × columns [j0, j0+w) into one NR-column panel (w ≤ NR).</summary>
    /// <remarks>
    /// The driver packs each b panel right before its first use, so the packed panel is still in L1 when the
    /// micro-kernel reads it and the packing loads overlap with the FMAs of the neighbouring tiles.
    /// </remarks>
    public static void PackBPanel(float* b, int k, int n, bool transposeB, int j0, int w, int p0, int kc, int nr,
        float* dst)
    {
        if (transposeB)
            PackTranspose(b + (nint)j0 * k + p0, k, kc, w, nr, dst);
        else
            PackCopyPanel(b + (nint)p0 * n + j0, n, kc, w, nr, dst);
    }

    // dst[p * W + r] = src[p * ld + r] for one panel: each panel row is a contiguous run of the source. Writes
    // stay sequential; scattering one source row over all panels instead would hit one L1 set whenever the
    // panel size is a multiple of 4 KiB (kc = 128 with 8-row panels).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackCopyPanel(float* src, nint ld, int kc, int w, int width, float* dst)
    {
        if (w == width && width == 32 && Vector512.IsHardwareAccelerated)
        {
            for (nint p = 0; p < kc; p++, src += ld, dst += 32)
            {
                Vector512.Load(src).StoreAligned(dst);
                Vector512.Load(src + 16).StoreAligned(dst + 16);
            }
            return;
        }
        if (w == width && width == 8 && Vector256.IsHardwareAccelerated)
        {
            for (nint p = 0; p < kc; p++, src += ld, dst += 8)
                Vector256.Load(src).StoreAligned(dst);
            return;
        }
        for (nint p = 0; p < kc; p++, src += ld, dst += width)
        {
            int r = 0;
            for (; r < w; r++)
                dst[r] = src[r];
            for (; r < width; r++)
                dst[r] = 0;
        }
    }

    // dst[p * W + r] = src[r * ld + p]: each source row becomes a panel column. Full 8 × 8 blocks go through a
    // register transpose; the ragged edges are copied one element at a time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTranspose(float* src, nint ld, int kc, int w, int width, float* dst)
    {
        int r0 = 0;
        if (Avx.IsSupported)
        {
            for (; r0 + 8 <= w; r0 += 8)
            {
                int p0 = 0;
                for (; p0 + 8 <= kc; p0 += 8)
                    Transpose8x8(src + r0 * ld + p0, ld, dst + (nint)p0 * width + r0, width);
                for (; p0 < kc; p0++)
                {
                    for (int r = r0; r < r0 + 8; r++)
                        dst[(nint)p0 * width + r] = src[r * ld + p0];
                }
            }
        }
        for (int r = r0; r < w; r++)
        {
            float* row = src + r * ld;
            for (nint p = 0; p < kc; p++)
                dst[p * width + r] = row[p];
        }
        for (int r = w; r < width; r++)
        {
            for (nint p = 0; p < kc; p++)
                dst[p * width + r] = 0;
        }
    }

    // Transposes the 8 × 8 block at src (row stride ld) into dst (row stride dstStride), the classic
    // unpack / shuffle / permute sequence: 24 shuffles for 64 elements.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint ld, float* dst, nint dstStride)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + ld);
        var r2 = Avx.LoadVector256(src + 2 * ld);
        var r3 = Avx.LoadVector256(src + 3 * ld);
        var r4 = Avx.LoadVector256(src + 4 * ld);
        var r5 = Avx.LoadVector256(src + 5 * ld);
        var r6 = Avx.LoadVector256(src + 6 * ld);
        var r7 = Avx.LoadVector256(src + 7 * ld);
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(u3, u7, 0x31));
    }
}
