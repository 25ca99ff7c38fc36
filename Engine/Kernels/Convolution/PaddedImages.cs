using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Kernels;

// Legend: (channels, height, width) = one source image; (Height, Width) = one padded plane; top/left = the zero
// border before the image. The padded plane is cut to the rows and columns a kernel actually reads, so its
// bottom/right border may be absent (or the image's last rows/columns may be dropped when nothing reads them).

/// <summary>
/// The layout of a batch of images copied into zero-bordered planes, so a convolution kernel can read any tap
/// of any output pixel at <c>base + offset</c> without testing for the border (see <see cref="ConvImplicit"/>).
/// </summary>
internal readonly unsafe struct PaddedImages(int channels, int height, int width, int top, int left,
    int paddedHeight, int paddedWidth)
{
    /// <summary>Rows of one padded plane.</summary>
    public int Height => paddedHeight;

    /// <summary>Columns of one padded plane.</summary>
    public int Width => paddedWidth;

    /// <summary>Floats in one padded plane.</summary>
    public int PlaneLength => paddedHeight * paddedWidth;

    /// <summary>Floats in one padded image (all channels).</summary>
    public int ImageLength => channels * PlaneLength;

    /// <summary>
    /// Copies <paramref name="count"/> images (count, channels, height, width) from <paramref name="source"/> into
    /// padded planes at <paramref name="destination"/>, zeroing the border.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void FillImages(float* source, int count, float* destination)
    {
        for (int image = 0; image < count; image++)
            FillImage(source + (nint)image * channels * height * width, destination + (nint)image * ImageLength);
    }

    // Narrow planes (at most 16 floats wide, the conv-autoencoder layers) are written row by row from registers,
    // so nothing is cleared first: AVX-512 loads the image row with a mask, shifts it right by `left` lanes with one
    // permute and stores the whole padded row with a mask; AVX2 loads each 8-lane half of the padded row straight from
    // `left` floats before the image row (masked-off lanes read nothing and become zero) and stores it whole, letting
    // it spill into the rows after it, which are written next (masked only where a spill would leave the image).
    // Wider planes, and the Vector128 path (ARM64 has no masked loads), clear the planes and copy the image rows into
    // their interiors.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillImage(float* source, float* destination)
    {
        int copied = Math.Clamp(paddedWidth - left, 0, width);
        if (Simd.Allows(SimdPath.Avx512) && paddedWidth <= Vector512<float>.Count)
        {
            FillNarrow(source, destination, copied);
            return;
        }
        if (Simd.Allows(SimdPath.Avx2) && paddedWidth <= 2 * Vector256<float>.Count)
        {
            FillNarrow256(source, destination, copied);
            return;
        }
        new Span<float>(destination, ImageLength).Clear();
        int firstRow = Math.Max(0, -top), lastRow = Math.Min(height, paddedHeight - top);
        for (int c = 0; c < channels && copied > 0; c++)
        {
            float* from = source + (nint)c * height * width, to = destination + (nint)c * PlaneLength + left;
            for (int row = firstRow; row < lastRow; row++)
            {
                new ReadOnlySpan<float>(from + (nint)row * width, copied)
                    .CopyTo(new Span<float>(to + (nint)(row + top) * paddedWidth, copied));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillNarrow256(float* source, float* destination, int copied)
    {
        var lanes = Vector256<int>.Indices;
        // Lane i of half h is padded column x = 8h + i: image column x − left when left ≤ x < left + copied.
        var loadLow = InRange(lanes, left, left + copied);
        var loadHigh = InRange(lanes + Vector256.Create(8), left, left + copied);
        var storeLow = Vector256.LessThan(lanes, Vector256.Create(paddedWidth)).AsSingle();
        var storeHigh = Vector256.LessThan(lanes + Vector256.Create(8), Vector256.Create(paddedWidth)).AsSingle();
        bool twoHalves = paddedWidth > Vector256<float>.Count;
        int imageLength = ImageLength;
        for (int c = 0; c < channels; c++)
        {
            float* from = source + (nint)c * height * width;
            for (int row = 0; row < paddedHeight; row++)
            {
                int offset = c * PlaneLength + row * paddedWidth, sourceRow = row - top;
                var low = Vector256<float>.Zero;
                var high = Vector256<float>.Zero;
                if ((uint)sourceRow < (uint)height && copied > 0)
                {
                    float* start = from + (nint)sourceRow * width - left;
                    Sse.Prefetch0(start + PrefetchDistance);
                    low = Avx.MaskLoad(start, loadLow);
                    if (twoHalves)
                        high = Avx.MaskLoad(start + 8, loadHigh);
                }
                float* to = destination + offset;
                Store(to, low, storeLow, offset + 8 <= imageLength);
                if (twoHalves)
                    Store(to + 8, high, storeHigh, offset + 16 <= imageLength);
            }
        }
    }

    // A whole 8-float store when it stays inside the image (the lanes past the row land on rows written later),
    // else only the row's own lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* to, Vector256<float> value, Vector256<float> mask, bool whole)
    {
        if (whole)
            value.Store(to);
        else
            Avx.MaskStore(to, mask, value);
    }

    private static Vector256<float> InRange(Vector256<int> x, int start, int end) =>
        (Vector256.GreaterThanOrEqual(x, Vector256.Create(start)) & Vector256.LessThan(x, Vector256.Create(end)))
        .AsSingle();

    // How far ahead (in floats) FillNarrow asks for source rows.
    private const int PrefetchDistance = 1024;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillNarrow(float* source, float* destination, int copied)
    {
        var lanes = Vector512<int>.Indices;
        var loadMask = Vector512.LessThan(lanes, Vector512.Create(copied)).AsSingle();
        var storeMask = Vector512.LessThan(lanes, Vector512.Create(paddedWidth)).AsSingle();
        // Lane i of the padded row takes lane (i − left) mod 16 of the image row. The lanes that should be zero
        // (i < left, or i ≥ left + copied) all map to lanes ≥ copied, which the masked load left at zero,
        // because left + copied ≤ paddedWidth ≤ 16.
        var index = (lanes - Vector512.Create(left)) & Vector512.Create(15);
        for (int c = 0; c < channels; c++)
        {
            float* from = source + (nint)c * height * width, to = destination + (nint)c * PlaneLength;
            for (int row = 0; row < paddedHeight; row++)
            {
                int sourceRow = row - top;
                var value = Vector512<float>.Zero;
                if ((uint)sourceRow < (uint)height && copied > 0)
                {
                    Sse.Prefetch0(from + (nint)sourceRow * width + PrefetchDistance);
                    value = Avx512F.MaskLoad(from + (nint)sourceRow * width, loadMask, Vector512<float>.Zero);
                    value = Avx512F.PermuteVar16x32(value, index);
                }
                Avx512F.MaskStore(to + (nint)row * paddedWidth, storeMask, value);
            }
        }
    }
}
