using Engine.Kernels;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Kernels;

/// <summary>One random GEMM problem: sizes, flags and the seed of its data.</summary>
public sealed record GemmCase(int M, int K, int N, bool TransposeA, bool TransposeB, bool Accumulate,
    ActivationKind Activation, int Seed);

/// <summary>
/// Generators: sizes mix 1, primes, the vector width, the tiles (4, 6, 8, 12, 16, 32) and the blocks (KC 256 and 384,
/// MC 96, 120, 144, 192). Each property runs one micro-kernel, with the packing of its own path; a kernel this
/// machine cannot run reports skipped.
/// </summary>
public static class GemmArbitraries
{
    private static readonly int[] Interesting =
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 23, 25, 31, 32, 33, 47, 63, 64, 65, 95, 97, 121, 127, 143,
            145, 191, 192, 193, 257, 300];

    private static readonly int[] InterestingK = [.. Interesting, 255, 256, 257, 383, 384, 385, 513, 769];

    /// <summary>Every micro-kernel this machine runs natively, plus the scalar one.</summary>
    internal static readonly GemmKernelKind[] Kernels =
    [
        .. new[] { GemmKernelKind.Avx512, GemmKernelKind.Avx256, GemmKernelKind.Vector128, GemmKernelKind.Arm64 }
            .Where(GemmKernelRunsHere),
        GemmKernelKind.Scalar,
    ];

    /// <summary>Limits the kernels to <paramref name="kind"/>'s path (its packing), or reports the test skipped.
    /// </summary>
    internal static SimdScope Use(GemmKernelKind kind) => SimdScope.Limit(PathOf(kind));

    /// <summary>Whether the machine has the instructions of a kernel (the 8 × 12 one is plain Vector128 code).</summary>
    internal static bool GemmKernelRunsHere(GemmKernelKind kind) => PathOf(kind) <= Simd.Hardware;

    /// <summary>The path a kernel belongs to: tests run it with the packing of that path (see SimdScope).</summary>
    internal static SimdPath PathOf(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Avx512 => SimdPath.Avx512,
        GemmKernelKind.Avx256 => SimdPath.Avx2,
        GemmKernelKind.Vector128 or GemmKernelKind.Arm64 => SimdPath.Vector128,
        _ => SimdPath.Scalar,
    };

    /// <summary>Random GEMM cases with at most ~2.5 M multiply-adds each, so the double reference stays quick.</summary>
    public static Arbitrary<GemmCase> Cases()
    {
        var size = Gen.OneOf(Gen.Elements(Interesting), Gen.Choose(1, 300));
        var kSize = Gen.OneOf(Gen.Elements(InterestingK), Gen.Choose(1, 300));
        var gen =
            from m in size
            from k in kSize
            from n in size
            from ta in Gen.Elements(false, true)
            from tb in Gen.Elements(false, true)
            from acc in Gen.Elements(false, true)
            from act in Gen.Elements(Enum.GetValues<ActivationKind>())
            from seed in Gen.Choose(0, int.MaxValue)
            where (long)m * k * n <= 2_500_000
            select new GemmCase(m, k, n, ta, tb, acc, act, seed);
        return gen.ToArbitrary();
    }
}

[Trait("Layer", "Kernels")]
[Collection(ParallelismCollection.Name)]
public sealed class GemmTests
{
    // One property per micro-kernel and operation: each runs its kernel with its path's packing, or reports skipped.
    [IsaProperty(IsaPath.Avx512, Arbitrary = [typeof(GemmArbitraries)], MaxTest = 25)]
    public void Multiply_Avx512_RandomShapes_MatchesReference(GemmCase t) => Multiply(t, GemmKernelKind.Avx512);

    [IsaProperty(IsaPath.Avx2, Arbitrary = [typeof(GemmArbitraries)], MaxTest = 25)]
    public void Multiply_Avx2_RandomShapes_MatchesReference(GemmCase t) => Multiply(t, GemmKernelKind.Avx256);

    [IsaProperty(IsaPath.Vector128, Arbitrary = [typeof(GemmArbitraries)], MaxTest = 25)]
    public void Multiply_Vector128_RandomShapes_MatchesReference(GemmCase t) => Multiply(t, GemmKernelKind.Vector128);

