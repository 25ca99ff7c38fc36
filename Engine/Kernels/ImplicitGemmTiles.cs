using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Kernels;

// Legend: a panel is 32 columns (ImplicitGemmKernel.NR) of a packed operand; a tile is the kernel's 8 × 32 output.

/// <summary>
/// The packing and unpacking around <see cref="ImplicitGemmKernel"/>: packed operands are stored in 32-wide,
/// 64-byte-aligned panels, and an output tile (8 pixels × 32 channels) is stored back transposed into NCHW.
/// Shared by <see cref="ConvImplicit"/> and <see cref="ConvImplicitInput"/>.
/// </summary>
internal static unsafe class ImplicitGemmTiles
{
    /// <summary>32-wide panels needed for <paramref name="channels"/> columns.</summary>
    internal static int Panels(int channels) => (channels + ImplicitGemmKernel.NR - 1) / ImplicitGemmKernel.NR;

    /// <summary>Rounds a pinned pointer up to the next 64-byte boundary (buffers are rented 16 floats longer).</summary>
    internal static float* Align(float* pointer) => (float*)(((nint)pointer + 63) & ~(nint)63);

    /// <summary>
    /// Packs the transpose of a row-major (rows × columns) matrix into 32-wide panels:
    /// <c>packed[panel·panelStride + t·32 + j] = m[panel·32 + j, t]</c>, zero past the last row. The panel stride
    /// is <c>columns·32</c> unless several matrices share the panels (the images of a group, one after another).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackTransposed(float* m, int rows, int columns, float* packed, nint panelStride = 0)
    {
        if (panelStride == 0)
            panelStride = (nint)columns * ImplicitGemmKernel.NR;
        for (int panel = 0; panel < Panels(rows); panel++)
        for (int j = 0; j < ImplicitGemmKernel.NR; j++)
        {
            int row = panel * ImplicitGemmKernel.NR + j;
            float* dst = packed + panel * panelStride + j;
            if (row < rows)
            {
                float* src = m + (nint)row * columns;
                for (int t = 0; t < columns; t++)
                    dst[(nint)t * ImplicitGemmKernel.NR] = src[t];
            }
            else
            {
                for (int t = 0; t < columns; t++)
                    dst[(nint)t * ImplicitGemmKernel.NR] = 0;
            }
        }
    }

    // out[n, panel·32 + j, i] (+)= tile[r, j] for the valid rows r (pixel q0 + r = n·p + i) and the panel's channels;
    // out is (images, channels, p).
    // When the tile's 8 pixels are consecutive in one image, each channel's 8 values are one strided gather from
    // the tile and one contiguous store (the common case); otherwise element by element.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScatterTile(float* tile, int valid, int q0, int panel, int channels, int p, float* output,
        float* bias, bool accumulate)
    {
        int oc0 = panel * ImplicitGemmKernel.NR, width = Math.Min(ImplicitGemmKernel.NR, channels - oc0);
        int n = q0 / p;
        if (valid == ImplicitGemmKernel.MR && (q0 + ImplicitGemmKernel.MR - 1) / p == n && Avx2.IsSupported)
        {
            float* dst = output + ((nint)n * channels + oc0) * p + (q0 - n * p);
            var rowIndex = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * ImplicitGemmKernel.NR;
            for (int j = 0; j < width; j++)
            {
                var v = Avx2.GatherVector256(tile + j, rowIndex, sizeof(float));
                float* d = dst + (nint)j * p;
                if (accumulate)
                    v += Vector256.Load(d);
                else if (bias != null)
                    v += Vector256.Create(bias[oc0 + j]);
                v.Store(d);
            }
            return;
        }
        for (int r = 0; r < valid; r++)
        {
            int q = q0 + r, image = q / p;
            float* dst = output + ((nint)image * channels + oc0) * p + (q - image * p);
            float* src = tile + r * ImplicitGemmKernel.NR;
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
}
