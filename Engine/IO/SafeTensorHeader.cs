using System.Text.Json;

namespace Engine.IO;

/// <summary>
/// Parses the JSON header of a safetensors file with <see cref="Utf8JsonReader"/>, strictly: one object whose
/// keys are unique; "__metadata__" maps strings to strings; every other key is a tensor with a known "dtype",
/// a "shape" of integers in [0, int.MaxValue] and "data_offsets" of two non-negative integers.
/// Unknown keys inside a tensor entry are skipped, as the reference implementation does.
/// </summary>
internal static class SafeTensorHeader
{
    /// <summary>One tensor's header entry; <see cref="HeaderOffset"/> is the file offset of its name.</summary>
    internal sealed record Entry(string Name, SafeTensorDType DType, int[] Shape, long Begin, long End, long HeaderOffset);

    private static readonly JsonReaderOptions Options = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 64,
    };

    /// <summary>Parses <paramref name="header"/> (already checked to be UTF-8).</summary>
    internal static (List<Entry> Entries, Dictionary<string, string> Metadata) Parse(ReadOnlySpan<byte> header,
        string source)
    {
        var reader = new Utf8JsonReader(header, isFinalBlock: true, new JsonReaderState(Options));
        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);

        if (!Next(ref reader, source))
            throw SafeTensors.Invalid(source, 8, "the header is empty; it must be a JSON object");
        Expect(ref reader, JsonTokenType.StartObject, "the header must be a JSON object", source);
        while (Next(ref reader, source) && reader.TokenType == JsonTokenType.PropertyName)
        {
            long keyOffset = Offset(ref reader);
            string key = GetString(ref reader, source);
            if (!keys.Add(key))
                throw SafeTensors.Invalid(source, keyOffset, $"the key '{key}' appears twice in the header");
            if (key == SafeTensors.MetadataKey)
                ParseMetadata(ref reader, metadata, source);
            else
                entries.Add(ParseEntry(ref reader, key, keyOffset, source));
        }
        Expect(ref reader, JsonTokenType.EndObject, "the header object is not closed", source);
        // Only whitespace (the spaces of the padding) may follow the object.
        if (Next(ref reader, source))
            throw SafeTensors.Invalid(source, Offset(ref reader), "content follows the header object");
        return (entries, metadata);
    }

    private static void ParseMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string source)
    {
        Next(ref reader, source);
        Expect(ref reader, JsonTokenType.StartObject, "\"__metadata__\" must be an object of strings", source);
        while (Next(ref reader, source) && reader.TokenType == JsonTokenType.PropertyName)
        {
            long keyOffset = Offset(ref reader);
            string key = GetString(ref reader, source);
            Next(ref reader, source);
            Expect(ref reader, JsonTokenType.String, $"metadata value '{key}' must be a string", source);
            if (!metadata.TryAdd(key, GetString(ref reader, source)))
                throw SafeTensors.Invalid(source, keyOffset, $"the metadata key '{key}' appears twice");
        }
        Expect(ref reader, JsonTokenType.EndObject, "\"__metadata__\" is not closed", source);
    }

    private static Entry ParseEntry(ref Utf8JsonReader reader, string name, long nameOffset, string source)
    {
        Next(ref reader, source);
        Expect(ref reader, JsonTokenType.StartObject, $"tensor '{name}' must be an object", source);
        SafeTensorDType? dtype = null;
        int[]? shape = null;
        long[]? offsets = null;
        while (Next(ref reader, source) && reader.TokenType == JsonTokenType.PropertyName)
        {
            long fieldOffset = Offset(ref reader);
            string field = GetString(ref reader, source);
            Next(ref reader, source);
            bool duplicate;
            switch (field)
            {
                case "dtype":
                    duplicate = dtype is not null;
                    Expect(ref reader, JsonTokenType.String, $"tensor '{name}': \"dtype\" must be a string", source);
                    string text = GetString(ref reader, source);
                    if (!SafeTensorDTypes.TryParse(text, out var parsed))
                        throw SafeTensors.Invalid(source, Offset(ref reader),
                            $"tensor '{name}': dtype '{text}' is not supported (supported: F16, BF16, F32, F64)");
                    dtype = parsed;
                    break;
                case "shape":
                    duplicate = shape is not null;
                    shape = ReadIntegers(ref reader, name, "shape", int.MaxValue, source)
                        .Select(v => (int)v).ToArray();
                    break;
                case "data_offsets":
                    duplicate = offsets is not null;
                    offsets = ReadIntegers(ref reader, name, "data_offsets", long.MaxValue, source).ToArray();
                    if (offsets.Length != 2)
                        throw SafeTensors.Invalid(source, fieldOffset,
                            $"tensor '{name}': data_offsets must be [begin, end], got {offsets.Length} numbers");
                    break;
                default:
                    duplicate = false;
                    Skip(ref reader, source);
                    break;
            }
            if (duplicate)
                throw SafeTensors.Invalid(source, fieldOffset, $"tensor '{name}': \"{field}\" appears twice");
        }
        Expect(ref reader, JsonTokenType.EndObject, $"tensor '{name}' is not closed", source);
        if (dtype is null || shape is null || offsets is null)
            throw SafeTensors.Invalid(source, nameOffset,
                $"tensor '{name}' needs \"dtype\", \"shape\" and \"data_offsets\"");
        return new Entry(name, dtype.Value, shape, offsets[0], offsets[1], nameOffset);
    }

    /// <summary>Reads an array of integers in [0, max]; fractions, exponents, negatives and overflow are rejected.</summary>
    private static List<long> ReadIntegers(ref Utf8JsonReader reader, string name, string field, long max, string source)
    {
        Expect(ref reader, JsonTokenType.StartArray, $"tensor '{name}': \"{field}\" must be an array of integers", source);
        var values = new List<long>();
        while (Next(ref reader, source) && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0 ||
                value > max)
                throw SafeTensors.Invalid(source, Offset(ref reader),
                    $"tensor '{name}': every entry of \"{field}\" must be an integer in [0, {max}]");
            values.Add(value);
        }
        return values;
    }

    private static bool Next(ref Utf8JsonReader reader, string source)
    {
        long at = reader.BytesConsumed;
        try
        {
            return reader.Read();
        }
        catch (JsonException e)
        {
            throw SafeTensors.Invalid(source, 8 + at, $"the header is not well-formed JSON ({e.Message})");
        }
    }

    private static void Skip(ref Utf8JsonReader reader, string source)
    {
        long at = reader.TokenStartIndex;
        try
        {
            reader.Skip();
        }
        catch (JsonException e)
        {
            throw SafeTensors.Invalid(source, 8 + at, $"the header is not well-formed JSON ({e.Message})");
        }
    }

    private static string GetString(ref Utf8JsonReader reader, string source)
    {
        try
        {
            return reader.GetString() ?? "";
        }
        catch (InvalidOperationException e)
        {
            // Escapes such as a lone surrogate "\ud800" are valid JSON but not a valid string.
            throw SafeTensors.Invalid(source, Offset(ref reader), $"a header string cannot be decoded ({e.Message})");
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected, string message, string source)
    {
        if (reader.TokenType != expected)
            throw SafeTensors.Invalid(source, Offset(ref reader), $"{message} (found {reader.TokenType})");
    }

    /// <summary>File offset of the current token: 8 bytes of length, then the header.</summary>
    private static long Offset(ref Utf8JsonReader reader) => 8 + reader.TokenStartIndex;
}
