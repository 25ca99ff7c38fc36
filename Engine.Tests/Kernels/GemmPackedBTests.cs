using Engine.Kernels;
using Engine.Tests.Testing;
using FsCheck.Xunit;

namespace Engine.Tests.Kernels;

[Trait("Layer", "Kernels")]
[Collection(ParallelismCollection.Name)]
public sealed class GemmPackedBTests
{
    // The prepacked path must be the same computation as the ordinary one (same kernel, same k blocks), on any
    // thread count, so swapping it in (LstmOp) changes no result. One property per micro-kernel.
    [IsaProperty(IsaPath.Avx512, Arbitrary = [typeof(GemmArbitraries)], MaxTest = 15)]
    public void Multiply_Prepacked_Avx512_BitwiseEqualsUnpackedOnOneAndTwoThreads(GemmCase t) =>
        PrepackedEqualsUnpacked(t, GemmKernelKind.Avx512);

    [IsaProperty(IsaPath.Avx2, Arbitrary = [typeof(GemmArbitraries)], MaxTest = 15)]
    public void Multiply_Prepacked_Avx2_BitwiseEqualsUnpackedOnOneAndTwoThreads(GemmCase t) =>
        PrepackedEqualsUnpacked(t, GemmKernelKind.Avx256);

    [IsaProperty(IsaPath.Vector128, Arbitrary = [typeof(GemmArbitraries)], MaxTest = 15)]
    public void Multiply_Prepacked_Vector128_BitwiseEqualsUnpackedOnOneAndTwoThreads(GemmCase t) =>
        PrepackedEqualsUnpacked(t, GemmKernelKind.Vector128);

    [IsaProperty(IsaPath.Vector128, Arbitrary = [typeof(GemmArbitraries)], MaxTest = 15)]
    public void Multiply_Prepacked_Arm64Tile_BitwiseEqualsUnpackedOnOneAndTwoThreads(GemmCase t) =>
        PrepackedEqualsUnpacked(t, GemmKernelKind.Arm64);

    [IsaProperty(IsaPath.Scalar, Arbitrary = [typeof(GemmArbitraries)], MaxTest = 15)]
    public void Multiply_Prepacked_Scalar_BitwiseEqualsUnpackedOnOneAndTwoThreads(GemmCase t) =>
        PrepackedEqualsUnpacked(t, GemmKernelKind.Scalar);

    private static void PrepackedEqualsUnpacked(GemmCase t, GemmKernelKind kind)
    {
        var random = new Random(t.Seed);
        var a = Random(random, t.M * t.K);
        var b = Random(random, t.K * t.N);
        var c0 = Random(random, t.M * t.N);
        var expected = (float[])c0.Clone();
        int saved = Parallelism.MaxThreads;
        try
        {
            using var scope = SimdScope.Limit(GemmArbitraries.PathOf(kind));
            Parallelism.MaxThreads = 1;
            Gemm.Run(a, b, default, t.M, t.K, t.N, expected, t.TransposeA, t.TransposeB, t.Accumulate,
                ActivationKind.Identity, kind);
            using var packed = Gemm.PackB(b, t.K, t.N, t.TransposeB, kind);
            foreach (int threads in new[] { 1, 2 })
            {
                Parallelism.MaxThreads = threads;
                var actual = (float[])c0.Clone();
                Gemm.MultiplyPacked(a, packed, t.M, actual, t.TransposeA, t.Accumulate);
                TensorAssert.BitwiseEqual(expected, actual, $"{t}, {threads} thread(s)");
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Fact]
    public void Multiply_Prepacked_ShortAOrC_ThrowsNamingTheSpan()
    {
        using var packed = Gemm.PackB(new float[6], 2, 3);
        var ea = Assert.Throws<ArgumentException>(() => Gemm.MultiplyPacked(new float[3], packed, 2, new float[6]));
        Assert.Equal("a", ea.ParamName);
        var ec = Assert.Throws<ArgumentException>(() => Gemm.MultiplyPacked(new float[4], packed, 2, new float[5]));
        Assert.Equal("c", ec.ParamName);
        Assert.Throws<ArgumentException>(() => Gemm.PackB(new float[5], 2, 3));
    }

    private static float[] Random(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = random.NextSingle() * 2 - 1;
        return values;
    }
}
