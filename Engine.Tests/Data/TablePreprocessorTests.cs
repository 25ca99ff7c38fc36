using Engine.Data;
using Engine.Data.Tables;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Data;

[Trait("Layer", "Data")]
public sealed class TablePreprocessorTests
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

    private static readonly int[] Normals = [0, 1, 3];

    private static Table Read(params string[] lines) => Kdd99.Read(new MemoryStream(KddFixture.Text(lines)), "fit.csv").ToTable();

    private static TablePreprocessor FitKdd(Table table, int[] rows, FeatureScaling scaling = FeatureScaling.MinMax) =>
        TablePreprocessor.Fit(table, rows, Kdd99.PreprocessorOptions(scaling));

    private static int Feature(TablePreprocessor p, string name)
    {
        int index = p.FeatureNames.ToList().IndexOf(name);
        Assert.True(index >= 0, $"no feature {name}");
        return index;
    }

    [Fact]
    public void KddTable_HoldsTheFileColumnsInOrder()
    {
        var table = Read(Lines);
        Assert.Equal(Kdd99.Columns, table.Columns.Select(c => c.Name));
        Assert.Equal([1, 2, 3], table.Columns.Select((c, i) => (c, i)).Where(t => t.c.Kind == ColumnKind.Categorical).Select(t => t.i));
        Assert.Equal(["normal", "smurf"], table.Labels!.Names);
        Assert.Equal(1000000f, table.Column("src_bytes")!.Values![2]);
        Assert.Equal("ecr_i", table.Column("service")!.Categories[table.Column("service")!.Codes![2]]);
    }

    [Fact]
    public void Fit_OneHotGroupsFollowTheCategoriesOfTheFitRows()
    {
        var table = Read(Lines);
        var p = FitKdd(table, Normals);
        // 38 numeric + protocol {tcp} + service {http, smtp} + flag {REJ, SF}: icmp and ecr_i occur only in the attack
        Assert.Equal(38 + 1 + 2 + 2, p.FeatureCount);
        Assert.DoesNotContain("service=ecr_i", p.FeatureNames);
        var x = p.Transform(table);
        foreach (int row in Normals)
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
        // the attack's unseen protocol and service give all-zero groups
        Assert.Equal(0f, x[2 * p.FeatureCount + Feature(p, "protocol_type=tcp")]);
        // columns keep the file order: the protocol group sits between duration and service
        Assert.Equal("duration", p.FeatureNames[0]);
        Assert.Equal("protocol_type=tcp", p.FeatureNames[1]);
        Assert.Equal("src_bytes", p.FeatureNames[1 + 1 + 2 + 2]);
        Assert.Equal([("protocol_type", 1), ("service", 2), ("flag", 2)], p.OneHotColumns);
    }

    [Fact]
    public void Fit_MinMax_UsesTheFitRowsOnlyAndLogScalesTheListedColumns()
    {
        var table = Read(Lines);
        var p = FitKdd(table, Normals);
        Assert.Equal(3, p.FitRowCount);
        Assert.Equal(Kdd99.LogScaledColumns, p.LogColumns);
        var x = p.Transform(table);
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
    public void Fit_Standard_GivesZeroMeanUnitVarianceOverTheFitRows()
    {
        var table = Read(Lines);
        var p = FitKdd(table, Normals, FeatureScaling.Standard);
        var x = p.Transform(table);
        foreach (string name in new[] { "src_bytes", "same_srv_rate" })
        {
            int f = Feature(p, name);
            var values = Normals.Select(r => (double)x[r * p.FeatureCount + f]).ToArray();
            double mean = values.Average();
            double variance = values.Select(v => (v - mean) * (v - mean)).Average();
            Assert.True(Math.Abs(mean) < 1e-5, $"{name}: mean {mean}");
            Assert.True(Math.Abs(variance - 1) < 1e-4, $"{name}: variance {variance}");
        }
    }

    [Fact]
    public void Transform_OtherFile_MatchesCategoriesByNameAndZeroesUnseenOnes()
    {
        var p = FitKdd(Read(Lines), Normals);
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
        Assert.Equal(0f, second[Feature(p, "protocol_type=tcp")]);
        Assert.Equal(1f, second[Feature(p, "flag=SF")]);
    }

    [Fact]
    public void FitAndTransform_BadArguments_AreRefusedWithTheirNames()
    {
        var table = Read(Lines);
        Assert.Throws<ArgumentException>(() => TablePreprocessor.Fit(table, []));
        Assert.Contains("outside", Assert.Throws<ArgumentException>(() => TablePreprocessor.Fit(table, [7])).Message);
        var e = Assert.Throws<ArgumentException>(() => TablePreprocessor.Fit(table, Normals, new TablePreprocessorOptions { LogColumns = ["service"] }));
        Assert.Contains("'service' is not a numeric column", e.Message);
        var p = FitKdd(table, Normals);
        Assert.Throws<ArgumentException>(() => p.Transform(table, 3, 2, new float[2 * p.FeatureCount]));
        Assert.Throws<ArgumentException>(() => p.Transform(table, 0, 2, new float[p.FeatureCount]));
    }

    [Fact]
    public void Transform_ColumnMissingOrOfTheOtherKind_IsRefusedNamingIt()
    {
        var fit = Small(("a", new float[] { 1, 2, 3 }), ("b", new[] { "x", "y", "x" }));
        var p = TablePreprocessor.Fit(fit, [0, 1, 2]);
        var missing = Small(("a", new float[] { 1 }));
        Assert.Contains("no column 'b'", Assert.Throws<ArgumentException>(() => p.Transform(missing)).Message);
        var swapped = Small(("a", new[] { "1" }), ("b", new[] { "x" }));
        Assert.Contains("column 'a'", Assert.Throws<ArgumentException>(() => p.Transform(swapped)).Message);
    }

    [Fact]
    public void Fit_WithoutListedColumns_LogScalesTheNonNegativeHeavyTailedOnes()
    {
        var random = new Random(Seeds.Default);
        int n = 400;
        // bytes: log-normal (skewed right); signed: symmetric around 0 with negatives; flags: 0/1 rare ones (skewed)
        var bytes = Enumerable.Range(0, n).Select(_ => (float)Math.Exp(3 + 2 * Normal(random))).ToArray();
        var signed = Enumerable.Range(0, n).Select(_ => (float)(10 * Normal(random))).ToArray();
        var uniform = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble()).ToArray();
        var table = Small(("bytes", bytes), ("signed", signed), ("uniform", uniform));
        var p = TablePreprocessor.Fit(table, Enumerable.Range(0, n).ToArray());
        Assert.Equal(["bytes"], p.LogColumns);
        var none = TablePreprocessor.Fit(table, Enumerable.Range(0, n).ToArray(), new TablePreprocessorOptions { LogColumns = [] });
        Assert.Empty(none.LogColumns);
    }

    [Property(MaxTest = 60)]
    public Property Json_RoundTrip_TransformsBitForBit() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            var table = RandomTable(random, rows: random.Next(1, 30));
            var rows = Enumerable.Range(0, table.Count).Where(_ => random.Next(3) > 0).DefaultIfEmpty(0).ToArray();
            var options = new TablePreprocessorOptions { Scaling = random.Next(2) == 0 ? FeatureScaling.MinMax : FeatureScaling.Standard };
            var p = TablePreprocessor.Fit(table, rows, options);
            var restored = TablePreprocessor.FromJson(p.ToJson(), "model.safetensors");
            Assert.Equal(p.FeatureNames, restored.FeatureNames);
            Assert.Equal(p.Schema, restored.Schema);
            Assert.Equal(p.Scaling, restored.Scaling);
            Assert.Equal(p.ToJson(), restored.ToJson());
            var expected = p.Transform(table);
            var actual = restored.Transform(table);
            for (int i = 0; i < expected.Length; i++)
                Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(actual[i]));
        });

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("""{"format":"other","version":1}""", "not an engine-table-preprocessor")]
    [InlineData("""{"format":"engine-table-preprocessor","version":2}""", "version 2 is not supported")]
    [InlineData("""{"format":"engine-table-preprocessor","version":1,"scaling":"log","fit_rows":1,"columns":[]}""", "'scaling' is 'log'")]
    [InlineData("""{"format":"engine-table-preprocessor","version":1,"scaling":"min-max","fit_rows":0,"columns":[]}""", "'fit_rows' is 0")]
    [InlineData("""{"format":"engine-table-preprocessor","version":1,"scaling":"min-max","fit_rows":1,"columns":[]}""", "0 entries")]
    [InlineData("""{"format":"engine-table-preprocessor","version":1,"scaling":"min-max","fit_rows":1,"columns":[{"name":"a","kind":"numeric","log":false,"shift":0,"scale":-1}]}""", "'scale' is -1")]
    [InlineData("""{"format":"engine-table-preprocessor","version":1,"scaling":"min-max","fit_rows":1,"columns":[{"name":"a","kind":"numeric","log":1,"shift":0,"scale":1}]}""", "'log' is missing or not true/false")]
    [InlineData("""{"format":"engine-table-preprocessor","version":1,"scaling":"min-max","fit_rows":1,"columns":[{"name":"a","kind":"numeric","log":false,"shift":1e999,"scale":1}]}""", "'shift' is missing or not a finite number")]
    [InlineData("""{"format":"engine-table-preprocessor","version":1,"scaling":"min-max","fit_rows":1,"columns":[{"name":"a","kind":"numeric","log":false,"shift":0,"scale":1},{"name":"a","kind":"numeric","log":false,"shift":0,"scale":1}]}""", "'a' occurs twice")]
    [InlineData("""{"format":"engine-table-preprocessor","version":1,"scaling":"min-max","fit_rows":1,"columns":[{"name":"c","kind":"categorical","categories":["x","x"]}]}""", "a category occurs twice")]
    [InlineData("""{"format":"engine-table-preprocessor","version":1,"scaling":"min-max","fit_rows":1,"columns":[{"name":"c","kind":"text"}]}""", "kind 'text'")]
    public void FromJson_BadContent_IsRefusedNamingTheSourceAndField(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => TablePreprocessor.FromJson(json, "model.safetensors"));
        Assert.StartsWith("model.safetensors: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    internal static Table Small(params (string Name, object Values)[] columns)
    {
        var list = columns.Select((c, i) => c.Values is float[] v
            ? new TableColumn(c.Name, i + 1, v)
            : Categorical(c.Name, i + 1, (string[])c.Values)).ToList();
        return new Table("small.csv", list, null, list[0].Count);
    }

    private static TableColumn Categorical(string name, int number, string[] values)
    {
        var categories = values.Distinct().ToList();
        return new TableColumn(name, number, values.Select(v => categories.IndexOf(v)).ToArray(), categories);
    }

    private static Table RandomTable(Random random, int rows)
    {
        int width = random.Next(1, 6);
        var columns = new List<TableColumn>();
        for (int c = 0; c < width; c++)
        {
            if (random.Next(3) == 0)
            {
                var names = Enumerable.Range(0, random.Next(1, 5)).Select(k => $"v{k}é\"{k}").ToArray();
                columns.Add(Categorical($"c{c}", c + 1, Enumerable.Range(0, rows).Select(_ => names[random.Next(names.Length)]).ToArray()));
            }
            else
            {
                double scale = Math.Pow(10, random.Next(-3, 7));
                bool negative = random.Next(2) == 0;
                columns.Add(new TableColumn($"n{c}", c + 1, Enumerable.Range(0, rows)
                    .Select(_ => (float)((negative ? random.NextDouble() - 0.5 : random.NextDouble()) * scale)).ToArray()));
            }
        }
        return new Table("random.csv", columns, null, rows);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
