using Engine.Analysis;
using Engine.Tests.Testing;

namespace Engine.Tests.Analysis;

[Trait("Layer", "Analysis")]
public sealed class PcaTests
{
    [Fact]
    public void Fit_RotatedCross_RecoversAxesAndVariances()
    {
        // Four points (±3, 0), (0, ±1) rotated by θ and shifted by (5, −2). Mean = (5, −2);
        // C = Σ x̃x̃ᵀ / (n − 1) = diag(2·9, 2·1) / 3 = diag(6, 2/3) in the rotated frame, so
        // axis 1 = (cos θ, sin θ) with variance 6, axis 2 = (−sin θ, cos θ) with variance 2/3.
        double theta = 0.4, cos = Math.Cos(theta), sin = Math.Sin(theta);
        double[][] local = [[3, 0], [-3, 0], [0, 1], [0, -1]];
        var data = new float[8];
        for (int i = 0; i < 4; i++)
        {
            data[2 * i] = (float)(5 + cos * local[i][0] - sin * local[i][1]);
            data[2 * i + 1] = (float)(-2 + sin * local[i][0] + cos * local[i][1]);
        }

        var pca = Pca.Fit(data, 4, 2, 2);
        Assert.Equal(5, pca.Mean[0], 1e-5f);
        Assert.Equal(-2, pca.Mean[1], 1e-5f);
        Assert.Equal(6, pca.ExplainedVariance[0], 1e-4);
        Assert.Equal(2.0 / 3, pca.ExplainedVariance[1], 1e-4);
        Assert.Equal(6 / (6 + 2.0 / 3), pca.ExplainedVarianceRatio[0], 1e-5);
        // Sign rule: largest |component| positive: (cos, sin) with cos > sin; (−sin, cos) with cos > sin.
        TensorAssert.AllClose([(float)cos, (float)sin, (float)-sin, (float)cos], pca.Components, 1e-5f, 1e-5f, "axes");
    }

    [Fact]
    public void Fit_AllComponents_ReconstructsExactlyAndExplainsTotalVariance()
    {
        var (data, _) = SyntheticData.Blobs(200, 7, 3, 2, 1, Seeds.Default);
        var pca = Pca.Fit(data, 200, 7, 7);
        Assert.True(pca.ReconstructionError(data, 200) < 1e-9, "all components must reconstruct the data");

        // Total variance = Σ per-column sample variances, computed here independently in double.
        double total = 0;
        for (int c = 0; c < 7; c++)
        {
            double mean = 0, squares = 0;
            for (int r = 0; r < 200; r++) mean += data[r * 7 + c] / 200.0;
            for (int r = 0; r < 200; r++) squares += Math.Pow(data[r * 7 + c] - mean, 2);
            total += squares / 199;
        }
        Assert.Equal(total, pca.TotalVariance, 1e-4 * total);
        Assert.Equal(total, pca.ExplainedVariance.Sum(), 1e-4 * total);
        Assert.Equal(1, pca.ExplainedVarianceRatio.Sum(), 1e-5);
    }

    [Fact]
    public void Transform_CodesAreUncorrelatedWithTheExplainedVariances()
    {
        var (data, _) = SyntheticData.Blobs(300, 6, 4, 3, 1, Seeds.Default + 1);
        var pca = Pca.Fit(data, 300, 6, 3);
        var codes = pca.Transform(data, 300);
        for (int a = 0; a < 3; a++)
        {
            for (int b = 0; b < 3; b++)
            {
                double cov = 0;
                for (int r = 0; r < 300; r++) cov += (double)codes[r * 3 + a] * codes[r * 3 + b];
                cov /= 299;
                double expected = a == b ? pca.ExplainedVariance[a] : 0;
                Assert.True(Math.Abs(cov - expected) < 1e-4 * pca.ExplainedVariance[0],
                    $"cov(z{a}, z{b}) = {cov}, expected {expected}");
            }
        }
        Assert.True(pca.ExplainedVariance[0] >= pca.ExplainedVariance[1]);
        Assert.True(pca.ExplainedVariance[1] >= pca.ExplainedVariance[2]);
    }

