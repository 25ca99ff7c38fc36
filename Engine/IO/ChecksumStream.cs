namespace Engine.IO;

/// <summary>
/// A read-only pass-through stream that counts the bytes read from its source and keeps their CRC-32, so a
/// reader can compare what a gzip stream decompressed with the member's trailer (CRC-32 and size mod 2^32).
/// </summary>
/// <remarks>
/// .NET's GZipStream ends cleanly when the input is cut inside the 8-byte trailer, or right after a deflate block
/// boundary, so without this check a truncated file loads short without an error. Disposing does not dispose
/// the source.
/// </remarks>
internal sealed class ChecksumStream(Stream source) : ReadOnlyStream
{
    /// <summary>Bytes read so far.</summary>
    public long Count { get; private set; }

    /// <summary>CRC-32 of the bytes read so far.</summary>
    public uint Crc { get; private set; }

    /// <summary>Whether the source has reported its end.</summary>
    public bool Ended { get; private set; }

    /// <summary>Whether <see cref="Count"/> (mod 2^32) and <see cref="Crc"/> equal a gzip trailer's values.</summary>
    public bool Matches(uint crc, uint size) => Crc == crc && (uint)Count == size;

    public override int Read(Span<byte> buffer)
    {
        int n = source.Read(buffer);
        if (n == 0 && buffer.Length > 0)
            Ended = true;
        Crc = Crc32.Update(Crc, buffer[..n]);
        Count += n;
        return n;
    }
}
