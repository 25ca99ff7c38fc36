using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Engine.IO;

public static partial class SafeTensors
{
    /// <summary>Reads and validates a safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The tensors in data order, and the metadata.</returns>
    /// <exception cref="InvalidDataException">
    /// The file breaks the format; the message names the file and the byte offset or the tensor.
    /// </exception>
    public static SafeTensorFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Read(stream, path);
    }

    /// <summary>Reads and validates safetensors bytes from the current position to the end of a seekable stream.</summary>
    /// <param name="stream">A seekable stream; its length bounds every allocation.</param>
    /// <param name="sourceName">Named in error messages (a path, or e.g. "&lt;memory&gt;").</param>
    /// <exception cref="ArgumentException">The stream is not seekable or readable.</exception>
    /// <exception cref="InvalidDataException">The bytes break the format.</exception>
    /// <remarks>
    /// Checks, in order: the stream holds the 8-byte length and the header it announces (before the header is
    /// allocated); the header is at most <see cref="MaxHeaderBytes"/>, valid UTF-8 and one JSON object; every entry
    /// has a known dtype, dimensions in [0, int.MaxValue], and data_offsets [begin, end] with
    /// end - begin == elements × dtype size (overflow-checked); names are unique; and the tensors, sorted by offset,
    /// tile the data buffer exactly (no gap, no overlap, nothing past the end, nothing left over).
    /// </remarks>
    public static SafeTensorFile Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        if (!stream.CanSeek || !stream.CanRead)
            throw new ArgumentException("SafeTensors.Read needs a readable, seekable stream.", nameof(stream));

        long available = stream.Length - stream.Position;
        if (available < 8)
            throw Invalid(sourceName, 0, $"the file has {available} bytes, fewer than the 8-byte header length");

        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, sourceName, 0);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        // Checked against the real size before anything is allocated.
        if (headerLength > (ulong)(available - 8))
            throw Invalid(sourceName, 0,
                $"the header length {headerLength} exceeds the {available - 8} bytes that follow it");
        if (headerLength > MaxHeaderBytes)
            throw Invalid(sourceName, 0, $"the header length {headerLength} exceeds the limit of {MaxHeaderBytes} bytes");

        var header = new byte[headerLength];
        ReadExactly(stream, header, sourceName, 8);
        if (!Utf8.IsValid(header))
            throw Invalid(sourceName, 8 + FirstInvalidUtf8(header), "the header is not valid UTF-8");

        var (entries, metadata) = SafeTensorHeader.Parse(header, sourceName);
        long dataLength = available - 8 - (long)headerLength;
        CheckLayout(entries, dataLength, sourceName);

        var tensors = new SafeTensor[entries.Count];
        long dataStart = 8 + (long)headerLength;
        for (int i = 0; i < entries.Count; i++)
            tensors[i] = ReadTensor(stream, entries[i], sourceName, dataStart);
        return new SafeTensorFile(tensors, metadata.Count == 0 ? null : metadata);
    }

    /// <summary>Checks sizes, then sorts the entries by offset and checks they tile [0, dataLength) exactly.</summary>
    private static void CheckLayout(List<SafeTensorHeader.Entry> entries, long dataLength, string source)
    {
        foreach (var entry in entries)
        {
            long elements = 1;
            foreach (int dim in entry.Shape)
            {
                if (dim != 0 && elements > long.MaxValue / dim)
                    throw Invalid(source, entry.HeaderOffset, $"tensor '{entry.Name}': the shape's element count overflows");
                elements *= dim;
            }
            int size = SafeTensorDTypes.Size(entry.DType);
            if (elements > long.MaxValue / size)
                throw Invalid(source, entry.HeaderOffset, $"tensor '{entry.Name}': the shape's byte count overflows");
            if (entry.End < entry.Begin)
                throw Invalid(source, entry.HeaderOffset,
                    $"tensor '{entry.Name}': data_offsets [{entry.Begin}, {entry.End}] end before they begin");
            if (entry.End > dataLength)
                throw Invalid(source, entry.HeaderOffset,
                    $"tensor '{entry.Name}': data_offsets [{entry.Begin}, {entry.End}] run past the {dataLength}-byte data buffer");
            if (entry.End - entry.Begin != elements * size)
                throw Invalid(source, entry.HeaderOffset,
                    $"tensor '{entry.Name}': shape ({string.Join(", ", entry.Shape)}) of {SafeTensorDTypes.Name(entry.DType)} " +
                    $"needs {elements * size} bytes but data_offsets [{entry.Begin}, {entry.End}] span {entry.End - entry.Begin}");
            if (elements > Array.MaxLength)
                throw Invalid(source, entry.HeaderOffset,
                    $"tensor '{entry.Name}' has {elements} elements, more than one array can hold");
        }

        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long cursor = 0;
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Begin < cursor)
                throw Invalid(source, entry.HeaderOffset,
                    $"tensor '{entry.Name}': data_offsets [{entry.Begin}, {entry.End}] overlap tensor '{entries[i - 1].Name}'");
            if (entry.Begin > cursor)
                throw Invalid(source, entry.HeaderOffset,
                    $"tensor '{entry.Name}': data_offsets begin at {entry.Begin}, leaving bytes [{cursor}, {entry.Begin}) of the data buffer unused");
            cursor = entry.End;
        }
        if (cursor != dataLength)
            throw Invalid(source, 8, $"the tensors cover {cursor} bytes but the data buffer after the header has {dataLength}");
    }

    private static SafeTensor ReadTensor(Stream stream, SafeTensorHeader.Entry entry, string source, long dataStart)
    {
        long fileOffset = dataStart + entry.Begin;
        int count = (int)((entry.End - entry.Begin) / SafeTensorDTypes.Size(entry.DType));
        switch (entry.DType)
        {
            case SafeTensorDType.F32:
            {
                var data = new float[count];
                ReadExactly(stream, MemoryMarshal.AsBytes(data.AsSpan()), source, fileOffset);
                if (!BitConverter.IsLittleEndian)
                    BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(data.AsSpan()), MemoryMarshal.Cast<float, int>(data.AsSpan()));
                return new SafeTensor(entry.Name, entry.Shape, data);
            }
            case SafeTensorDType.F64:
            {
                var data = new double[count];
                ReadExactly(stream, MemoryMarshal.AsBytes(data.AsSpan()), source, fileOffset);
                if (!BitConverter.IsLittleEndian)
                    BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<double, long>(data.AsSpan()), MemoryMarshal.Cast<double, long>(data.AsSpan()));
                return new SafeTensor(entry.Name, entry.Shape, data);
            }
            default:
            {
                var raw = new byte[(long)count * 2];
                ReadExactly(stream, raw, source, fileOffset);
                var data = new float[count];
                for (int i = 0; i < count; i++)
                {
                    ushort bits = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(2 * i));
                    data[i] = entry.DType == SafeTensorDType.F16
                        ? (float)BitConverter.UInt16BitsToHalf(bits)
                        : SafeTensorDTypes.FromBFloat16Bits(bits);
                }
                return new SafeTensor(entry.Name, entry.Shape, data, entry.DType);
            }
        }
    }

    /// <summary>Fills <paramref name="buffer"/>; a stream that ends early (e.g. a file truncated meanwhile) is invalid data.</summary>
    private static void ReadExactly(Stream stream, Span<byte> buffer, string source, long fileOffset)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException(
                $"{source}: byte {fileOffset}: the file ended before {buffer.Length} bytes could be read.", e);
        }
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        while (i < bytes.Length && Rune.DecodeFromUtf8(bytes[i..], out _, out int consumed) == OperationStatus.Done)
            i += consumed;
        return i;
    }

    /// <summary>The one way this reader reports a bad file: the file, the byte offset, what is wrong.</summary>
    internal static InvalidDataException Invalid(string source, long fileOffset, string message) =>
        new($"{source}: byte {fileOffset}: not a valid safetensors file: {message}.");
}
