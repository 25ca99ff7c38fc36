using System.Text;
using Engine.Data;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Xunit;

namespace Engine.Tests.Data;

/// <summary>
/// Kdd99.Read on truncated, bit-flipped and hostile files, plain and gzip: it loads, or throws FormatException /
/// InvalidDataException naming the file and a line or byte offset. A gzip file cut anywhere, even at a line
/// boundary or inside the 8-byte trailer, is rejected.
/// </summary>
[Trait("Layer", "Data")]
public sealed class Kdd99HostileInputTests
{
    private const string Source = "hostile-kdd.csv";

    private static readonly string[] Lines =
    [
        KddFixture.Example,
        KddFixture.Line(("protocol_type", "udp"), ("service", "private"), ("src_bytes", "105"), ("label", "smurf.")),
        KddFixture.Line(("duration", "2"), ("flag", "REJ"), ("dst_host_rerror_rate", "0.5"), ("label", "guess_passwd.")),
    ];

    private static readonly byte[] Plain = KddFixture.Text(Lines);
    private static readonly byte[] Gzip = KddFixture.Gzip(Plain);

    private static (Kdd99Data? Data, Exception? Error) Read(byte[] bytes) =>
        HostileInput.Run(() => Kdd99.Read(new MemoryStream(bytes, writable: false), Source), Source,
            HostileInput.Budget(bytes.Length));

    [Fact]
    public void Read_EveryTruncationOfPlainText_LoadsTheCompleteLinesOrNamesTheLine()
    {
        var full = Read(Plain).Data!;
        int loaded = 0, rejected = 0;
        for (int cut = 0; cut < Plain.Length; cut++)
        {
            var (data, error) = Read(Plain[..cut]);
            if (error is not null)
            {
                rejected++;
                continue;
            }
            // Plain text has no length field: a cut after a line end loads the lines before it, and a cut inside
            // the label can leave a shorter valid label. Every complete line must come back unchanged.
            loaded++;
            int complete = Plain.AsSpan(0, cut).Count((byte)'\n');
            Assert.InRange(data!.Count, complete, complete + 1);
            for (int row = 0; row < complete; row++)
                Assert.Equal(full.NumericRow(row).ToArray(), data.NumericRow(row).ToArray());
        }
        Assert.Equal(Plain.Length, loaded + rejected);
        Assert.True(rejected > Plain.Length / 2, $"only {rejected} of {Plain.Length} truncations were rejected");
    }

    [Fact]
    public void Read_EveryTruncationOfGzip_IsRejected()
    {
        Assert.Equal(Lines.Length, Read(Gzip).Data!.Count);
        // Cut to nothing, the file is an empty CSV file; from the first byte on it must be rejected.
        Assert.Equal(0, Read([]).Data!.Count);
        for (int cut = 1; cut < Gzip.Length; cut++)
            Assert.NotNull(Read(Gzip[..cut]).Error);
    }

    [Fact]
    public void Read_GzipCutAtALineBoundary_ReportsTheTruncationWithTheTrailerOffset()
    {
        // The known bug: a file that is complete up to a line end, with its trailer gone, used to load short.
        byte[] firstLine = KddFixture.Text(Lines[..1]);
        byte[] gzip = KddFixture.Gzip(firstLine);
        var error = Read(gzip[..^8]).Error;
        Assert.IsType<InvalidDataException>(error);
        Assert.Contains("truncated", error!.Message);
        Assert.Contains($"byte offset {gzip.Length - 16}", error.Message);
    }

    [Property(MaxTest = 300)]
    public void Read_PlainByteFlips_LoadOrNameTheLine(NonNegativeInt position, byte mask, NonNegativeInt second)
    {
        var (data, _) = Read(HostileInput.Flip(Plain, position.Get, mask, second.Get));
        if (data is not null)
            Assert.InRange(data.Count, 1, Lines.Length + 2);
    }

    [Property(MaxTest = 300)]
    public void Read_GzipByteFlips_LoadTheOriginalOrAreRejected(NonNegativeInt position, byte mask, NonNegativeInt second)
    {
        var (data, _) = Read(HostileInput.Flip(Gzip, position.Get, mask, second.Get));
        // Only the header's unchecked fields (mtime, xfl, os) may change without the CRC noticing.
        if (data is not null)
            Assert.Equal(Read(Gzip).Data!.Numeric, data.Numeric);
    }

    [Property(MaxTest = 200)]
    public void Read_RandomBytes_LoadOrNameTheLine(byte[] garbage)
    {
        Read(garbage);
    }

    public static TheoryData<string, string> HostileTexts() => new()
    {
        { new string('7', 3 << 20), "longer than" },
        { KddFixture.Example.Replace("181", "1e999"), "not a finite number" },
        { KddFixture.Example.Replace("181", "-Infinity"), "not a finite number" },
        { KddFixture.Example.Replace("181", "99999999999999999999999999999999999999999"), "not a finite number" },
        { KddFixture.Example + string.Concat(Enumerable.Repeat(",0", 100_000)), "found 100042" },
        { KddFixture.Example.Replace("http", new string('h', 300)), "longer than 256" },
        { "\0\0\0\0", "expected 42" },
        { KddFixture.Example.Replace("normal.", "norma"), "final '.'" },
        { KddFixture.Example.Replace(",", ",\n"), "line 1" },
    };

    [Theory]
    [MemberData(nameof(HostileTexts), DisableDiscoveryEnumeration = true)]
    public void Read_HostileText_IsRejectedNamingTheProblem(string text, string mention)
    {
        foreach (byte[] bytes in new[] { Encoding.Latin1.GetBytes(text), KddFixture.Gzip(Encoding.Latin1.GetBytes(text)) })
        {
            var error = Read(bytes).Error;
            Assert.NotNull(error);
            Assert.Contains(mention, error.Message);
        }
    }

    [Fact]
    public void Read_GzipHeaderClaimingHugeSize_IsRejectedWithoutAllocatingIt()
    {
        byte[] forged = (byte[])Gzip.Clone();
        // ISIZE = 4 GiB - 1: nothing may be sized by it
        forged.AsSpan(forged.Length - 4).Fill(0xFF);
        // GZipStream or the trailer check rejects it; either way the error is InvalidDataException naming the file.
        Assert.IsType<InvalidDataException>(Read(forged).Error);
    }

    [Fact]
    public void Read_GzipWithExtraBytesAfterTheTrailer_IsRejected()
    {
        Assert.NotNull(Read([.. Gzip, .. "garbage"u8.ToArray()]).Error);
    }
}
