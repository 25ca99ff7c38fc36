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
    public static void ImageToColumns(ReadOnlySpan<float> image, in Conv2DShape shape, int rowStride, int offset,
        Span<float> columns)
    {
        // image (C, H, W) -> columns (C·KH·KW, rowStride), block [offset, offset + OH·OW)
        int oh = shape.OH, ow = shape.OW, sh = shape.StrideH, sw = shape.StrideW;
        int row = 0;
        for (int c = 0; c < shape.C; c++)
        {
            for (int kh = 0; kh < shape.KH; kh++)
            {
                for (int kw = 0; kw < shape.KW; kw++, row++)
                {
                    // Output columns whose input column iw = x·sw − p + kw lies inside [0, W).
                    (int x0, int x1) = ValidRange(kw - shape.PadW, sw, shape.W, ow);
                    Span<float> dst = columns.Slice(row * rowStride + offset, oh * ow);
                    for (int y = 0; y < oh; y++)
                    {
                        Span<float> d = dst.Slice(y * ow, ow);
                        int ih = y * sh - shape.PadH + kh;
                        if ((uint)ih >= (uint)shape.H)
                        {
                            d.Clear();
                            continue;
                        }
                        ReadOnlySpan<float> src = image.Slice((c * shape.H + ih) * shape.W, shape.W);
                        d[..x0].Clear();
                        d[x1..].Clear();
                        int iw = x0 * sw - shape.PadW + kw;
                        if (sw == 1)
                        {
                            src.Slice(iw, x1 - x0).CopyTo(d[x0..x1]);
                        }
                        else
                        {
                            for (int x = x0; x < x1; x++, iw += sw)
                                d[x] = src[iw];
                        }
                    }
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
    public static void ColumnsToImage(ReadOnlySpan<float> columns, in Conv2DShape shape, int rowStride, int offset,
        Span<float> image)
    {
        // columns (C·KH·KW, rowStride), block [offset, offset + OH·OW) -> image (C, H, W) +=
        int oh = shape.OH, ow = shape.OW, sh = shape.StrideH, sw = shape.StrideW;
        int row = 0;
        for (int c = 0; c < shape.C; c++)
        {
            for (int kh = 0; kh < shape.KH; kh++)
            {
                for (int kw = 0; kw < shape.KW; kw++, row++)
                {
                    (int x0, int x1) = ValidRange(kw - shape.PadW, sw, shape.W, ow);
                    ReadOnlySpan<float> srcRows = columns.Slice(row * rowStride + offset, oh * ow);
                    for (int y = 0; y < oh; y++)
                    {
                        int ih = y * sh - shape.PadH + kh;
                        if ((uint)ih >= (uint)shape.H)
                            continue;
                        ReadOnlySpan<float> s = srcRows.Slice(y * ow, ow);
                        Span<float> dst = image.Slice((c * shape.H + ih) * shape.W, shape.W);
                        int iw = x0 * sw - shape.PadW + kw;
                        if (sw == 1)
                        {
                            Span<float> d = dst.Slice(iw, x1 - x0);
                            System.Numerics.Tensors.TensorPrimitives.Add(d, s[x0..x1], d);
                        }
                        else
                        {
                            for (int x = x0; x < x1; x++, iw += sw)
                                dst[iw] += s[x];
                        }
                    }
                }
            }
        }
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
