using Engine.Kernels;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Engine.Tests.Kernels.ConvData;

namespace Engine.Tests.Kernels;

/// <summary>Wider random shapes than the conv properties, so both the narrow (AVX-512) and generic paths run.</summary>
public static class Im2ColArbitraries
{
    public static Arbitrary<ConvCase> Case() =>
        (from c in Gen.Choose(1, 3)
         from h in Gen.Choose(1, 20)
         from w in Gen.Choose(1, 40)
         from kh in Gen.Choose(1, 4)
         from kw in Gen.Choose(1, 4)
         from sh in Gen.Choose(1, 3)
         from sw in Gen.Choose(1, 3)
         from ph in Gen.Choose(0, 2)
         from pw in Gen.Choose(0, 2)
         from seed in Gen.Choose(0, int.MaxValue)
         where h + 2 * ph >= kh && w + 2 * pw >= kw
         select new ConvCase(new Conv2DShape(1, c, h, w, 1, kh, kw, sh, sw, ph, pw), seed)).ToArbitrary();
}

[Trait("Layer", "Kernels")]
[Collection("Parallelism")]
public sealed class Im2ColTests
{
    // The definition: entry [(c, kh, kw), (y, x)] = image[c, y·sh − ph + kh, x·sw − pw + kw], 0 in the padding.
    private static float[] Expected(float[] image, Conv2DShape s, int rowStride, int offset, float[] initial)
    {
        var columns = (float[])initial.Clone();
        for (int c = 0; c < s.C; c++)
        for (int kh = 0; kh < s.KH; kh++)
        for (int kw = 0; kw < s.KW; kw++)
        for (int y = 0; y < s.OH; y++)
        for (int x = 0; x < s.OW; x++)
        {
            int ih = y * s.StrideH - s.PadH + kh, iw = x * s.StrideW - s.PadW + kw;
            bool inside = ih >= 0 && ih < s.H && iw >= 0 && iw < s.W;
            columns[((c * s.KH + kh) * s.KW + kw) * rowStride + offset + y * s.OW + x] =
                inside ? image[(c * s.H + ih) * s.W + iw] : 0f;
        }
        return columns;
    }

    [Property(Arbitrary = [typeof(Im2ColArbitraries)], MaxTest = 100)]
    public void GenericPath_MatchesDefinition_AndColumnsToImageIsTheAdjoint(ConvCase c) => Check(c, [false]);

    // The narrow path exists only on AVX-512 (elsewhere Im2ColNarrow.Applies is false and this reports skipped);
    // where it runs, both paths must agree.
    [IsaProperty(IsaPath.Avx512, Arbitrary = [typeof(Im2ColArbitraries)], MaxTest = 100)]
    public void NarrowPath_Avx512_MatchesDefinition_AndAgreesWithTheGenericPath(ConvCase c) => Check(c, [true, false]);

    private static void Check(ConvCase c, bool[] paths)
    {
        Conv2DShape s = c.Shape;
        var random = new Random(c.Seed);
        int p = s.OH * s.OW, offset = random.Next(3), rowStride = offset + p + random.Next(3);
        float[] image = Uniform(random, s.C * s.H * s.W);
        // Entries outside the block must survive untouched, so start from non-zero values.
        float[] initial = Uniform(random, s.ColumnRows * rowStride);
        float[] expected = Expected(image, s, rowStride, offset, initial);
        float[] y = Uniform(random, s.ColumnRows * rowStride);
        float[]? firstAdjoint = null;
        bool saved = Im2ColNarrow.Enabled;
        try
        {
            foreach (bool narrow in paths)
            {
                Im2ColNarrow.Enabled = narrow;
                var columns = (float[])initial.Clone();
                Im2Col.ImageToColumns(image, s, rowStride, offset, columns);
                TensorAssert.BitwiseEqual(expected, columns, $"ImageToColumns (narrow path {narrow}) {c}");

                // <im2col(x), y> over the block = <x, col2im(y)>: ColumnsToImage is exactly the adjoint.
                float[] block = new float[y.Length], yBlock = new float[y.Length];
                for (int r = 0; r < s.ColumnRows; r++)
                for (int i = offset; i < offset + p; i++)
                {
                    block[r * rowStride + i] = columns[r * rowStride + i];
                    yBlock[r * rowStride + i] = y[r * rowStride + i];
                }
                var adjoint = new float[image.Length];
                Im2Col.ColumnsToImage(y, s, rowStride, offset, adjoint);
                AssertAdjoint(block, yBlock, image, adjoint, $"ColumnsToImage (narrow path {narrow}) {c}");
                if (firstAdjoint is null)
                    firstAdjoint = adjoint;
                else
                    TensorAssert.AllClose(firstAdjoint, adjoint, Tolerance.Kernel, Tolerance.KernelAbsolute,
                        $"ColumnsToImage narrow vs generic {c}");
            }
        }
        finally
        {
            Im2ColNarrow.Enabled = saved;
        }
    }

    [Fact]
    public void NarrowPath_AppliesToTheAutoencoderLayers_ExactlyWhereAvx512Runs()
    {
        // 28×28 and 14×14 inputs, 3×3, stride 2, padding 1: the shapes the narrow path was written for.
        bool saved = Im2ColNarrow.Enabled;
        try
        {
            Im2ColNarrow.Enabled = true;
            foreach (int size in new[] { 28, 14 })
                Assert.Equal(Isa.Has(IsaPath.Avx512),
                    Im2ColNarrow.Applies(new Conv2DShape(1, 1, size, size, 1, 3, 3, 2, 1)));
        }
        finally
        {
            Im2ColNarrow.Enabled = saved;
        }
    }

    [Fact]
    public void Kernels_RejectSpansThatDoNotFit()
    {
        var s = new Conv2DShape(1, 2, 5, 5, 1, 3, 3, 1, 1);
        var e = Assert.Throws<ArgumentException>(() =>
            Im2Col.ImageToColumns(new float[50], s, 25, 1, new float[18 * 25]));
        Assert.Contains("Im2Col", e.Message);
        Assert.Throws<ArgumentException>(() => Im2Col.ColumnsToImage(new float[18 * 25], s, 25, 0, new float[49]));
    }
}
