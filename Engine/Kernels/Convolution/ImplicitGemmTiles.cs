using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Kernels;

// Legend: a panel is NR columns of a packed operand (the kernel's tile width); a tile is the kernel's MR × NR output.

/// <summary>
/// The packing and unpacking around the implicit-GEMM kernels (<see cref="IImplicitGemmKernel"/>): packed operands
/// are stored in NR-wide, 64-byte-aligned panels, and an output tile (MR pixels × NR channels) is stored back
/// transposed into NCHW. Shared by <see cref="ConvImplicit"/> and <see cref="ConvImplicitInput"/>.
/// </summary>
internal static unsafe class ImplicitGemmTiles
{
    /// <summary><paramref name="nr"/>-wide panels needed for <paramref name="channels"/> columns.</summary>
    internal static int Panels(int channels, int nr) => (channels + nr - 1) / nr;

    /// <summary>Rounds a pinned pointer up to the next 64-byte boundary (buffers are rented 16 floats longer).</summary>
    internal static float* Align(float* pointer) => (float*)(((nint)pointer + 63) & ~(nint)63);

    /// <summary>
    /// Packs the transpose of a row-major (rows × columns) matrix into nr-wide panels:
    /// <c>packed[panel·panelStride + t·nr + j] = m[panel·nr + j, t]</c>, zero past the last row. The panel stride
    /// is <c>columns·nr</c> unless several matrices share the panels (the images of a group, one after another).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackTransposed(float* m, int rows, int columns, int nr, float* packed, nint panelStride = 0)
    {
        if (panelStride == 0)
            panelStride = (nint)columns * nr;
        for (int panel = 0; panel < Panels(rows, nr); panel++)
        for (int j = 0; j < nr; j++)
        {
            int row = panel * nr + j;
            float* dst = packed + panel * panelStride + j;
            if (row < rows)
            {
                float* src = m + (nint)row * columns;
                for (int t = 0; t < columns; t++)
                    dst[(nint)t * nr] = src[t];
            }
            else
            {
                for (int t = 0; t < columns; t++)
                    dst[(nint)t * nr] = 0;
            }
        }
    }

    /// <summary>
    /// <c>out[n, panel·NR + j, i] (+)= tile[r, j]</c> for the valid rows r (pixel q0 + r = n·p + i) and the panel's
    /// channels, adding <c>bias[channel]</c> when not accumulating; out is (images, channels, p).
    /// </summary>
    /// <remarks>
    /// When the tile's MR pixels are consecutive in one image (the common case), each channel's MR values are one
    /// column of the tile and one contiguous run of out: AVX-512 gathers the column (8 pixels), the 6-row tiles
    /// transpose 4 × 4 blocks of the tile in registers (rows 0–3 and 2–5, overlapping: both blocks read out before
    /// either is stored, so the overlap is written twice with the same sum). Otherwise element by element.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScatterTile<TKernel>(float* tile, int valid, int q0, int panel, int channels, int p,
        float* output, float* bias, bool accumulate)
        where TKernel : struct, IImplicitGemmKernel
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int oc0 = panel * nr, width = Math.Min(nr, channels - oc0);
        int n = q0 / p;
        if (valid == mr && (q0 + mr - 1) / p == n)
        {
            float* dst = output + ((nint)n * channels + oc0) * p + (q0 - n * p);
            if (mr == 8 && Simd.Allows(SimdPath.Avx2))
            {
                ScatterColumns8(tile, nr, width, dst, p, bias == null ? null : bias + oc0, accumulate);
                return;
            }
            if (mr == 6 && width % 4 == 0 && Simd.Allows(SimdPath.Vector128) && RegisterTranspose.Has4x4)
            {
                ScatterColumns6(tile, nr, width, dst, p, bias == null ? null : bias + oc0, accumulate);
                return;
            }
        }
        for (int r = 0; r < valid; r++)
        {
            int q = q0 + r, image = q / p;
            float* dst = output + ((nint)image * channels + oc0) * p + (q - image * p);
            float* src = tile + r * nr;
            for (int j = 0; j < width; j++)
            {
                float v = src[j];
                if (accumulate)
                    v += dst[(nint)j * p];
                else if (bias != null)
                    v += bias[oc0 + j];
                dst[(nint)j * p] = v;
            }
        }
    }

    // dst[j·p + r] (+)= tile[r·nr + j] for 8 rows: one strided gather per channel.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScatterColumns8(float* tile, int nr, int width, float* dst, int p, float* bias, bool accumulate)
    {
        var rowIndex = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * nr;
        for (int j = 0; j < width; j++)
        {
            var v = Avx2.GatherVector256(tile + j, rowIndex, sizeof(float));
            float* d = dst + (nint)j * p;
            if (accumulate)
                v += Vector256.Load(d);
            else if (bias != null)
                v += Vector256.Create(bias[j]);
            v.Store(d);
        }
    }

    // dst[j·p + r] (+)= tile[r·nr + j] for 6 rows, four channels at a time: rows 0–3 and rows 2–5 of the tile's four
    // columns are transposed in registers into pixel runs [0, 4) and [2, 6) of each channel.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScatterColumns6(float* tile, int nr, int width, float* dst, int p, float* bias, bool accumulate)
    {
        for (int j = 0; j < width; j += 4)
        {
            var a0 = Vector128.Load(tile + j);
            var a1 = Vector128.Load(tile + nr + j);
            var a2 = Vector128.Load(tile + 2 * nr + j);
            var a3 = Vector128.Load(tile + 3 * nr + j);
            var b0 = a2;
            var b1 = a3;
            var b2 = Vector128.Load(tile + 4 * nr + j);
            var b3 = Vector128.Load(tile + 5 * nr + j);
            RegisterTranspose.Transpose4x4(ref a0, ref a1, ref a2, ref a3);
            RegisterTranspose.Transpose4x4(ref b0, ref b1, ref b2, ref b3);
            Store(dst + (nint)j * p, a0, b0, bias == null ? null : bias + j, accumulate);
            Store(dst + (nint)(j + 1) * p, a1, b1, bias == null ? null : bias + j + 1, accumulate);
            Store(dst + (nint)(j + 2) * p, a2, b2, bias == null ? null : bias + j + 2, accumulate);
            Store(dst + (nint)(j + 3) * p, a3, b3, bias == null ? null : bias + j + 3, accumulate);
        }
    }

    // d[0..4) (+)= low, d[2..6) (+)= high, where low[2..4) = high[0..2): both sums come from the old d.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* d, Vector128<float> low, Vector128<float> high, float* bias, bool accumulate)
    {
        if (accumulate)
        {
            low += Vector128.Load(d);
            high += Vector128.Load(d + 2);
        }
        else if (bias != null)
        {
            low += Vector128.Create(*bias);
            high += Vector128.Create(*bias);
        }
        low.Store(d);
        high.Store(d + 2);
    }
}
