using Engine.Data;
using Engine.Tests.Testing;

namespace Engine.Tests.Data;

[Trait("Chapter", "04-Data")]
public sealed class KddPreprocessorTests
{
    // Normals: src_bytes 100 and 1000, same_srv_rate 0.2 and 0.6. The attack has far larger values.
    private static readonly string[] Lines =
    [
        KddFixture.Line(("src_bytes", "100"), ("same_srv_rate", "0.2"), ("service", "http")),
        KddFixture.Line(("src_bytes", "1000"), ("same_srv_rate", "0.6"), ("service", "smtp"), ("flag", "REJ")),
        KddFixture.Line(("src_bytes", "1000000"), ("same_srv_rate", "0.4"), ("protocol_type", "icmp"),
            ("service", "ecr_i"), ("label", "smurf.")),
        KddFixture.Line(("src_bytes", "316"), ("same_srv_rate", "0.4"), ("service", "http")),
    ];

    private static Kdd99Data Read(params string[] lines) => Kdd99.Read(new MemoryStream(KddFixture.Text(lines)), "fit.csv");

    private static int Feature(KddPreprocessor p, string name)
    {
        int index = p.FeatureNames.ToList().IndexOf(name);
        Assert.True(index >= 0, $"no feature {name}");
        return index;
    }

    [Fact]
    public void Fit_OneHotGroupsFollowTheSeenCategories()
    {
        var data = Read(Lines);
        var p = KddPreprocessor.Fit(data);
        // 38 numeric + protocol {icmp, tcp} + service {ecr_i, http, smtp} + flag {REJ, SF}
        Assert.Equal(38 + 2 + 3 + 2, p.FeatureCount);
        var x = p.Transform(data);
        for (int row = 0; row < Lines.Length; row++)
        {
            var features = x.AsSpan(row * p.FeatureCount, p.FeatureCount);
            foreach (string column in new[] { "protocol_type", "service", "flag" })
            {
                string value = KddFixture.Field(Lines[row], column);
                var group = p.FeatureNames.Select((n, i) => (n, i)).Where(t => t.n.StartsWith(column + "=", StringComparison.Ordinal));
                foreach (var (name, i) in group)
                    Assert.Equal(name == $"{column}={value}" ? 1f : 0f, features[i]);
            }
        }
        // columns keep the file order: the protocol group sits between duration and service
        Assert.Equal("duration", p.FeatureNames[0]);
        Assert.Equal("protocol_type=icmp", p.FeatureNames[1]);
        Assert.Equal("src_bytes", p.FeatureNames[1 + 2 + 3 + 2]);
    }

    [Fact]
    public void Fit_MinMax_UsesNormalRecordsOnlyAndLogScalesByteCounts()
    {
        var data = Read(Lines);
        var p = KddPreprocessor.Fit(data);
        Assert.Equal(3, p.FitNormalCount);
        var x = p.Transform(data);
        int src = Feature(p, "src_bytes"), rate = Feature(p, "same_srv_rate"), dst = Feature(p, "dst_bytes");
        float At(int row, int feature) => x[row * p.FeatureCount + feature];

        double lo = Math.Log(1 + 100.0), hi = Math.Log(1 + 1000.0);
        TensorAssert.AllClose(
            new[] { 0f, 1f, (float)((Math.Log(1 + 1e6) - lo) / (hi - lo)), (float)((Math.Log(1 + 316.0) - lo) / (hi - lo)) },
            Enumerable.Range(0, 4).Select(r => At(r, src)).ToArray(), Tolerance.Kernel, Tolerance.KernelAbsolute, "src_bytes");
        Assert.True(At(2, src) > 1, "the attack's src_bytes lies beyond the normal range");
        // rates are not logged: 0.4 is halfway between 0.2 and 0.6
        TensorAssert.AllClose(new[] { 0f, 1f, 0.5f, 0.5f },
            Enumerable.Range(0, 4).Select(r => At(r, rate)).ToArray(), Tolerance.Kernel, Tolerance.KernelAbsolute, "same_srv_rate");
        // dst_bytes is 5450 in every record: constant features are only shifted
        Assert.All(Enumerable.Range(0, 4), r => Assert.Equal(0f, At(r, dst)));
    }

    [Fact]
    public void Fit_Standard_GivesZeroMeanUnitVarianceOverNormals()
    {
        var data = Read(Lines);
        var p = KddPreprocessor.Fit(data, KddScaling.Standard);
        var x = p.Transform(data);
        int[] normals = [0, 1, 3];
        foreach (string name in new[] { "src_bytes", "same_srv_rate" })
        {
            int f = Feature(p, name);
            var values = normals.Select(r => (double)x[r * p.FeatureCount + f]).ToArray();
            double mean = values.Average();
            double variance = values.Select(v => (v - mean) * (v - mean)).Average();
            Assert.True(Math.Abs(mean) < 1e-5, $"{name}: mean {mean}");
            Assert.True(Math.Abs(variance - 1) < 1e-4, $"{name}: variance {variance}");
        }
    }

    [Fact]
    public void Fit_OnSelectedRows_IgnoresTheOthers()
    {
        var data = Read(Lines);
        var p = KddPreprocessor.Fit(data, [0, 2, 3]);
        Assert.Equal(2, p.FitNormalCount);
        // smtp and REJ appear only in row 1, which was left out
        Assert.DoesNotContain("service=smtp", p.FeatureNames);
        Assert.DoesNotContain("flag=REJ", p.FeatureNames);
        var x = p.Transform(data);
        int src = Feature(p, "src_bytes");
        Assert.Equal(0f, x[src]);
        Assert.Equal(1f, x[3 * p.FeatureCount + src]);
    }

    [Fact]
    public void Transform_OtherFile_MatchesCategoriesByNameAndZeroesUnseenOnes()
    {
        var p = KddPreprocessor.Fit(Read(Lines));
        var other = Read(
            KddFixture.Line(("service", "ftp"), ("flag", "S0")),
            KddFixture.Line(("service", "smtp"), ("protocol_type", "icmp")));
        var x = p.Transform(other);
        var first = x.AsSpan(0, p.FeatureCount);
        Assert.Equal(0f, first[Feature(p, "service=smtp")]);
        Assert.Equal(0f, first[Feature(p, "service=http")]);
        Assert.Equal(0f, first[Feature(p, "flag=SF")]);
        Assert.Equal(1f, first[Feature(p, "protocol_type=tcp")]);
        var second = x.AsSpan(p.FeatureCount, p.FeatureCount);
        Assert.Equal(1f, second[Feature(p, "service=smtp")]);
        Assert.Equal(1f, second[Feature(p, "protocol_type=icmp")]);
        Assert.Equal(1f, second[Feature(p, "flag=SF")]);
    }

    [Fact]
    public void Fit_WithoutNormalRecords_ThrowsArgumentException()
    {
        var data = Read(Lines);
        var e = Assert.Throws<ArgumentException>(() => KddPreprocessor.Fit(data, [2]));
        Assert.Contains("normal", e.Message);
        Assert.Throws<ArgumentException>(() => KddPreprocessor.Fit(data, [7]));
        var p = KddPreprocessor.Fit(data);
        Assert.Throws<ArgumentException>(() => p.Transform(data, 3, 2, new float[2 * p.FeatureCount]));
        Assert.Throws<ArgumentException>(() => p.Transform(data, 0, 2, new float[p.FeatureCount]));
    }
}
