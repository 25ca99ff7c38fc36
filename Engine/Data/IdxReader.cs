using Engine.IO;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Engine.Data;

/// <summary>
/// Reads IDX files, the container format of MNIST and Fashion-MNIST, either raw or gzip-compressed
/// (detected by the gzip magic 1F 8B, not by the file name).
/// </summary>
/// <remarks>
/// <para>Layout (all integers big-endian): bytes 0–1 are zero, byte 2 is the element type (0x08 = unsigned
/// byte, the only type read here), byte 3 is the rank R, then R dimension sizes of 4 bytes each, then the
/// elements in row-major order. See http://yann.lecun.com/exdb/mnist/ ("THE IDX FILE FORMAT").</para>
/// <para>The reader trusts nothing in the header: every size must be ≥ 1, their product must not exceed a
/// limit, and for raw input it must match the bytes that actually follow before anything is allocated. For
/// gzip input the data array grows as decompressed bytes arrive, so a lying header costs at most about twice
/// the real data. The gzip trailer (CRC-32 and length) is verified, because .NET's GZipStream silently accepts
/// a file cut inside its trailer. Only single-member gzip files are accepted (what gzip and the official
/// MNIST downloads produce).</para>
/// <para>Every problem with the content is an <see cref="InvalidDataException"/> whose message names the file
/// and the byte offset, e.g. "train.idx: byte offset 8: dimension 1 is 0; every size must be at least 1".
/// Offsets into gzip files say "decompressed byte offset" when they count decompressed bytes.</para>
/// </remarks>
public static class IdxReader
{
    /// <summary>Default bound on the element count (1 GiB of bytes); the full Fashion-MNIST train set is 47 M.</summary>
    public const long DefaultMaxElements = 1L << 30;

    /// <summary>Largest rank accepted; IDX allows 255, real files use 1 to 4.</summary>
    public const int MaxRank = 16;

    private const byte UnsignedByteType = 0x08;
    private const int InitialGzipChunk = 1 << 16;

