using Engine.Tests.Testing;
using Engine.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Text;

/// <summary>The skip-gram kernels against their references, each case on one of the SIMD paths this machine runs.</summary>
[Trait("Layer", "Text")]
[Collection(ParallelismCollection.Name)]
public sealed class Word2VecKernelsTests
{
    private static readonly string[] Paths = [.. SimdScope.PathNamesHere];

    // Lengths 0..70 cover the scalar tail, one and several Vector128 (4), Vector256 (8) and Vector512 (16) blocks,
    // primes, and 100.
    private static Arbitrary<(float[] X, float[] Y, float G, string Path)> Rows() =>
        (from n in Gen.OneOf(Gen.Choose(0, 70), Gen.Elements(100, 97, 127, 128, 129))
         from seed in Gen.Choose(0, int.MaxValue)
         from path in Gen.Elements(Paths)
         select Make(n, seed, path)).ToArbitrary();

    private static (float[] X, float[] Y, float G, string Path) Make(int n, int seed, string path)
    {
        var random = new Random(seed);
        float[] Draw() => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        return (Draw(), Draw(), (float)(random.NextDouble() - 0.5), path);
    }

    [Property(MaxTest = 300)]
    public Property Dot_MatchesReference() =>
        Prop.ForAll(Rows(), rows =>
        {
            using var scope = SimdScope.Limit(rows.Path);
            double expected = Word2VecKernels.DotReference(rows.X, rows.Y);
            double scale = rows.X.Zip(rows.Y).Sum(p => Math.Abs(p.First * p.Second));
            float actual = Word2VecKernels.Dot(rows.X, rows.Y);
            Assert.True(Math.Abs(actual - expected) <= Tolerance.Kernel * scale + Tolerance.KernelAbsolute,
                $"n {rows.X.Length} on {rows.Path}: dot {actual:R}, reference {expected:R}");
        });

    [Property(MaxTest = 300)]
    public Property UpdatePair_MatchesReference() =>
        Prop.ForAll(Rows(), rows =>
        {
            using var scope = SimdScope.Limit(rows.Path);
            float[] output = rows.Y, outputReference = (float[])rows.Y.Clone();
            float[] grad = rows.X.Select(v => v * 0.5f).ToArray(), gradReference = (float[])grad.Clone();
            Word2VecKernels.UpdatePair(rows.X, rows.G, output, grad);
            Word2VecKernels.UpdatePairReference(rows.X, rows.G, outputReference, gradReference);
            TensorAssert.AllClose(outputReference, output, Tolerance.Kernel, Tolerance.KernelAbsolute, $"output on {rows.Path}");
            TensorAssert.AllClose(gradReference, grad, Tolerance.Kernel, Tolerance.KernelAbsolute,
                $"gradInput on {rows.Path}");
        });
}
