using System.Numerics.Tensors;

namespace Engine.Kernels;

// Legend: C = channels, H/W = image size, KH/KW = kernel size, OH/OW = output size, s = stride, p = padding.
// The column matrix of one image has C·KH·KW rows (one per filter tap (c, kh, kw)) and OH·OW columns (one per
// output pixel); entry [(c, kh, kw), (oh, ow)] = image[c, oh·s − p + kh, ow·s − p + kw], or 0 in the padding.
// A convolution is then one matrix product: output (OC, OH·OW) = weight (OC, C·KH·KW) · columns.

/// <summary>
/// im2col and its adjoint col2im: unfold the receptive fields of one image into the columns of a matrix,
/// and fold (sum) such a matrix back into an image. They turn convolution into <see cref="Gemm.Multiply"/>.
/// </summary>
public static class Im2Col
{
    /// <summary>
    /// Unfolds one image into columns <c>[offset, offset + OH·OW)</c> of a row-major matrix with
    /// <paramref name="rowStride"/> columns and <c>C·KH·KW</c> rows (overwrites those entries).
    /// </summary>
    /// <param name="image">One image, (C, H, W) of <paramref name="shape"/>.</param>
    /// <param name="shape">The convolution; N and OC are ignored.</param>
    /// <param name="rowStride">Columns of the whole matrix (at least <c>offset + OH·OW</c>).</param>
    /// <param name="offset">First column written.</param>
    /// <param name="columns">The matrix, at least <c>C·KH·KW·rowStride</c> elements.</param>
    /// <exception cref="ArgumentException">The spans are too short for the shape, row stride and offset.</exception>
    public static unsafe void ImageToColumns(ReadOnlySpan<float> image, in Conv2DShape shape, int rowStride,
        int offset, Span<float> columns)
    {
        // image (C, H, W) -> columns (C·KH·KW, rowStride), block [offset, offset + OH·OW)
        Conv2DShape s = shape;
        CheckSpans(image.Length, columns.Length, s, rowStride, offset);
        int oh = s.OH, ow = s.OW, sh = s.StrideH, sw = s.StrideW;
        fixed (float* imagePtr = image, columnsPtr = columns)
        {
            float* dst = columnsPtr + offset;
            if (Im2ColNarrow.Applies(s))
            {
                Im2ColNarrow.ImageToColumns(imagePtr, s, rowStride, dst);
                return;
            }
            for (int c = 0; c < s.C; c++)
            for (int kh = 0; kh < s.KH; kh++)
            for (int kw = 0; kw < s.KW; kw++, dst += rowStride)
            {
                // Output columns whose input column iw = x·sw − p + kw lies inside [0, W); the rest is padding.
                (int x0, int x1) = ValidRange(kw - s.PadW, sw, s.W, ow);
                int iw0 = x0 * sw - s.PadW + kw;
                for (int y = 0; y < oh; y++)
                {
                    float* d = dst + y * ow;
                    int ih = y * sh - s.PadH + kh;
                    if ((uint)ih >= (uint)s.H)
                    {
                        new Span<float>(d, ow).Clear();
                        continue;
                    }
                    float* src = imagePtr + (c * s.H + ih) * s.W + iw0;
                    for (int x = 0; x < x0; x++)
                        d[x] = 0;
                    Copy(src, sw, d + x0, x1 - x0);
                    for (int x = x1; x < ow; x++)
                        d[x] = 0;
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="ImageToColumns"/>: adds every entry of columns
    /// <c>[offset, offset + OH·OW)</c> into the image pixel it was copied from (accumulates +=; padding
    /// entries are dropped).
    /// </summary>
    /// <param name="columns">The matrix, (C·KH·KW, rowStride).</param>
    /// <param name="shape">The convolution; N and OC are ignored.</param>
    /// <param name="rowStride">Columns of the whole matrix.</param>
    /// <param name="offset">First column read.</param>
    /// <param name="image">One image, (C, H, W); accumulated into.</param>
    /// <exception cref="ArgumentException">The spans are too short for the shape, row stride and offset.</exception>
    public static unsafe void ColumnsToImage(ReadOnlySpan<float> columns, in Conv2DShape shape, int rowStride,
        int offset, Span<float> image)
    {
        // columns (C·KH·KW, rowStride), block [offset, offset + OH·OW) -> image (C, H, W) +=
        Conv2DShape s = shape;
        CheckSpans(image.Length, columns.Length, s, rowStride, offset);
        int oh = s.OH, ow = s.OW, sh = s.StrideH, sw = s.StrideW;
        fixed (float* imagePtr = image, columnsPtr = columns)
        {
            float* src = columnsPtr + offset;
            for (int c = 0; c < s.C; c++)
            for (int kh = 0; kh < s.KH; kh++)
            for (int kw = 0; kw < s.KW; kw++, src += rowStride)
            {
                (int x0, int x1) = ValidRange(kw - s.PadW, sw, s.W, ow);
                int iw0 = x0 * sw - s.PadW + kw, length = x1 - x0;
                for (int y = 0; y < oh; y++)
                {
                    int ih = y * sh - s.PadH + kh;
                    if ((uint)ih >= (uint)s.H)
                        continue;
                    float* srcRow = src + y * ow + x0;
                    float* d = imagePtr + (c * s.H + ih) * s.W + iw0;
                    if (sw == 1)
                    {
                        var dst = new Span<float>(d, length);
                        TensorPrimitives.Add(dst, new ReadOnlySpan<float>(srcRow, length), dst);
                    }
                    else
                    {
                        for (int x = 0; x < length; x++)
                            d[x * sw] += srcRow[x];
                    }
                }
            }
        }
    }

    // d[i] = s[i·stride] for i < length; stride 1 is a block copy, stride 2 (the usual downsampling) is unrolled.
    private static unsafe void Copy(float* s, int stride, float* d, int length)
    {
        if (stride == 1)
        {
            new ReadOnlySpan<float>(s, length).CopyTo(new Span<float>(d, length));
            return;
        }
        int i = 0;
        if (stride == 2)
        {
            for (; i + 4 <= length; i += 4)
            {
                d[i] = s[2 * i];
                d[i + 1] = s[2 * i + 2];
                d[i + 2] = s[2 * i + 4];
                d[i + 3] = s[2 * i + 6];
            }
        }
        for (; i < length; i++)
            d[i] = s[i * stride];
    }

    // Guards the pointer loops: the spans must cover the image and the addressed block of columns.
    private static void CheckSpans(int imageLength, int columnsLength, in Conv2DShape s, int rowStride, int offset)
    {
        long p = (long)s.OH * s.OW;
        if (imageLength < (long)s.C * s.H * s.W || offset < 0 || rowStride < offset + p ||
            columnsLength < (long)(s.ColumnRows - 1) * rowStride + offset + p)
            throw new ArgumentException(
                $"Im2Col: image of {imageLength} or columns of {columnsLength} elements (row stride {rowStride}, " +
                $"offset {offset}) do not fit {s}.");
    }

    // The output positions x in [0, count) with 0 <= x·stride + shift < size, as a half-open range [x0, x1).
    private static (int X0, int X1) ValidRange(int shift, int stride, int size, int count)
    {
        int x0 = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
        int x1 = size - shift <= 0 ? 0 : (size - shift - 1) / stride + 1;
        x0 = Math.Min(x0, count);
        x1 = Math.Clamp(x1, x0, count);
        return (x0, x1);
    }
}
