using System.Buffers.Binary;
using System.IO.Compression;

namespace Engine.IO;

/// <summary>
/// A dependency-free PNG encoder (https://www.w3.org/TR/png/) for 8-bit grayscale and 8-bit RGB images:
/// signature, IHDR, one IDAT (zlib via <see cref="ZLibStream"/>), IEND, each chunk with its CRC-32.
/// </summary>
/// <remarks>
/// Each scanline gets the filter (None, Sub, Up, Average or Paeth) whose output has the smallest sum of absolute
/// values read as signed bytes: the heuristic the PNG specification recommends, which makes smooth images and
/// tile grids compress well.
/// </remarks>
public static class Png
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes a grayscale image, one byte per pixel, row-major, 0 = black.</summary>
    /// <exception cref="ArgumentException">Non-positive size, or <paramref name="pixels"/> length != width × height.</exception>
    public static byte[] EncodeGray8(ReadOnlySpan<byte> pixels, int width, int height) =>
        Encode(pixels, width, height, channels: 1, colorType: 0);

    /// <summary>Encodes an RGB image, three bytes (R, G, B) per pixel, row-major.</summary>
    /// <exception cref="ArgumentException">Non-positive size, or <paramref name="pixels"/> length != 3 × width × height.</exception>
    public static byte[] EncodeRgb8(ReadOnlySpan<byte> pixels, int width, int height) =>
        Encode(pixels, width, height, channels: 3, colorType: 2);

    /// <summary>Writes a grayscale PNG atomically (see <see cref="AtomicFile"/>).</summary>
    public static void WriteGray8(string path, ReadOnlySpan<byte> pixels, int width, int height) =>
        AtomicFile.WriteAllBytes(path, EncodeGray8(pixels, width, height));

    /// <summary>Writes an RGB PNG atomically (see <see cref="AtomicFile"/>).</summary>
    public static void WriteRgb8(string path, ReadOnlySpan<byte> pixels, int width, int height) =>
        AtomicFile.WriteAllBytes(path, EncodeRgb8(pixels, width, height));

    /// <summary>
    /// Maps values to bytes: <c>round(255 · (v − low) / (high − low))</c>, clamped to [0, 255]; NaN becomes 0.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="high"/> is not greater than <paramref name="low"/>.</exception>
    public static byte[] ToBytes(ReadOnlySpan<float> values, float low = 0f, float high = 1f)
    {
        if (!(high > low))
            throw new ArgumentException($"Png.ToBytes: high ({high}) must be greater than low ({low}).", nameof(high));
        var bytes = new byte[values.Length];
        float scale = 255f / (high - low);
        for (int i = 0; i < values.Length; i++)
        {
            float v = (values[i] - low) * scale;
            bytes[i] = float.IsNaN(v) ? (byte)0 : (byte)Math.Clamp(MathF.Round(v), 0f, 255f);
        }
        return bytes;
    }

    private static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels, byte colorType)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentException($"Png: the image must be at least 1×1, got {width}×{height}.", nameof(width));
        long rowBytes = (long)width * channels;
        if (rowBytes * height != pixels.Length)
            throw new ArgumentException(
                $"Png: a {width}×{height} image with {channels} channel(s) needs {rowBytes * height} bytes, got {pixels.Length}.",
                nameof(pixels));
        if (rowBytes + 1 > Array.MaxLength)
            throw new ArgumentException($"Png: rows of {width} pixels are too wide.", nameof(width));

        using var output = new MemoryStream();
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;          // bit depth
        header[9] = colorType;  // 0 = grayscale, 2 = RGB
        header[10] = 0;         // compression: deflate
        header[11] = 0;         // filter method: adaptive, five filter types
        header[12] = 0;         // no interlace
        WriteChunk(output, "IHDR"u8, header);

        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
                WriteFilteredRows(zlib, pixels, (int)rowBytes, height, channels);
            WriteChunk(output, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        }
        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    /// <summary>Writes each row as its filter-type byte followed by the filtered bytes.</summary>
    private static void WriteFilteredRows(Stream zlib, ReadOnlySpan<byte> pixels, int rowBytes, int height, int bpp)
    {
        var candidate = new byte[rowBytes + 1];
        var best = new byte[rowBytes + 1];
        var zeroRow = new byte[rowBytes];
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = pixels.Slice(y * rowBytes, rowBytes);
            ReadOnlySpan<byte> above = y == 0 ? zeroRow : pixels.Slice((y - 1) * rowBytes, rowBytes);
            long bestScore = long.MaxValue;
            for (byte filter = 0; filter <= 4; filter++)
            {
                long score = Filter(filter, row, above, bpp, candidate);
                if (score < bestScore)
                {
                    bestScore = score;
                    candidate.CopyTo(best, 0);
                }
            }
            zlib.Write(best);
        }
    }

    /// <summary>Applies one filter into <paramref name="output"/> (type byte first); returns the sum of |signed byte|.</summary>
    private static long Filter(byte filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, int bpp, Span<byte> output)
    {
        output[0] = filter;
        long score = 0;
        for (int i = 0; i < row.Length; i++)
        {
            // a = left, b = above, c = upper left; bytes left of the row count as 0.
            int a = i >= bpp ? row[i - bpp] : 0;
            int b = above[i];
            int c = i >= bpp ? above[i - bpp] : 0;
            int predictor = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                _ => Paeth(a, b, c),
            };
            byte value = (byte)(row[i] - predictor);
            output[i + 1] = value;
            score += Math.Abs((int)(sbyte)value);
        }
        return score;
    }

    /// <summary>The Paeth predictor: whichever of left, above, upper-left is closest to left + above − upper-left.</summary>
    internal static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
            return a;
        return pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        // The CRC covers the chunk type and data, not the length.
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Update(Crc32.Compute(type), data));
        output.Write(word);
    }
}
