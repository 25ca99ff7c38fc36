using System.Runtime.InteropServices;
using Engine.Kernels;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Kernels;

/// <summary>
/// The implicit-GEMM micro-kernels alone against a naive loop: c (MR × NR) [+]= Σ_t rows[r][offsets[t]] · b[t, :],
/// with row bases and column offsets scattered over a source array, as a convolution's padded images produce them.
/// One property per kernel (8 × 32 AVX-512, 6 × 16 AVX2, 6 × 8 Vector128); a kernel this machine cannot run reports
/// skipped.
/// </summary>
[Trait("Layer", "Kernels")]
[Collection(ParallelismCollection.Name)]
public sealed class ImplicitGemmKernelTests
{
    public sealed record Case(int Count, int SourceLength, int Seed, bool Add);

    private static readonly SimdPath[] Kernels =
        [.. new[] { SimdPath.Avx512, SimdPath.Avx2, SimdPath.Vector128 }.Where(p => p <= Simd.Hardware)];

    public static class Cases
    {
        // Sums of 0, 1, odd, prime and longer lengths (around the vector width and a typical tap count).
        public static Arbitrary<Case> Any() =>
            (from count in Gen.Elements(0, 1, 2, 7, 15, 16, 17, 31, 97, 288)
             from sourceLength in Gen.Choose(1, 500)
             from seed in Gen.Choose(0, int.MaxValue)
             from add in Gen.Elements(false, true)
             select new Case(count, sourceLength, seed, add)).ToArbitrary();
    }

    [Fact]
    public void EverySimdPath_HasAnImplicitKernel_AndTheConvPathIsOnThere()
    {
        using (SimdScope.Limit(SimdPath.Scalar))
            Assert.False(ConvImplicit.IsOn, "the implicit conv path claims to run without SIMD");
        Isa.Require(IsaPath.Vector128); // the narrowest path with an implicit kernel
        Assert.NotEmpty(Kernels);
        foreach (var path in Kernels)
        {
            using var scope = SimdScope.Limit(path);
            Assert.True(ConvImplicit.IsOn, $"the implicit conv path is off on {path}");
        }
    }

    [IsaProperty(IsaPath.Avx512, Arbitrary = [typeof(Cases)], MaxTest = 60)]
    public void Run_Avx512_MatchesNaiveLoop(Case c) => Check<ImplicitGemmKernel512>(c);

    [IsaProperty(IsaPath.Avx2, Arbitrary = [typeof(Cases)], MaxTest = 60)]
    public void Run_Avx2_MatchesNaiveLoop(Case c) => Check<ImplicitGemmKernel256>(c);

    [IsaProperty(IsaPath.Vector128, Arbitrary = [typeof(Cases)], MaxTest = 60)]
    public void Run_Vector128_MatchesNaiveLoop(Case c) => Check<ImplicitGemmKernel128>(c);

    private static unsafe void Check<TKernel>(Case c) where TKernel : struct, IImplicitGemmKernel
    {
        var random = new Random(c.Seed);
        int mr = TKernel.MR, nr = TKernel.NR;
        float[] source = Values(random, c.SourceLength);
        // Every address rowBase + offset stays inside the source: bases in the first half, offsets in the rest.
        int half = (c.SourceLength + 1) / 2;
        int[] bases = Enumerable.Range(0, mr).Select(_ => random.Next(half)).ToArray();
        int[] offsets = Enumerable.Range(0, c.Count).Select(_ => random.Next(c.SourceLength - half + 1)).ToArray();
        float[] bValues = Values(random, c.Count * nr);

        int ldc = nr + 3; // a row stride wider than the tile: only the tile's NR columns may change
        float[] expected = Values(random, mr * ldc); // the old c, which `add` keeps
        float[] actual = (float[])expected.Clone();
        for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++)
        {
            double sum = 0;
            for (int t = 0; t < c.Count; t++)
                sum += (double)source[bases[r] + offsets[t]] * bValues[t * nr + j];
            expected[r * ldc + j] = (float)(c.Add ? expected[r * ldc + j] + sum : sum);
        }

        float* b = (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, c.Count * nr) * sizeof(float), 64);
        try
        {
            bValues.CopyTo(new Span<float>(b, c.Count * nr));
            fixed (float* src = source, dst = actual)
            fixed (int* offsetPtr = offsets)
            {
                float** rows = stackalloc float*[mr];
                for (int r = 0; r < mr; r++)
                    rows[r] = src + bases[r];
                TKernel.Run(c.Count, rows, offsetPtr, b, dst, ldc, c.Add);
            }
        }
        finally
        {
            NativeMemory.AlignedFree(b);
        }
        TensorAssert.AllClose(expected, actual, Tolerance.Kernel, 4 * Tolerance.KernelAbsolute, $"{c} {typeof(TKernel).Name}");
    }

    private static float[] Values(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