    [Fact]
    public void Transform_ManyRows_EqualsTheProjectionOfEachRowAlone()
    {
        // More rows than one centring block (2^21 values), so Transform works block by block: every code must be
        // exactly the one a single-row Transform gives, and close to the projection computed in double.
        const int rows = 11_000, cols = 200, k = 5;
        var (data, _) = SyntheticData.Blobs(rows, cols, 4, 3, 1, Seeds.Default + 2);
        var pca = Pca.Fit(data, rows, cols, k);
        var codes = pca.Transform(data, rows);
        foreach (int r in new[] { 0, 1, 10_484, 10_485, 10_486, rows - 1 })
        {
            var alone = pca.Transform(data.AsSpan(r * cols, cols), 1);
            Assert.Equal(alone, codes.AsSpan(r * k, k).ToArray());
            for (int c = 0; c < k; c++)
            {
                double expected = 0;
                for (int j = 0; j < cols; j++)
                    expected += ((double)data[r * cols + j] - pca.Mean[j]) * pca.Components[c * cols + j];
                Assert.True(Math.Abs(codes[r * k + c] - expected) < 1e-3 * (1 + Math.Abs(expected)),
                    $"row {r}, component {c}: {codes[r * k + c]} vs {expected}");
            }
        }
    }

    [Fact]
    public void ReconstructionError_DecreasesWithComponents()
    {
        var (data, _) = SyntheticData.Blobs(150, 8, 5, 3, 1, Seeds.Default + 2);
        double previous = double.PositiveInfinity;
        for (int k = 1; k <= 8; k++)
        {
            double error = Pca.Fit(data, 150, 8, k).ReconstructionError(data, 150);
            Assert.True(error <= previous + 1e-9, $"k={k}: error {error} > {previous}");
            previous = error;
        }
    }

    [Fact]
    public void Fit_BadArguments_Throw()
    {
        var data = new float[12];
        Assert.Throws<ArgumentException>(() => Pca.Fit(data, 4, 4, 2));
        Assert.Throws<ArgumentException>(() => Pca.Fit(data, 4, 3, 4));
        Assert.Throws<ArgumentException>(() => Pca.Fit(data, 4, 3, 0));
        Assert.Throws<ArgumentException>(() => Pca.Fit(new float[3], 1, 3, 1));
        var nan = Assert.Throws<ArgumentException>(() => Pca.Fit(new float[] { 1, 2, 3, float.NaN, 5, 6 }, 3, 2, 1));
        Assert.Contains("data[3]", nan.Message);
        var pca = Pca.Fit(new float[] { 1, 2, 3, 4, 0, 1 }, 3, 2, 1);
        var error = Assert.Throws<ArgumentException>(() => pca.Transform(new float[5], 2));
        Assert.Contains("Pca.Transform", error.Message);
    }

    [Fact]
    public void PrincipalAngles_KnownConfigurations()
    {
        double theta = 0.3;
        float c = (float)Math.Cos(theta), s = (float)Math.Sin(theta);

        // span{e1, e2} vs span{e1 + e2, e1 − 2e2}: same plane, different basis -> both angles 0.
        var same = Subspace.PrincipalAngles([1, 0, 0, 0, 1, 0], 2, [1, 1, 0, 1, -2, 0], 2, 3);
        Assert.All(same, a => Assert.True(Math.Abs(a) < 1e-6, $"angle {a}"));

        // span{e1, e2} vs span{e1, cos θ·e2 + sin θ·e3}: angles 0 and θ.
        var tilted = Subspace.PrincipalAngles([1, 0, 0, 0, 1, 0], 2, [2, 0, 0, 0, c, s], 2, 3);
        Assert.Equal(0, tilted[0], 1e-6);
        Assert.Equal(theta, tilted[1], 1e-6);

        // A line against a plane: e3 vs span{e1, e2} is π/2; cos θ·e1 + sin θ·e3 vs span{e1, e2} is θ.
        Assert.Equal(Math.PI / 2, Subspace.PrincipalAngles([0, 0, 1], 1, [1, 0, 0, 0, 1, 0], 2, 3)[0], 1e-6);
        Assert.Equal(theta, Subspace.PrincipalAngles([1, 0, 0, 0, 1, 0], 2, [c, 0, s], 1, 3)[0], 1e-6);
    }

    [Fact]
    public void PrincipalAngles_RankDeficientBasis_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Subspace.PrincipalAngles([1, 2, 3, 2, 4, 6], 2, [1, 0, 0], 1, 3));
        Assert.Contains("combination", error.Message);
    }
}
