using System.Buffers.Binary;
using System.IO.Compression;

namespace Engine.IO;

/// <summary>
/// A dependency-free PNG decoder (https://www.w3.org/TR/png/) that returns 8-bit grayscale: the counterpart of
/// <see cref="Png"/>. Reads every standard colour type (grayscale, RGB, palette, grayscale + alpha, RGBA), every bit
/// depth (1, 2, 4, 8, 16), both interlace methods (none and Adam7), transparency (alpha channels and tRNS), and
/// checks every chunk's CRC-32.
/// </summary>
/// <remarks>
/// <para>Colour becomes gray as ITU-R BT.601 luma, round(0.299 R + 0.587 G + 0.114 B) (what Pillow's
/// <c>convert("L")</c> computes). 16-bit samples keep their high byte's worth, round(v / 257). Sub-byte gray
/// samples are stretched to 0..255. Transparent pixels are blended onto black, gray·alpha/255: black is the
/// background of MNIST-style images, where the ink is bright.</para>
/// <para>Nothing in the file is trusted: sizes are checked against <see cref="MaxPixels"/> before anything is
/// allocated, the image data must decompress to exactly the size the header implies, and every problem is an
/// <see cref="InvalidDataException"/> naming the file and the byte offset (or the row) where it was found.</para>
/// </remarks>
public static class PngReader
{
    /// <summary>Largest image accepted, in pixels (2^26, e.g. 8192 × 8192).</summary>
    public const long MaxPixels = 1L << 26;

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // Adam7: (first column, first row, column step, row step) of each of the seven passes.
    private static readonly (int X, int Y, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>Reads the PNG file at <paramref name="path"/> as an 8-bit grayscale image.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid PNG; the message names the file and offset.</exception>
    public static GrayImage ReadGray(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return DecodeGray(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes PNG bytes as an 8-bit grayscale image.</summary>
    /// <param name="png">The whole file.</param>
    /// <param name="name">Names the data in messages.</param>
    /// <returns>Width, height and one byte per pixel, row-major, 0 = black.</returns>
    /// <exception cref="InvalidDataException">The data is not a valid PNG; the message names it and the offset.</exception>
    public static GrayImage DecodeGray(ReadOnlySpan<byte> png, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (png.Length < Signature.Length || !png[..Signature.Length].SequenceEqual(Signature))
            throw Error(name, 0, "not a PNG file (the 8-byte PNG signature is missing)");
        Header? header = null;
        byte[]? palette = null;
        byte[]? transparency = null;
        var compressed = new MemoryStream();
        bool ended = false;
        int offset = Signature.Length;
        while (offset < png.Length && !ended)
        {
            if (png.Length - offset < 12)
                throw Error(name, offset, "the file ends inside a chunk header");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png[offset..]);
            if (length > int.MaxValue || length > png.Length - offset - 12)
                throw Error(name, offset, $"a chunk claims {length} bytes but only {png.Length - offset - 12} follow; the file is truncated");
            var type = png.Slice(offset + 4, 4);
            var data = png.Slice(offset + 8, (int)length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png[(offset + 8 + (int)length)..]);
            string typeName = System.Text.Encoding.ASCII.GetString(type);
            if (Crc32.Update(Crc32.Update(0, type), data) != crc)
                throw Error(name, offset, $"the CRC-32 of chunk {typeName} does not match; the file is corrupt");
            if (header is null && typeName != "IHDR")
                throw Error(name, offset, $"the first chunk is {typeName}, expected IHDR");
            switch (typeName)
            {
                case "IHDR":
                    if (header is not null) throw Error(name, offset, "a second IHDR chunk");
                    header = ReadHeader(data, name, offset);
                    break;
                case "PLTE":
                    if (length % 3 != 0 || length == 0 || length > 768)
                        throw Error(name, offset, $"the palette has {length} bytes; expected 3 to 768, a multiple of 3");
                    palette = data.ToArray();
                    break;
                case "tRNS":
                    transparency = data.ToArray();
                    break;
                case "IDAT":
                    compressed.Write(data);
                    break;
                case "IEND":
                    ended = true;
                    break;
                default:
                    // ancillary chunks (lower-case first letter) may be skipped; critical ones may not
                    if ((type[0] & 0x20) == 0)
                        throw Error(name, offset, $"unknown critical chunk {typeName}");
                    break;
            }
            offset += 12 + (int)length;
        }
        if (header is not { } h) throw Error(name, offset, "no IHDR chunk");
        if (!ended) throw Error(name, png.Length, "the file ends without an IEND chunk; it is truncated");
        if (compressed.Length == 0) throw Error(name, offset, "no image data (IDAT chunk)");
        if (h.ColorType == 3 && palette is null) throw Error(name, offset, "a palette image without a PLTE chunk");

        var raw = Inflate(compressed, h.DataBytes, name);
        var pixels = new byte[(long)h.Width * h.Height];
        var converter = new PngPixelConverter(h, palette, transparency);
        if (!h.Interlaced)
        {
            Unfilter(raw, 0, h.Width, h.Height, h, name, 0);
            converter.Rows(raw, 0, h.Width, h.Height, pixels, 0, 0, 1, 1);
        }
        else
        {
            long start = 0;
            for (int pass = 0; pass < Adam7.Length; pass++)
            {
                var (x0, y0, dx, dy) = Adam7[pass];
                int w = PassSize(h.Width, x0, dx), rows = PassSize(h.Height, y0, dy);
                if (w == 0 || rows == 0) continue;
                Unfilter(raw, start, w, rows, h, name, pass + 1);
                converter.Rows(raw, start, w, rows, pixels, x0, y0, dx, dy);
                start += (long)rows * (1 + h.RowBytes(w));
            }
        }
        return new GrayImage(h.Width, h.Height, pixels);
    }

    private static int PassSize(int size, int first, int step) => size <= first ? 0 : (size - first + step - 1) / step;

    private static Header ReadHeader(ReadOnlySpan<byte> data, string name, int offset)
    {
        if (data.Length != 13) throw Error(name, offset, $"IHDR has {data.Length} bytes, expected 13");
        uint width = BinaryPrimitives.ReadUInt32BigEndian(data), height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        byte depth = data[8], color = data[9];
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
            throw Error(name, offset + 8, $"the image is {width}×{height}; both sides must be 1 to {int.MaxValue}");
        if ((long)width * height > MaxPixels)
            throw Error(name, offset + 8, $"the image is {width}×{height}, more than the {MaxPixels:N0} pixels this reader accepts");
        bool valid = color switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => false,
        };
        if (!valid)
            throw Error(name, offset + 16, $"colour type {color} with bit depth {depth} is not a PNG combination");
        if (data[10] != 0 || data[11] != 0)
            throw Error(name, offset + 18, $"compression method {data[10]} / filter method {data[11]}; PNG defines only 0");
        if (data[12] > 1)
            throw Error(name, offset + 20, $"interlace method {data[12]}; PNG defines 0 (none) and 1 (Adam7)");
        return new Header((int)width, (int)height, depth, color, data[12] == 1);
    }

    private static byte[] Inflate(MemoryStream compressed, long expected, string name)
    {
        compressed.Position = 0;
        var raw = new byte[expected];
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        int filled = 0;
        try
        {
            while (filled < raw.Length)
            {
                int n = zlib.Read(raw, filled, raw.Length - filled);
                if (n == 0)
                    throw Error(name, -1, $"the image data decompresses to {filled:N0} bytes; the header needs {expected:N0}. The file is truncated or corrupt");
                filled += n;
            }
            Span<byte> probe = stackalloc byte[1];
            if (zlib.Read(probe) != 0)
                throw Error(name, -1, $"the image data decompresses to more than the {expected:N0} bytes the header allows");
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(name, StringComparison.Ordinal))
        {
            throw Error(name, -1, $"corrupt zlib image data after {filled:N0} decompressed bytes ({e.Message})");
        }
        return raw;
    }

    // Undoes the per-row filters in place: each row starts with its filter type, then RowBytes(width) bytes.
    private static void Unfilter(byte[] raw, long start, int width, int rows, Header h, string name, int pass)
    {
        int rowBytes = h.RowBytes(width), bpp = h.BytesPerPixel;
        for (int y = 0; y < rows; y++)
        {
            long at = start + (long)y * (rowBytes + 1);
            byte filter = raw[at];
            var row = raw.AsSpan((int)(at + 1), rowBytes);
            var previous = y == 0 ? Span<byte>.Empty : raw.AsSpan((int)(at - rowBytes), rowBytes);
            switch (filter)
            {
                case 0:
                    break;
                case 1:
                    for (int i = bpp; i < row.Length; i++) row[i] += row[i - bpp];
                    break;
                case 2:
                    if (!previous.IsEmpty) for (int i = 0; i < row.Length; i++) row[i] += previous[i];
                    break;
                case 3:
                    for (int i = 0; i < row.Length; i++)
                        row[i] += (byte)(((i >= bpp ? row[i - bpp] : 0) + (previous.IsEmpty ? 0 : previous[i])) >> 1);
                    break;
                case 4:
                    for (int i = 0; i < row.Length; i++)
                        row[i] += Paeth(i >= bpp ? row[i - bpp] : (byte)0, previous.IsEmpty ? (byte)0 : previous[i],
                            i >= bpp && !previous.IsEmpty ? previous[i - bpp] : (byte)0);
                    break;
                default:
                    throw Error(name, -1, $"row {y}{(pass > 0 ? $" of interlace pass {pass}" : "")} has filter type {filter}; PNG defines 0 to 4");
            }
        }
    }

    private static byte Paeth(byte a, byte b, byte c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static InvalidDataException Error(string name, long offset, string problem) =>
        new(offset >= 0 ? $"{name}: byte offset {offset}: {problem}." : $"{name}: {problem}.");

    /// <summary>The IHDR fields the decoder needs.</summary>
    internal readonly record struct Header(int Width, int Height, int Depth, int ColorType, bool Interlaced)
    {
        public int Channels => ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };

        /// <summary>Bytes per complete pixel, at least 1 (the filters' "bpp").</summary>
        public int BytesPerPixel => Math.Max(1, Channels * Depth / 8);

        public int RowBytes(int width) => (int)(((long)width * Channels * Depth + 7) / 8);

        /// <summary>Decompressed bytes: filter byte plus row bytes, per row of every (sub-)image.</summary>
        public long DataBytes
        {
            get
            {
                if (!Interlaced) return (long)Height * (1 + RowBytes(Width));
                long total = 0;
                foreach (var (x0, y0, dx, dy) in Adam7)
                {
                    int w = PassSize(Width, x0, dx), rows = PassSize(Height, y0, dy);
                    if (w > 0 && rows > 0) total += (long)rows * (1 + RowBytes(w));
                }
                return total;
            }
        }
    }
}
