using System.Buffers.Binary;
using System.Text;

namespace Engine.Persistence.Onnx;

/// <summary>
/// Writes the protocol buffers wire format by hand (https://protobuf.dev/programming-guides/encoding/):
/// each field is a tag <c>(fieldNumber &lt;&lt; 3) | wireType</c> as a varint, then the value. Wire types used:
/// 0 varint (ints, enums, bools), 1 fixed64, 2 length-delimited (strings, bytes, nested messages, packed
/// repeated scalars), 5 fixed32 (float).
/// </summary>
/// <remarks>A nested message is built in its own writer and then written with <see cref="WriteMessage"/>, which
/// prefixes its length; that keeps the writer one pass with no back-patching.</remarks>
public sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();

    /// <summary>Bytes written so far.</summary>
    public int Length => (int)_buffer.Length;

    /// <summary>The encoded message.</summary>
    public byte[] ToArray() => _buffer.ToArray();

    /// <summary>Writes an int64/uint64/int32/enum/bool field as a varint; negative values take 10 bytes, as in protobuf.</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, 0);
        WriteVarint((ulong)value);
    }

    /// <summary>Writes a float field (wire type 5, 4 bytes little-endian).</summary>
    public void WriteFloat(int field, float value)
    {
        WriteTag(field, 5);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    /// <summary>Writes a double field (wire type 1, 8 bytes little-endian).</summary>
    public void WriteDouble(int field, double value)
    {
        WriteTag(field, 1);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    /// <summary>Writes a bytes field (wire type 2: length, then the bytes).</summary>
    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, 2);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>Writes a string field as UTF-8.</summary>
    public void WriteString(int field, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteBytes(field, Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Writes an embedded message field.</summary>
    public void WriteMessage(int field, ProtoWriter message)
    {
        ArgumentNullException.ThrowIfNull(message);
        WriteTag(field, 2);
        WriteVarint((ulong)message._buffer.Length);
        message._buffer.Position = 0;
        message._buffer.CopyTo(_buffer);
    }

    /// <summary>Writes a packed repeated int64 field: one length-delimited record of varints.</summary>
    public void WritePackedInt64(int field, ReadOnlySpan<long> values)
    {
        var packed = new ProtoWriter();
        foreach (long value in values)
            packed.WriteVarint((ulong)value);
        WriteTag(field, 2);
        WriteVarint((ulong)packed.Length);
        packed._buffer.Position = 0;
        packed._buffer.CopyTo(_buffer);
    }

    /// <summary>Writes a packed repeated float field: one length-delimited record of 4-byte floats.</summary>
    public void WritePackedFloat(int field, ReadOnlySpan<float> values)
    {
        WriteTag(field, 2);
        WriteVarint((ulong)values.Length * 4);
        Span<byte> bytes = stackalloc byte[4];
        foreach (float value in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
            _buffer.Write(bytes);
        }
    }

    private void WriteTag(int field, int wireType)
    {
        if (field is < 1 or > (1 << 29) - 1)
            throw new ArgumentOutOfRangeException(nameof(field), field, "Protobuf field numbers are 1 to 2^29 - 1.");
        WriteVarint(((ulong)field << 3) | (uint)wireType);
    }

    /// <summary>Base-128 varint: 7 bits per byte, least significant group first, high bit set on all but the last.</summary>
    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }
}
