using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Engine.IO;
using FsCheck;
using FsCheck.Xunit;

namespace Engine.Tests.IO;

/// <summary>
/// PNG encoder checked by a small independent decoder: chunk layout, CRCs (bitwise, no table), zlib inflate,
/// all five unfilter types, pixels equal to the input.
/// </summary>
[Trait("Layer", "IO")]
public sealed class PngTests
{
    internal sealed record Decoded(int Width, int Height, int BitDepth, int ColorType, byte[] Pixels, string[] Chunks);

    /// <summary>The plain bitwise CRC-32 of the PNG specification's annex, as an independent oracle.</summary>
    private static uint BitwiseCrc(ReadOnlySpan<byte> bytes)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
                c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
        }
        return ~c;
    }

    /// <summary>Decodes (and checks) an 8-bit grayscale or RGB PNG; also used by the demo's chart tests.</summary>
    internal static Decoded Decode(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int pos = 8, width = 0, height = 0, depth = 0, color = -1;
        var idat = new MemoryStream();
        var chunks = new List<string>();
        while (pos < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            Assert.Equal(BitwiseCrc(png.AsSpan(pos + 4, 4 + length)), crc);
            chunks.Add(type);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                depth = data[8];
                color = data[9];
                Assert.Equal(0, data[10] | data[11] | data[12]);
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }
            pos += 12 + length;
        }
        Assert.Equal(png.Length, pos);

        int channels = color == 2 ? 3 : 1;
        int rowBytes = width * channels;
        idat.Position = 0;
        using var inflate = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        inflate.CopyTo(raw);
        byte[] filtered = raw.ToArray();
        Assert.Equal((rowBytes + 1) * height, filtered.Length);

        var pixels = new byte[rowBytes * height];
        for (int y = 0; y < height; y++)
        {
            int filter = filtered[y * (rowBytes + 1)];
            Assert.InRange(filter, 0, 4);
            for (int i = 0; i < rowBytes; i++)
            {
                int a = i >= channels ? pixels[y * rowBytes + i - channels] : 0;
                int b = y > 0 ? pixels[(y - 1) * rowBytes + i] : 0;
                int c = i >= channels && y > 0 ? pixels[(y - 1) * rowBytes + i - channels] : 0;
                int p = a + b - c;
                int paeth = Math.Abs(p - a) <= Math.Abs(p - b) && Math.Abs(p - a) <= Math.Abs(p - c) ? a
                    : Math.Abs(p - b) <= Math.Abs(p - c) ? b : c;
                int predictor = filter switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, _ => paeth };
                pixels[y * rowBytes + i] = (byte)(filtered[y * (rowBytes + 1) + 1 + i] + predictor);
            }
        }
        return new Decoded(width, height, depth, color, pixels, chunks.ToArray());
    }

    [Property(MaxTest = 60)]
    public void EncodeGray8_RandomImage_DecodesToSamePixels(PositiveInt w, PositiveInt h, int seed)
    {
        int width = w.Get % 40 + 1, height = h.Get % 30 + 1;
        var pixels = SmoothAndNoisy(width * height, width, seed);

        var decoded = Decode(Png.EncodeGray8(pixels, width, height));

        Assert.Equal((width, height, 8, 0), (decoded.Width, decoded.Height, decoded.BitDepth, decoded.ColorType));
        Assert.Equal(["IHDR", "IDAT", "IEND"], decoded.Chunks);
        Assert.Equal(pixels, decoded.Pixels);
    }

    [Property(MaxTest = 60)]
    public void EncodeRgb8_RandomImage_DecodesToSamePixels(PositiveInt w, PositiveInt h, int seed)
    {
        int width = w.Get % 40 + 1, height = h.Get % 30 + 1;
        var pixels = SmoothAndNoisy(3 * width * height, 3 * width, seed);

        var decoded = Decode(Png.EncodeRgb8(pixels, width, height));

        Assert.Equal((width, height, 8, 2), (decoded.Width, decoded.Height, decoded.BitDepth, decoded.ColorType));
        Assert.Equal(pixels, decoded.Pixels);
    }

    /// <summary>Gradients, noise and flat areas, so every filter type wins somewhere.</summary>
    private static byte[] SmoothAndNoisy(int length, int rowBytes, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            int x = i % rowBytes, y = i / rowBytes;
            bytes[i] = (y % 4) switch
            {
                0 => (byte)(x * 7 + y * 3),
                1 => (byte)random.Next(256),
                2 => 200,
                _ => (byte)(x * y),
            };
        }
        return bytes;
    }

    [Fact]
    public void Encode_IendChunk_HasTheSpecificationsConstantCrc()
    {
        byte[] png = Png.EncodeGray8([0], 1, 1);
        // Every PNG ends with the empty IEND chunk, whose CRC is AE 42 60 82.
        Assert.Equal(new byte[] { 0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82 }, png[^12..]);
    }

    [Fact]
    public void Encode_BadArguments_ThrowArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Png.EncodeGray8(new byte[5], 2, 2));
        Assert.Throws<ArgumentException>(() => Png.EncodeRgb8(new byte[4], 2, 2));
        Assert.Throws<ArgumentException>(() => Png.EncodeGray8([], 0, 0));
        Assert.Throws<ArgumentException>(() => Png.ToBytes([1f], 1f, 1f));
    }

    [Fact]
    public void ToBytes_MapsRangeRoundsAndClamps()
    {
        Assert.Equal(new byte[] { 0, 0, 128, 255, 255, 0 }, Png.ToBytes([-1f, 0f, 0.5f, 1f, 7f, float.NaN]));
        Assert.Equal(new byte[] { 0, 255 }, Png.ToBytes([-1f, 1f], low: -1f, high: 1f));
    }

    [Fact]
    public void ImageGrid_Tile_PlacesScaledTilesAndPadding()
    {
        // Three 2×3 tiles in 2 columns, padding 1, upscaled ×2: 2·(2·(3+1)+1) = 18 wide, 2·(2·(2+1)+1) = 14 high.
        var tiles = new float[3 * 6];
        for (int t = 0; t < 3; t++)
            for (int i = 0; i < 6; i++)
                tiles[t * 6 + i] = (t * 6 + i) / 17f;

        var grid = ImageGrid.Tile(tiles, count: 3, tileHeight: 2, tileWidth: 3, columns: 2, padding: 1, scale: 2,
            background: 7);

        Assert.Equal((18, 14), (grid.Width, grid.Height));
        byte At(int x, int y) => grid.Pixels[y * grid.Width + x];
        // Tile t, pixel (r, c) sits at grid ((pad + col·(3+pad) + c)·2, (pad + row·(2+pad) + r)·2).
        for (int t = 0; t < 3; t++)
            for (int r = 0; r < 2; r++)
                for (int c = 0; c < 3; c++)
                {
                    byte want = (byte)MathF.Round((t * 6 + r * 3 + c) / 17f * 255f);
                    int x = (1 + t % 2 * 4 + c) * 2, y = (1 + t / 2 * 3 + r) * 2;
                    Assert.Equal(want, At(x, y));
                    Assert.Equal(want, At(x + 1, y + 1));
                }
        Assert.Equal(7, At(0, 0));
        Assert.Equal(7, At(17, 13));
        Assert.Equal(7, At(10, 9));   // the empty fourth cell
        var decoded = Decode(grid.ToPng());
        Assert.Equal(grid.Pixels, decoded.Pixels);
    }
}
