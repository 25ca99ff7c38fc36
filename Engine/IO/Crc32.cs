namespace Engine.IO;

/// <summary>
/// CRC-32 as used by gzip and PNG (ISO-HDLC: reflected polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF).
/// </summary>
/// <remarks>
/// We check the gzip trailer ourselves because .NET's GZipStream returns a clean end of stream when the input
/// is cut inside the 8-byte trailer, so a truncated file would otherwise be accepted. Slicing-by-4 tables keep
/// the cost to about a quarter of the decompression time.
/// </remarks>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32 of <paramref name="bytes"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> bytes) => Update(0, bytes);

    /// <summary>Continues a CRC over <paramref name="data"/>; start with <c>crc = 0</c>.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] t = Table;
        crc = ~crc;
        int i = 0;
        // slicing-by-4: fold four bytes per step through four derived tables
        for (; i + 4 <= data.Length; i += 4)
        {
            crc ^= (uint)(data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24);
            crc = t[768 + (crc & 0xFF)] ^ t[512 + ((crc >> 8) & 0xFF)]
                ^ t[256 + ((crc >> 16) & 0xFF)] ^ t[crc >> 24];
        }
        for (; i < data.Length; i++)
            crc = t[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[1024];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        // table[s*256 + n] = CRC of byte n followed by s zero bytes
        for (int s = 1; s < 4; s++)
        {
            for (int n = 0; n < 256; n++)
            {
                uint prev = table[(s - 1) * 256 + n];
                table[s * 256 + n] = table[prev & 0xFF] ^ (prev >> 8);
            }
        }
        return table;
    }
}
