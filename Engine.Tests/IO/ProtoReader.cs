using System.Buffers.Binary;
using System.Text;

namespace Engine.Tests.IO;

/// <summary>A minimal protobuf wire-format reader for tests: a message is a list of (field, wire type, value).</summary>
internal sealed class ProtoReader
{
    internal sealed record Field(int Number, int WireType, ulong Scalar, byte[] Bytes)
    {
        internal string Text => Encoding.UTF8.GetString(Bytes);
        internal ProtoReader Message => new(Bytes);
        internal float Float => BitConverter.Int32BitsToSingle((int)Scalar);
    }

    internal ProtoReader(byte[] bytes)
    {
        int pos = 0;
        while (pos < bytes.Length)
        {
            ulong tag = Varint(bytes, ref pos);
            int number = (int)(tag >> 3), wire = (int)(tag & 7);
            switch (wire)
            {
                case 0: Fields.Add(new Field(number, wire, Varint(bytes, ref pos), [])); break;
                case 1: Fields.Add(new Field(number, wire, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(pos)), [])); pos += 8; break;
                case 5: Fields.Add(new Field(number, wire, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos)), [])); pos += 4; break;
                case 2:
                    int length = checked((int)Varint(bytes, ref pos));
                    Fields.Add(new Field(number, wire, 0, bytes.AsSpan(pos, length).ToArray()));
                    pos += length;
                    break;
                default: throw new InvalidDataException($"wire type {wire} at byte {pos}");
            }
        }
        Assert.Equal(bytes.Length, pos);
    }

    internal List<Field> Fields { get; } = [];

    internal IEnumerable<Field> All(int number) => Fields.Where(f => f.Number == number);

    internal Field One(int number) => Assert.Single(All(number));

    internal static ulong Varint(byte[] bytes, ref int pos)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = bytes[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
    }
}
