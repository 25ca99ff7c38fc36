using Engine.Tensors;
using Engine.Tests.Testing;

namespace Engine.Tests.Tensors;

/// <summary>FillNormalFast's block-wise SIMD Box–Muller against the scalar formula, and its moments.</summary>
[Trait("Layer", "Tensors")]
public sealed class FillNormalTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(511)]
    [InlineData(512)]
    [InlineData(513)]
    [InlineData(1999)]
    public void FillNormalFast_MatchesScalarBoxMullerOnTheSameDraws(int length)
    {
        var actual = new float[length];
        Tensor.FillNormalFast(new Rng(Seeds.Default), actual, 0.5f, 2f);
        var expected = new float[length];
        var random = new Rng(Seeds.Default);
        for (int i = 0; i < length; i += 2)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            expected[i] = (float)(0.5 + 2 * r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < length) expected[i + 1] = (float)(0.5 + 2 * r * Math.Sin(2 * Math.PI * u2));
        }
        TensorAssert.AllClose(expected, actual, Tolerance.Kernel, Tolerance.KernelAbsolute, $"length {length}");
    }

    [Fact]
    public void FillNormalFast_HasTheRequestedMoments()
    {
        var values = new float[100_001];
        Tensor.FillNormalFast(new Rng(Seeds.Default), values, -1f, 0.3f);
        double mean = values.Average(v => (double)v);
        double std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        // Standard errors: 0.3/√n ≈ 0.001 for the mean, 0.3/√(2n) ≈ 0.0007 for the standard deviation.
        Assert.InRange(mean, -1.005, -0.995);
        Assert.InRange(std, 0.296, 0.304);
    }
}
