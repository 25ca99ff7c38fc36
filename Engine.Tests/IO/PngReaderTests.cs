using System.Buffers.Binary;
using System.Text.Json;
using Engine.IO;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.IO;

/// <summary>
/// PNG reader against files written by Fixtures/make_png_fixtures.py (every colour type, bit depth, interlace method,
/// filter and transparency kind, cross-checked there with Pillow), round trips through our own encoder, and hostile bytes.
/// </summary>
[Trait("Layer", "IO")]
public sealed class PngReaderTests
{
    public static TheoryData<string> FixtureNames()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Fixtures.PathOf("png_expected.json")));
        var data = new TheoryData<string>();
        foreach (var entry in document.RootElement.EnumerateObject()) data.Add(entry.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Fixture_DecodesToTheExpectedGray(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Fixtures.PathOf("png_expected.json")));
        var expected = document.RootElement.GetProperty(name);
        var image = PngReader.ReadGray(Fixtures.PathOf(Path.Combine("png", name)));
        Assert.Equal(expected.GetProperty("width").GetInt32(), image.Width);
        Assert.Equal(expected.GetProperty("height").GetInt32(), image.Height);
        Assert.Equal(expected.GetProperty("gray").EnumerateArray().Select(v => (byte)v.GetInt32()), image.Pixels);
    }

    [Fact]
    public void Fixtures_CoverEveryColourTypeDepthAndInterlace()
    {
        var names = FixtureNames().Select(row => row.Data).ToList();
        Assert.Equal(52, names.Count);
        foreach (string kind in new[] { "c0_d1", "c0_d16", "c2_d16", "c3_d4", "c4_d16", "c6_d8" })
        {
            Assert.Contains($"{kind}.png", names);
            Assert.Contains($"{kind}_adam7.png", names);
        }
        Assert.Contains("c3_d8_trns.png", names);
        Assert.Contains("c2_d8_adam7_trns.png", names);
    }

    [Property(MaxTest = 60)]
    public Property GrayWrittenByPng_ReadsBackExactly() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            int w = random.Next(1, 40), h = random.Next(1, 40);
            var pixels = new byte[w * h];
            // smooth and noisy rows, so the encoder picks every filter
            for (int i = 0; i < pixels.Length; i++) pixels[i] = random.Next(3) == 0 ? (byte)random.Next(256) : (byte)(i % w * 7 + i / w * 3);
            var image = PngReader.DecodeGray(Png.EncodeGray8(pixels, w, h), "gray.png");
            Assert.Equal((w, h), (image.Width, image.Height));
            Assert.Equal(pixels, image.Pixels);
        });

    [Property(MaxTest = 40)]
    public Property RgbWrittenByPng_ReadsBackAsLuma() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            int w = random.Next(1, 30), h = random.Next(1, 30);
            var rgb = new byte[3 * w * h];
            random.NextBytes(rgb);
            var image = PngReader.DecodeGray(Png.EncodeRgb8(rgb, w, h), "rgb.png");
            // 0.299 R + 0.587 G + 0.114 B rounded half up, in exact integer arithmetic (doubles misround the halves)
            for (int i = 0; i < w * h; i++)
                Assert.Equal((byte)((299 * rgb[3 * i] + 587 * rgb[3 * i + 1] + 114 * rgb[3 * i + 2] + 500) / 1000), image.Pixels[i]);
        });

    [Fact]
    public void NotAPng_IsRefused()
    {
        var e = Assert.Throws<InvalidDataException>(() => PngReader.DecodeGray("GIF89a..."u8, "picture.gif"));
        Assert.Equal("picture.gif: byte offset 0: not a PNG file (the 8-byte PNG signature is missing).", e.Message);
    }

    [Fact]
    public void FlippedByte_FailsItsChunkCrc()
    {
        var png = Png.EncodeGray8(new byte[16], 4, 4);
        png[43] ^= 0x10;   // inside the IDAT data (its chunk starts at byte 33, data at 41)
        var e = Assert.Throws<InvalidDataException>(() => PngReader.DecodeGray(png, "x.png"));
        Assert.Contains("the CRC-32 of chunk IDAT does not match", e.Message);
    }

    [Fact]
    public void Truncated_IsRefused()
    {
        var png = Png.EncodeGray8(new byte[64], 8, 8);
        Assert.Contains("without an IEND chunk", Assert.Throws<InvalidDataException>(() => PngReader.DecodeGray(png.AsSpan(0, png.Length - 12), "cut.png")).Message);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => PngReader.DecodeGray(png.AsSpan(0, png.Length - 20), "cut.png")).Message);
    }

    [Fact]
    public void HugeHeader_IsRefusedBeforeAllocating()
    {
        var png = WithHeader(Png.EncodeGray8(new byte[4], 2, 2), width: 100_000, height: 100_000);
        var e = Assert.Throws<InvalidDataException>(() => PngReader.DecodeGray(png, "huge.png"));
        Assert.Contains("100000×100000, more than the 67,108,864 pixels", e.Message);
    }

    [Fact]
    public void ImageDataOfTheWrongSize_IsRefused()
    {
        // header says 3×2, data holds 2×2
        var png = WithHeader(Png.EncodeGray8(new byte[4], 2, 2), width: 3, height: 2);
        Assert.Contains("the header needs", Assert.Throws<InvalidDataException>(() => PngReader.DecodeGray(png, "short.png")).Message);
    }

    [Fact]
    public void BadFilterType_NamesTheRow()
    {
        // one row of 1×1 gray with filter type 7
        byte[] raw = [0, 10, 7, 20];
        var png = Build(1, 2, 8, 0, raw);
        var e = Assert.Throws<InvalidDataException>(() => PngReader.DecodeGray(png, "filter.png"));
        Assert.Contains("row 1 has filter type 7", e.Message);
    }

    [Fact]
    public void InvalidColourTypeAndDepth_IsRefused()
    {
        var e = Assert.Throws<InvalidDataException>(() => PngReader.DecodeGray(Build(1, 1, 4, 2, [0, 0]), "rgb4.png"));
        Assert.Contains("colour type 2 with bit depth 4 is not a PNG combination", e.Message);
    }

    [Property(MaxTest = 200)]
    public Property AnyCorruption_IsRefusedAsInvalidDataOrDecodes() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            var pixels = new byte[9 * 5];
            random.NextBytes(pixels);
            var png = Png.EncodeGray8(pixels, 9, 5);
            var bad = random.Next(2) == 0 ? png[..random.Next(png.Length)] : Flip(png, random);
            try
            {
                var image = PngReader.DecodeGray(bad, "fuzz.png");
                Assert.Equal(image.Width * image.Height, image.Pixels.Length);
            }
            catch (InvalidDataException e)
            {
                Assert.StartsWith("fuzz.png: ", e.Message, StringComparison.Ordinal);
            }
        });

    private static byte[] Flip(byte[] png, Random random)
    {
        var copy = (byte[])png.Clone();
        copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    // A PNG with the given IHDR and raw (filter byte + row) data, CRCs correct.
    private static byte[] Build(int width, int height, byte depth, byte color, byte[] raw)
    {
        var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = depth;
        ihdr[9] = color;
        Chunk(output, "IHDR", ihdr);
        var compressed = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            z.Write(raw);
        Chunk(output, "IDAT", compressed.ToArray());
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        var body = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(body);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Update(0, body));
        output.Write(word);
    }

    // The same file with another width and height in IHDR (and its CRC fixed).
    private static byte[] WithHeader(byte[] png, int width, int height)
    {
        var copy = (byte[])png.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(16), (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(20), (uint)height);
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(29), Crc32.Update(0, copy.AsSpan(12, 17)));
        return copy;
    }
}
