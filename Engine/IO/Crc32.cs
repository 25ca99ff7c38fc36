namespace Engine.IO;

/// <summary>
/// CRC-32 as PNG and zlib's crc32 define it (ISO-HDLC: reflected polynomial 0xEDB88320, initial value and final
/// XOR 0xFFFFFFFF), table-driven. Written here because System.IO.Hashing is not part of the framework.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    /// <summary>Continues a running CRC (start with 0) over <paramref name="bytes"/>.</summary>
    internal static uint Append(uint crc, ReadOnlySpan<byte> bytes)
    {
        uint c = ~crc;
        foreach (byte b in bytes)
            c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return ~c;
    }

    /// <summary>The CRC-32 of <paramref name="bytes"/>.</summary>
    internal static uint Compute(ReadOnlySpan<byte> bytes) => Append(0, bytes);
}