    [IsaProperty(IsaPath.Vector128, Arbitrary = [typeof(GemmArbitraries)], MaxTest = 25)]
    public void Multiply_Arm64Tile_RandomShapes_MatchesReference(GemmCase t) => Multiply(t, GemmKernelKind.Arm64);

    [IsaProperty(IsaPath.Scalar, Arbitrary = [typeof(GemmArbitraries)], MaxTest = 25)]
    public void Multiply_Scalar_RandomShapes_MatchesReference(GemmCase t) => Multiply(t, GemmKernelKind.Scalar);

    [IsaProperty(IsaPath.Avx512, Arbitrary = [typeof(GemmArbitraries)], MaxTest = 15)]
    public void MultiplyBiasActivation_Avx512_RandomShapes_MatchesReference(GemmCase t) =>
        MultiplyBiasActivation(t, GemmKernelKind.Avx512);

    [IsaProperty(IsaPath.Avx2, Arbitrary = [typeof(GemmArbitraries)], MaxTest = 15)]
    public void MultiplyBiasActivation_Avx2_RandomShapes_MatchesReference(GemmCase t) =>
        MultiplyBiasActivation(t, GemmKernelKind.Avx256);

    [IsaProperty(IsaPath.Vector128, Arbitrary = [typeof(GemmArbitraries)], MaxTest = 15)]
    public void MultiplyBiasActivation_Vector128_RandomShapes_MatchesReference(GemmCase t) =>
        MultiplyBiasActivation(t, GemmKernelKind.Vector128);

    [IsaProperty(IsaPath.Vector128, Arbitrary = [typeof(GemmArbitraries)], MaxTest = 15)]
    public void MultiplyBiasActivation_Arm64Tile_RandomShapes_MatchesReference(GemmCase t) =>
        MultiplyBiasActivation(t, GemmKernelKind.Arm64);

    [IsaProperty(IsaPath.Scalar, Arbitrary = [typeof(GemmArbitraries)], MaxTest = 15)]
    public void MultiplyBiasActivation_Scalar_RandomShapes_MatchesReference(GemmCase t) =>
        MultiplyBiasActivation(t, GemmKernelKind.Scalar);

    private static void Multiply(GemmCase t, GemmKernelKind kernel)
    {
        using var scope = GemmArbitraries.Use(kernel);
        var (a, b, c0) = Data(t);
        var expected = (float[])c0.Clone();
        var actual = (float[])c0.Clone();
        Gemm.MultiplyReference(a, b, t.M, t.K, t.N, expected, t.TransposeA, t.TransposeB, t.Accumulate);
        Gemm.Run(a, b, default, t.M, t.K, t.N, actual, t.TransposeA, t.TransposeB, t.Accumulate,
            ActivationKind.Identity, kernel);
        TensorAssert.AllClose(expected, actual, Tolerance.Kernel, Tolerance.KernelAbsolute * t.K, $"{kernel}: {t}");
    }

    private static void MultiplyBiasActivation(GemmCase t, GemmKernelKind kernel)
    {
        using var scope = GemmArbitraries.Use(kernel);
        var (a, b, c0) = Data(t);
        var bias = Random(new Random(t.Seed + 1), t.N);
        var expected = (float[])c0.Clone();
        var actual = (float[])c0.Clone();
        Gemm.MultiplyBiasActivationReference(a, b, bias, t.M, t.K, t.N, expected, t.Activation, t.TransposeA,
            t.TransposeB);
        Gemm.Run(a, b, bias, t.M, t.K, t.N, actual, t.TransposeA, t.TransposeB, false, t.Activation, kernel);
        TensorAssert.AllClose(expected, actual, Tolerance.Kernel, Tolerance.KernelAbsolute * (t.K + 1),
            $"{kernel}: {t}");
    }

