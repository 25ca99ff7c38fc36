using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
    // panel size is a multiple of 4 KiB (kc = 128 with 8-row panels). Full panels copy each row with the widest
    // vectors the path allows (panel widths are 6, 8, 12, 16 or 32); partial panels go element by element.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackCopyPanel(float* src, nint ld, int kc, int w, int width, float* dst)
    {
        if (w == width && width == 32 && Simd.Allows(SimdPath.Avx512))
        {
            for (nint p = 0; p < kc; p++, src += ld, dst += 32)
            {
                Vector512.Load(src).StoreAligned(dst);
                Vector512.Load(src + 16).StoreAligned(dst + 16);
            }
            return;
        }
        if (w == width && width == 16 && Simd.Allows(SimdPath.Avx2))
        {
            for (nint p = 0; p < kc; p++, src += ld, dst += 16)
            {
                Vector256.Store(Vector256.Load(src), dst);
                Vector256.Store(Vector256.Load(src + 8), dst + 8);
            }
            return;
        }
        if (w == width && width % 8 == 0 && Simd.Allows(SimdPath.Avx2))
        {
            for (nint p = 0; p < kc; p++, src += ld, dst += width)
            {
                for (nint j = 0; j < width; j += 8)
                    Vector256.Store(Vector256.Load(src + j), dst + j);
            }
            return;
        }
        if (w == width && width >= 4 && Simd.Allows(SimdPath.Vector128))
        {
            // Rows of 6 end with a vector that overlaps the previous one (columns 2..5): same values, written twice.
            nint last = width - 4;
            for (nint p = 0; p < kc; p++, src += ld, dst += width)
            {
                for (nint j = 0; j < last; j += 4)
                    Vector128.Store(Vector128.Load(src + j), dst + j);
                Vector128.Store(Vector128.Load(src + last), dst + last);
            }
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

    // dst[p * W + r] = src[r * ld + p]: each source row becomes a panel column. Blocks of 8 rows (AVX2, AVX-512) or
    // 4 rows (Vector128) × as many columns go through a register transpose; when w is not a multiple of the block,
    // the last block overlaps the one before it (rows 2..5 of a 6-row panel), which writes the same values twice.
    // Rows of narrower panels and the last kc mod block columns are copied one element at a time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTranspose(float* src, nint ld, int kc, int w, int width, float* dst)
    {
        if (w == 6 && width == 6 && Simd.Allows(SimdPath.Avx2))
        {
            PackTranspose6(src, ld, kc, dst);
            return;
        }
        int block = w >= 8 && Simd.Allows(SimdPath.Avx2) ? 8
            : w >= 4 && Simd.Allows(SimdPath.Vector128) && RegisterTranspose.Has4x4 ? 4 : 0;
        int done = 0;
        if (block > 0)
        {
            int p0 = 0;
            for (; p0 + block <= kc; p0 += block)
            {
                for (int r0 = 0; r0 < w; r0 += block)
                {
                    int r = Math.Min(r0, w - block);
                    if (block == 8)
                        RegisterTranspose.Transpose8x8(src + r * ld + p0, ld, dst + (nint)p0 * width + r, width);
                    else
                        RegisterTranspose.Transpose4x4(src + r * ld + p0, ld, dst + (nint)p0 * width + r, width);
                }
            }
            for (; p0 < kc; p0++)
            {
                for (int r = 0; r < w; r++)
                    dst[(nint)p0 * width + r] = src[r * ld + p0];
            }
            done = w;
        }
        for (int r = done; r < w; r++)
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

    // A full 6-row panel (the AVX2 kernel's op(a)) through 6 × 8 register transposes; each block's last store spills
    // 2 floats onto the next block (written next), the panel's last onto the next panel (packed after this one) or
    // into the slack GemmBuffers keeps after the packed block. The last kc mod 8 columns go element by element.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTranspose6(float* src, nint ld, int kc, float* dst)
    {
        int p0 = 0;
        for (; p0 + 8 <= kc; p0 += 8)
            RegisterTranspose.Transpose6x8Packed(src + p0, ld, dst + (nint)p0 * 6);
        for (; p0 < kc; p0++)
        {
            for (int r = 0; r < 6; r++)
                dst[(nint)p0 * 6 + r] = src[r * ld + p0];
        }
    }
}
