using Engine.Kernels;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Kernels;

/// <summary>
/// PaddedImages (the zero-bordered copy behind the implicit-GEMM convolution) against a naive copy, on every SIMD path
/// this machine runs (AVX-512 and AVX2 fill narrow planes from registers, the others clear and copy).
/// </summary>
[Trait("Layer", "Kernels")]
[Collection(ParallelismCollection.Name)]
public sealed class PaddedImagesTests
{
    public sealed record Case(int Count, int Channels, int Height, int Width, int Top, int Left, int PaddedHeight,
        int PaddedWidth, int Seed);

    public static class Cases
    {
        // Widths on both sides of the 8- and 16-lane narrow paths; padded planes that cut rows/columns off the image too.
        public static Arbitrary<Case> Any() =>
            (from count in Gen.Choose(1, 3)
             from channels in Gen.Choose(1, 4)
             from height in Gen.Choose(1, 20)
             from width in Gen.Choose(1, 20)
             from top in Gen.Choose(0, 3)
             from left in Gen.Choose(0, 3)
             from paddedHeight in Gen.Choose(1, height + 6)
             from paddedWidth in Gen.Choose(1, width + 6)
             from seed in Gen.Choose(0, int.MaxValue)
             select new Case(count, channels, height, width, top, left, paddedHeight, paddedWidth, seed)).ToArbitrary();
    }

    [Property(Arbitrary = [typeof(Cases)], MaxTest = 200)]
    public unsafe void FillImages_EqualsNaiveZeroPaddedCopy(Case c, int pathPick)
    {
        string[] paths = [.. SimdScope.PathNamesHere];
        using var scope = SimdScope.Limit(paths[(int)((uint)pathPick % (uint)paths.Length)]);
        var random = new Random(c.Seed);
        float[] source = new float[c.Count * c.Channels * c.Height * c.Width];
        for (int i = 0; i < source.Length; i++)
            source[i] = (float)random.NextDouble() + 1;
        var layout = new PaddedImages(c.Channels, c.Height, c.Width, c.Top, c.Left, c.PaddedHeight, c.PaddedWidth);
        Assert.Equal(c.Channels * c.PaddedHeight * c.PaddedWidth, layout.ImageLength);
        // Stale values everywhere, plus a guard region after the images that must stay untouched.
        float[] actual = Enumerable.Repeat(-7f, c.Count * layout.ImageLength + 32).ToArray();
        fixed (float* src = source, dst = actual)
            layout.FillImages(src, c.Count, dst);

        for (int n = 0; n < c.Count; n++)
        for (int ch = 0; ch < c.Channels; ch++)
        for (int y = 0; y < c.PaddedHeight; y++)
        for (int x = 0; x < c.PaddedWidth; x++)
        {
            int iy = y - c.Top, ix = x - c.Left;
            float expected = iy >= 0 && iy < c.Height && ix >= 0 && ix < c.Width
                ? source[((n * c.Channels + ch) * c.Height + iy) * c.Width + ix]
                : 0f;
            float got = actual[((n * c.Channels + ch) * c.PaddedHeight + y) * c.PaddedWidth + x];
            Assert.True(expected == got, $"{c} on {Simd.Active}: image {n}, channel {ch}, padded ({y}, {x}): expected {expected}, got {got}");
        }
        for (int i = c.Count * layout.ImageLength; i < actual.Length; i++)
            Assert.True(actual[i] == -7f, $"{c}: wrote past the last image at {i}");
    }
}
