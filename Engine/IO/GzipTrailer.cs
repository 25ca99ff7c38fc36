using System.Buffers.Binary;

namespace Engine.IO;

/// <summary>
/// The 8-byte trailer of a single-member gzip file: CRC-32 and size (mod 2^32) of the decompressed data. Readers
/// compare it with what they decompressed, because .NET's GZipStream ends cleanly on a file cut at a deflate block
/// boundary or inside the trailer.
/// </summary>
internal readonly record struct GzipTrailer(uint Crc, uint Size)
{
    /// <summary>The least a gzip member can take: a 10-byte header and the 8-byte trailer.</summary>
    public const int MinimumFileLength = 18;

    /// <summary>Reads the last 8 bytes of <paramref name="length"/> bytes starting at <paramref name="start"/>, then seeks back to <paramref name="start"/>.</summary>
    /// <exception cref="InvalidDataException">The data is too short to be a complete gzip member; the message names <paramref name="name"/> and the offset.</exception>
    public static GzipTrailer Read(Stream stream, long start, long length, string name)
    {
        if (length < MinimumFileLength)
            throw new InvalidDataException(
                $"{name}: byte offset {length}: the gzip stream is only {length} bytes long, too short to be complete.");
        Span<byte> trailer = stackalloc byte[8];
        stream.Position = start + length - 8;
        stream.ReadExactly(trailer);
        stream.Position = start;
        return new GzipTrailer(BinaryPrimitives.ReadUInt32LittleEndian(trailer), BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]));
    }
}
