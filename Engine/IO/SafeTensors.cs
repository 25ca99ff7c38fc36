using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Engine.IO;

/// <summary>
/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors):
/// an 8-byte little-endian u64 header length N, N bytes of UTF-8 JSON
/// <c>{"__metadata__": {string: string}, name: {"dtype", "shape", "data_offsets": [begin, end]}, ...}</c>
/// padded with spaces to a multiple of 8 bytes, then the tensors' bytes, little-endian and row-major, back to back.
/// <c>data_offsets</c> count from the first byte after the header.
/// </summary>
/// <remarks>
/// The writer follows the reference implementation byte for byte for ASCII names: tensors are ordered by dtype
/// (larger alignment first: F64, F32, BF16, F16) and then by name (ordinal UTF-8 bytes), the header JSON is
/// compact with "__metadata__" first and the tensors in data order, and the header is padded with spaces so the
/// data starts 8-byte aligned. Metadata keys are written sorted (the reference keeps them in hash order, so no
/// byte order is pinned down there). Non-ASCII names are written as raw UTF-8, control characters escaped.
/// The reader (in SafeTensors.Read.cs) validates everything before allocating anything sized by the file.
/// </remarks>
public static partial class SafeTensors
{
    /// <summary>The header key that holds the string-to-string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Largest header accepted, as in the reference implementation (100 MB).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> atomically (see <see cref="AtomicFile"/>).</summary>
    /// <param name="path">Target file.</param>
    /// <param name="tensors">Tensors with unique names.</param>
    /// <param name="metadata">Optional "__metadata__" map; written when not null.</param>
    /// <exception cref="ArgumentException">Duplicate names, or a header larger than <see cref="MaxHeaderBytes"/>.</exception>
    public static void Write(string path, IReadOnlyList<SafeTensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        byte[] header = BuildHeader(tensors, metadata, out var ordered);
        AtomicFile.Write(path, stream => WriteBody(stream, header, ordered));
    }

    /// <summary>Writes the safetensors bytes of <paramref name="tensors"/> to <paramref name="stream"/>.</summary>
    /// <param name="stream">Destination; it is not closed.</param>
    /// <param name="tensors">Tensors with unique names.</param>
    /// <param name="metadata">Optional "__metadata__" map; written when not null.</param>
    public static void Write(Stream stream, IReadOnlyList<SafeTensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] header = BuildHeader(tensors, metadata, out var ordered);
        WriteBody(stream, header, ordered);
    }

    /// <summary>The safetensors bytes of <paramref name="tensors"/>, as <see cref="Write(string, IReadOnlyList{SafeTensor}, IReadOnlyDictionary{string, string}?)"/> would write them.</summary>
    public static byte[] Serialize(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var memory = new MemoryStream();
        Write(memory, tensors, metadata);
        return memory.ToArray();
    }

    /// <summary>
    /// Builds the padded JSON header and returns the tensors in data order (dtype alignment descending, then name).
    /// </summary>
    private static byte[] BuildHeader(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata,
        out SafeTensor[] ordered)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            if (tensor is null)
                throw new ArgumentException("SafeTensors.Write: the tensor list contains null.", nameof(tensors));
            if (!names.Add(tensor.Name))
                throw new ArgumentException($"SafeTensors.Write: two tensors are named '{tensor.Name}'.", nameof(tensors));
        }

        // The reference sorts by descending dtype (its enum is in increasing alignment order), then by name.
        ordered = tensors.ToArray();
        Array.Sort(ordered, (left, right) =>
        {
            int byDType = ((int)right.DType).CompareTo((int)left.DType);
            return byDType != 0 ? byDType : CompareUtf8(left.Name, right.Name);
        });

        var buffer = new ArrayBufferWriter<byte>();
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            json.WriteStartObject();
            if (metadata is not null)
            {
                json.WriteStartObject(MetadataKey);
                foreach (var key in metadata.Keys.OrderBy(k => k, StringComparer.Ordinal))
                    json.WriteString(key, metadata[key]);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var tensor in ordered)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", SafeTensorDTypes.Name(tensor.DType));
                json.WriteStartArray("shape");
                foreach (int dim in tensor.Shape)
                    json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += tensor.ByteLength;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }

        // Pad with spaces (valid JSON whitespace) so the data buffer starts 8-byte aligned.
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        if (padded > MaxHeaderBytes)
            throw new ArgumentException(
                $"SafeTensors.Write: the header would be {padded} bytes, more than readers accept ({MaxHeaderBytes}).",
                nameof(tensors));
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void WriteBody(Stream stream, byte[] header, SafeTensor[] ordered)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var tensor in ordered)
            WriteData(stream, tensor);
    }

    /// <summary>Writes the elements little-endian; F16/BF16 are rounded to nearest even.</summary>
    private static void WriteData(Stream stream, SafeTensor tensor)
    {
        if (BitConverter.IsLittleEndian && tensor.DType == SafeTensorDType.F32)
        {
            stream.Write(MemoryMarshal.AsBytes(tensor.Floats.AsSpan()));
            return;
        }
        if (BitConverter.IsLittleEndian && tensor.DType == SafeTensorDType.F64)
        {
            stream.Write(MemoryMarshal.AsBytes(tensor.Doubles.AsSpan()));
            return;
        }

        // Convert in chunks so no buffer proportional to the tensor is needed.
        int size = SafeTensorDTypes.Size(tensor.DType);
        var chunk = new byte[8192];
        int perChunk = chunk.Length / size;
        for (int start = 0; start < tensor.ElementCount; start += perChunk)
        {
            int count = Math.Min(perChunk, tensor.ElementCount - start);
            for (int i = 0; i < count; i++)
            {
                var slot = chunk.AsSpan(i * size, size);
                switch (tensor.DType)
                {
                    case SafeTensorDType.F16:
                        BinaryPrimitives.WriteHalfLittleEndian(slot, (Half)tensor.Floats![start + i]);
                        break;
                    case SafeTensorDType.BF16:
                        BinaryPrimitives.WriteUInt16LittleEndian(slot,
                            SafeTensorDTypes.ToBFloat16Bits(tensor.Floats![start + i]));
                        break;
                    case SafeTensorDType.F32:
                        BinaryPrimitives.WriteSingleLittleEndian(slot, tensor.Floats![start + i]);
                        break;
                    default:
                        BinaryPrimitives.WriteDoubleLittleEndian(slot, tensor.Doubles![start + i]);
                        break;
                }
            }
            stream.Write(chunk, 0, count * size);
        }
    }

    /// <summary>Orders names by their UTF-8 bytes, as Rust's string comparison does.</summary>
    private static int CompareUtf8(string left, string right)
    {
        byte[] a = Encoding.UTF8.GetBytes(left);
        byte[] b = Encoding.UTF8.GetBytes(right);
        return a.AsSpan().SequenceCompareTo(b);
    }
}
