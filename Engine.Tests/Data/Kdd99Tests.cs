using System.Globalization;
using System.Text;
using Engine.Data;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Data;

[Trait("Layer", "Data")]
public sealed class Kdd99Tests
{
    private static readonly string[] Lines =
    [
        KddFixture.Example,
        KddFixture.Line(("protocol_type", "udp"), ("service", "private"), ("flag", "SF"), ("src_bytes", "105"),
            ("dst_bytes", "146"), ("count", "511"), ("same_srv_rate", "0.37"), ("label", "smurf.")),
        KddFixture.Line(("duration", "2"), ("service", "ftp_data"), ("flag", "REJ"), ("hot", "3"),
            ("dst_host_rerror_rate", "0.5"), ("label", "guess_passwd.")),
        KddFixture.Line(("protocol_type", "icmp"), ("service", "ecr_i"), ("src_bytes", "1032"), ("label", "ipsweep.")),
        KddFixture.Line(("service", "brand_new_service"), ("src_bytes", "693375640"), ("label", "apache2.")),
        KddFixture.Line(("duration", "1e3"), ("label", "rootkit.")),
    ];

    private static Kdd99Data ReadBytes(byte[] bytes, string name = "kdd.csv") => Kdd99.Read(new MemoryStream(bytes), name);

    [Fact]
    public void Read_Fixture_ParsesEveryColumnByName()
    {
        var data = ReadBytes(KddFixture.Text(Lines));
        Assert.Equal(Lines.Length, data.Count);
        Assert.Equal("kdd.csv", data.Source);
        for (int row = 0; row < Lines.Length; row++)
        {
            string line = Lines[row];
            var numeric = data.NumericRow(row);
            int j = 0;
            foreach (string column in KddFixture.Header[..41])
            {
                if (column is "protocol_type" or "service" or "flag")
                    continue;
                float expected = float.Parse(KddFixture.Field(line, column), CultureInfo.InvariantCulture);
                Assert.Equal(expected, numeric[j]);
                Assert.Equal(column, Kdd99.NumericColumns[j]);
                j++;
            }
            Assert.Equal(KddFixture.Field(line, "protocol_type"), data.ProtocolNames[data.Protocol[row]]);
            Assert.Equal(KddFixture.Field(line, "service"), data.ServiceNames[data.Service[row]]);
            Assert.Equal(KddFixture.Field(line, "flag"), data.FlagNames[data.Flag[row]]);
            Assert.Equal(KddFixture.Field(line, "label").TrimEnd('.'), data.LabelNames[data.Label[row]]);
        }
        Assert.Equal(
            [KddCategory.Normal, KddCategory.Dos, KddCategory.R2L, KddCategory.Probe, KddCategory.Unknown, KddCategory.U2R],
            data.Category);
        Assert.Equal(new[] { 1, 1, 1, 1, 1, 1 }, data.CategoryCounts());
        Assert.Equal(1000f, data.NumericRow(5)[0]);
    }

    [Fact]
    public void Read_GzipPlainCrlfAndForwardOnly_AgreeWithEachOther()
    {
        var plain = KddFixture.Text(Lines);
        var expected = ReadBytes(plain);
        var crlf = Encoding.ASCII.GetBytes(string.Join("\r\n", Lines));
        foreach (var data in new[]
                 {
                     ReadBytes(KddFixture.Gzip(plain)), ReadBytes(crlf),
                     Kdd99.Read(new ForwardOnlyStream(KddFixture.Gzip(plain)), "pipe"),
                 })
        {
            Assert.Equal(expected.Count, data.Count);
            Assert.Equal(expected.Numeric, data.Numeric);
            Assert.Equal(expected.Service, data.Service);
            Assert.Equal(expected.ServiceNames, data.ServiceNames);
            Assert.Equal(expected.Category, data.Category);
        }
    }

    [Fact]
    public void Read_ManyLines_CrossesBufferBoundaries()
    {
        // ~150 bytes a line, 20,000 lines: well over the 1 MiB read buffer
        var lines = Enumerable.Range(0, 20_000).Select(i => KddFixture.Line(("src_bytes", i.ToString(CultureInfo.InvariantCulture))));
        var data = ReadBytes(KddFixture.Gzip(KddFixture.Text(lines)));
        Assert.Equal(20_000, data.Count);
        Assert.All(Enumerable.Range(0, 20_000), i => Assert.Equal(i, data.NumericRow(i)[1]));
    }

    [Theory]
    [InlineData("0,tcp,http,SF,181", "line 3", "expected 42 comma-separated fields", "found 5")]
    [InlineData("src_bytes=abc", "line 3", "column 5 (src_bytes)", "\"abc\"")]
    [InlineData("count=NaN", "line 3", "column 23 (count)", "not a finite number")]
    [InlineData("dst_host_count=1.2.3", "line 3", "column 32 (dst_host_count)", "not a finite number")]
    [InlineData("service=", "line 3", "column 3 (service)", "empty")]
    [InlineData("label=", "line 3", "column 42 (label)", "empty")]
    [InlineData("", "line 3", "expected 42", "found 1")]
    public void Read_MalformedLine_ThrowsFormatExceptionWithFileAndLine(string bad, string line, string what, string detail)
    {
        string badLine = bad.Contains('=')
            ? KddFixture.Line((bad[..bad.IndexOf('=')], bad[(bad.IndexOf('=') + 1)..]))
            : bad;
        var text = KddFixture.Text([Lines[0], Lines[1], badLine, Lines[2]]);
        foreach (var bytes in new[] { text, KddFixture.Gzip(text) })
        {
            var e = Assert.Throws<FormatException>(() => ReadBytes(bytes, "bad.csv"));
            Assert.Contains($"bad.csv: {line}:", e.Message);
            Assert.Contains(what, e.Message);
            Assert.Contains(detail, e.Message);
        }
    }

    [Property(MaxTest = 300)]
    public Property Read_DecimalFields_MatchTheFrameworkParser() =>
        Prop.ForAll(Arb.From(from whole in Gen.Choose(0, 999_999)
                             from fraction in Gen.Choose(0, 99_999)
                             from digits in Gen.Choose(0, 5)
                             select digits == 0
                                 ? whole.ToString(CultureInfo.InvariantCulture)
                                 : $"{whole}.{(fraction % (int)Math.Pow(10, digits)).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0')}"),
            text =>
            {
                var data = ReadBytes(KddFixture.Text([KddFixture.Line(("dst_bytes", text))]));
                float expected = float.Parse(text, CultureInfo.InvariantCulture);
                // within one float ulp: the fast path rounds through double
                Assert.True(Math.Abs(expected - data.NumericRow(0)[2]) <= MathF.BitIncrement(expected) - expected,
                    $"{text}: expected {expected:R}, got {data.NumericRow(0)[2]:R}");
            });

    [Fact]
    public void CategoryOf_FollowsTheStandardTable()
    {
        Assert.Equal(KddCategory.Normal, Kdd99.CategoryOf("normal"));
        Assert.Equal(KddCategory.Dos, Kdd99.CategoryOf("teardrop"));
        Assert.Equal(KddCategory.Probe, Kdd99.CategoryOf("satan"));
        Assert.Equal(KddCategory.R2L, Kdd99.CategoryOf("warezmaster"));
        Assert.Equal(KddCategory.U2R, Kdd99.CategoryOf("buffer_overflow"));
        Assert.Equal(KddCategory.Unknown, Kdd99.CategoryOf("mailbomb"));
        Assert.Equal(KddFixture.Header[..41], Kdd99.Columns);
    }
}