    [Fact]
    public void Multiply_PublicEntry_MatchesReferenceForAllTransposes()
    {
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                var t = new GemmCase(70, 130, 90, ta, tb, true, ActivationKind.Identity, Seeds.Default);
                var (a, b, c0) = Data(t);
                var expected = (float[])c0.Clone();
                Gemm.MultiplyReference(a, b, t.M, t.K, t.N, expected, ta, tb, accumulate: true);
                Gemm.Multiply(a, b, t.M, t.K, t.N, c0, ta, tb, accumulate: true);
                TensorAssert.AllClose(expected, c0, Tolerance.Kernel, Tolerance.KernelAbsolute * t.K, t.ToString());
            }
        }
    }

    [Fact]
    public void Multiply_EmptyInnerDimension_ZeroesOrKeepsC()
    {
        float[] c = [1, 2, 3, 4, 5, 6];
        Gemm.Multiply([], [], 2, 0, 3, c, accumulate: true);
        Assert.Equal([1f, 2, 3, 4, 5, 6], c);
        Gemm.Multiply([], [], 2, 0, 3, c);
        Assert.All(c, v => Assert.Equal(0f, v));
        Gemm.MultiplyBiasActivation([], [], [-1f, 0.5f, 2], 2, 0, 3, c, ActivationKind.Relu);
        Assert.Equal([0f, 0.5f, 2, 0, 0.5f, 2], c);
    }

    public static TheoryData<string, bool, bool> PathsAndTransposes()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (string path in SimdScope.AllPathNames)
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
            data.Add(path, ta, tb);
        return data;
    }

    [Theory]
    [MemberData(nameof(PathsAndTransposes))]
    public void Multiply_AnyThreadCount_BitwiseIdentical(string path, bool transposeA, bool transposeB)
    {
        int saved = Parallelism.MaxThreads;
        using var scope = SimdScope.Limit(path);
        try
        {
            // n-split, a k split into 3 equal blocks, and an m-split (m > n), all above the parallel threshold.
            foreach (var (m, k, n) in new[] { (97, 300, 517), (37, 800, 260), (301, 130, 70) })
            {
                var t = new GemmCase(m, k, n, transposeA, transposeB, true, ActivationKind.Tanh, Seeds.Default);
                var (a, b, c0) = Data(t);
                var bias = Random(new Random(Seeds.Default), n);
                float[]? first = null, firstFused = null;
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    Parallelism.MaxThreads = threads;
                    var c = (float[])c0.Clone();
                    Gemm.Multiply(a, b, m, k, n, c, transposeA, transposeB, accumulate: true);
                    var fused = new float[m * n];
                    Gemm.MultiplyBiasActivation(a, b, bias, m, k, n, fused, ActivationKind.Tanh, transposeA,
                        transposeB);
                    first ??= c;
                    firstFused ??= fused;
                    TensorAssert.BitwiseEqual(first, c, $"{t} threads={threads}");
                    TensorAssert.BitwiseEqual(firstFused, fused, $"{t} fused threads={threads}");
                }
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Fact]
    public void Multiply_NegativeSize_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply([], [], -1, 0, 0, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply([], [], 0, -1, 0, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply([], [], 0, 0, -1, []));
    }

    [Theory]
    [InlineData(5, 6, 6, "a")]
    [InlineData(6, 5, 6, "b")]
    [InlineData(6, 6, 3, "c")]
    public void Multiply_ShortSpan_ThrowsNamingIt(int aLength, int bLength, int cLength, string name)
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(new float[aLength], new float[bLength], 2, 3, 2, new float[cLength]));
        Assert.Equal(name, e.ParamName);
        Assert.Contains("Gemm", e.Message);
    }

    [Fact]
    public void MultiplyBiasActivation_BadBiasOrActivation_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.MultiplyBiasActivation(new float[6], new float[6], new float[3], 2, 3, 2, new float[4],
                ActivationKind.Relu));
        Assert.Equal("bias", e.ParamName);
        e = Assert.Throws<ArgumentException>(() =>
            Gemm.MultiplyBiasActivation(new float[6], new float[6], new float[2], 2, 3, 2, new float[4],
                (ActivationKind)42));
        Assert.Equal("activation", e.ParamName);
    }

    private static (float[] A, float[] B, float[] C) Data(GemmCase t)
    {
        var random = new Random(t.Seed);
        return (Random(random, t.M * t.K), Random(random, t.K * t.N), Random(random, t.M * t.N));
    }

    private static float[] Random(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = random.NextSingle() * 2 - 1;
        return values;
    }
}