    /// <summary>Reads the IDX file at <paramref name="path"/> (raw or gzip).</summary>
    /// <param name="path">File to read; also used to name the file in error messages.</param>
    /// <param name="maxElements">Upper bound on the product of the dimensions, at most <see cref="Array.MaxLength"/>.</param>
    /// <returns>The dimensions and the elements.</returns>
    /// <exception cref="ArgumentException">The path is empty or <paramref name="maxElements"/> is out of range.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The content is not a valid unsigned-byte IDX file.</exception>
    public static IdxArray Read(string path, long maxElements = DefaultMaxElements)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path, maxElements);
    }

    /// <summary>Reads an IDX file (raw or gzip) from the current position of <paramref name="stream"/> to its end.</summary>
    /// <param name="stream">Readable stream; a non-seekable stream is first copied into memory.</param>
    /// <param name="name">Name of the data for error messages (usually the file name).</param>
    /// <param name="maxElements">Upper bound on the product of the dimensions, at most <see cref="Array.MaxLength"/>.</param>
    /// <returns>The dimensions and the elements.</returns>
    /// <exception cref="ArgumentException">The stream is not readable or <paramref name="maxElements"/> is out of range.</exception>
    /// <exception cref="InvalidDataException">The content is not a valid unsigned-byte IDX file.</exception>
    public static IdxArray Read(Stream stream, string name, long maxElements = DefaultMaxElements)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        if (maxElements < 1 || maxElements > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(maxElements), maxElements,
                $"IdxReader.Read: maxElements must be in [1, {Array.MaxLength}].");
        if (!stream.CanRead)
            throw new ArgumentException($"IdxReader.Read: the stream for '{name}' is not readable.", nameof(stream));
        if (stream.CanSeek)
            return ReadSeekable(stream, name, maxElements);

        // We need the length (raw) or the trailer (gzip) up front; the copy is bounded by the real input.
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return ReadSeekable(copy, name, maxElements);
    }

    private static IdxArray ReadSeekable(Stream stream, string name, long maxElements)
    {
        long start = stream.Position;
        long length = stream.Length - start;
        Span<byte> lead = stackalloc byte[2];
        int got = stream.ReadAtLeast(lead, 2, throwOnEndOfStream: false);
        stream.Position = start;
        return got == 2 && lead[0] == 0x1F && lead[1] == 0x8B
            ? ReadGzip(stream, name, start, length, maxElements)
            : ReadRaw(stream, name, length, maxElements);
    }

    private static IdxArray ReadRaw(Stream stream, string name, long length, long maxElements)
    {
        var header = ReadHeader(stream, name, gzip: false, maxElements);
        long remaining = length - header.Bytes.Length;
        if (remaining < header.Count)
            throw Error(name, false, header.Bytes.Length,
                $"the header declares {header.Shape} = {header.Count} data bytes but only {remaining} follow");
        if (remaining > header.Count)
            throw Error(name, false, header.Bytes.Length + header.Count,
                $"{remaining - header.Count} unexpected bytes after the {header.Count} data bytes of {header.Shape}");

        var data = new byte[header.Count];
        int read = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < data.Length)
            throw Error(name, false, header.Bytes.Length + read, "the stream ended before its reported length");
        return new IdxArray(header.Dimensions, data);
    }

    private static IdxArray ReadGzip(Stream stream, string name, long start, long length, long maxElements)
    {
        var (expectedCrc, expectedSize) = GzipTrailer.Read(stream, start, length, name);

        using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        var header = ReadHeader(gzip, name, gzip: true, maxElements);
        long total = header.Bytes.Length + header.Count;
        if ((uint)total != expectedSize)
            throw Error(name, false, length - 4,
                $"the gzip trailer gives a decompressed size of {expectedSize} (mod 2^32) but the IDX header "
                + $"{header.Shape} implies {total}; the file is truncated or corrupt");

        // Grow as bytes arrive: the header was checked against the trailer, but both could be forged.
        var data = new byte[Math.Min(header.Count, InitialGzipChunk)];
        long filled = 0;
        while (filled < header.Count)
        {
            if (filled == data.Length)
                Array.Resize(ref data, (int)Math.Min(header.Count, 2L * data.Length));
            int n = ReadSome(gzip, data.AsSpan((int)filled), name, header.Bytes.Length + filled);
            if (n == 0)
                throw Error(name, true, header.Bytes.Length + filled,
                    $"the data ends after {filled} of the {header.Count} bytes declared by {header.Shape}");
            filled += n;
        }
        Span<byte> probe = stackalloc byte[1];
        if (ReadSome(gzip, probe, name, total) != 0)
            throw Error(name, true, total, $"unexpected data after the {header.Count} data bytes of {header.Shape}");

        uint crc = Crc32.Update(Crc32.Update(0, header.Bytes), data);
        if (crc != expectedCrc)
            throw Error(name, false, length - 8,
                $"CRC-32 mismatch: the gzip trailer says 0x{expectedCrc:X8} but the data gives 0x{crc:X8}; "
                + "the file is truncated or corrupt (multi-member gzip files are not supported)");
        return new IdxArray(header.Dimensions, data);
    }

    private readonly record struct Header(byte[] Bytes, int[] Dimensions, int Count, string Shape);

    private static Header ReadHeader(Stream stream, string name, bool gzip, long maxElements)
    {
        Span<byte> magic = stackalloc byte[4];
        int got = ReadFully(stream, magic, name, gzip, 0);
        if (got < 4)
            throw Error(name, gzip, got, $"the data ends after {got} bytes, inside the 4-byte IDX magic");
        if (magic[0] != 0 || magic[1] != 0)
            throw Error(name, gzip, 0, "expected the IDX magic 00 00 <type> <rank>, found "
                + $"{magic[0]:X2} {magic[1]:X2} {magic[2]:X2} {magic[3]:X2}");
        if (magic[2] != UnsignedByteType)
            throw Error(name, gzip, 2, DescribeType(magic[2]));
        int rank = magic[3];
        if (rank == 0 || rank > MaxRank)
            throw Error(name, gzip, 3, $"the rank is {rank}; expected 1 to {MaxRank}");

        var bytes = new byte[4 + 4 * rank];
        magic.CopyTo(bytes);
        got = ReadFully(stream, bytes.AsSpan(4), name, gzip, 4);
        if (got < 4 * rank)
            throw Error(name, gzip, 4 + got,
                $"the data ends inside the dimension sizes (rank {rank} needs {4 * rank} bytes, {got} present)");

        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (size == 0)
                throw Error(name, gzip, 4 + 4 * i, $"dimension {i} is 0; every size must be at least 1");
            if (size > int.MaxValue)
                throw Error(name, gzip, 4 + 4 * i, $"dimension {i} is {size}, larger than {int.MaxValue}");
            dims[i] = (int)size;
            // each factor is < 2^31 and count <= maxElements < 2^31, so this cannot overflow a long
            count *= size;
            if (count > maxElements)
                throw Error(name, gzip, 4, $"the dimensions {Shape(bytes, rank)} hold more than the limit of "
                    + $"{maxElements} elements");
        }
        return new Header(bytes, dims, (int)count, "(" + string.Join(", ", dims) + ")");
    }

    private static string Shape(byte[] header, int rank)
    {
        var sizes = new uint[rank];
        for (int i = 0; i < rank; i++)
            sizes[i] = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4 + 4 * i));
        return "(" + string.Join(", ", sizes) + ")";
    }

    private static string DescribeType(byte type)
    {
        string? known = type switch
        {
            0x09 => "signed byte",
            0x0B => "int16",
            0x0C => "int32",
            0x0D => "float32",
            0x0E => "float64",
            _ => null,
        };
        return known is null
            ? $"unknown element type 0x{type:X2}; IDX types are 0x08, 0x09, 0x0B to 0x0E"
            : $"element type 0x{type:X2} ({known}) is not supported; only unsigned byte (0x08) is read";
    }

    private static int ReadFully(Stream stream, Span<byte> buffer, string name, bool gzip, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = gzip ? ReadSome(stream, buffer[total..], name, offset + total) : stream.Read(buffer[total..]);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }

    // The decompressor reports corrupt deflate data as InvalidDataException without naming the file.
    private static int ReadSome(Stream gzip, Span<byte> buffer, string name, long offset)
    {
        try
        {
            return gzip.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException(
                $"{name}: decompressed byte offset {offset}: corrupt gzip data ({e.Message})", e);
        }
    }

    private static InvalidDataException Error(string name, bool decompressed, long offset, string problem) =>
        new($"{name}: {(decompressed ? "decompressed " : "")}byte offset {offset}: {problem}.");
}
