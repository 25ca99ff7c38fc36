using Engine.IO;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Engine.Text;

// word2vec.c's two file formats. Both start with the text line "<count> <dimensions>".
// Text:   then one line per word, "word v1 v2 ... vD" (invariant culture, shortest round-trip floats).
// Binary: then per word "word " followed by D little-endian float32 and a '\n' (readers also accept no '\n',
//         as gensim writes it).
public sealed partial class WordVectors
{
    private const int MaxWordBytes = 1000;

    /// <summary>Writes word2vec.c's text format atomically (temporary file, flush, rename); values round-trip exactly.</summary>
    public void SaveText(string path) =>
        AtomicFile.WriteText(path, writer =>
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Count} {Dimensions}"));
            var line = new StringBuilder();
            for (int row = 0; row < Count; row++)
            {
                line.Clear().Append(_words[row]);
                foreach (float value in _vectors.AsSpan(row * Dimensions, Dimensions))
                    line.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture));
                writer.WriteLine(line);
            }
        });

    /// <summary>Reads word2vec.c's text format (a trailing space on lines is accepted).</summary>
    /// <exception cref="InvalidDataException">Malformed file; the message names the file and line.</exception>
    public static WordVectors LoadText(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        long fileLength = new FileInfo(path).Length;
        using var reader = new Utf8LineReader(path);
        int line = 1;
        string header = reader.ReadLine() ?? throw TextError(path, 1, "the file is empty");
        var (count, dims) = ParseHeader(header, path, $"{path}:1");
        // Each value takes at least two characters ("0 "), so a valid header is bounded by the file size.
        if ((long)count * dims * 2 > fileLength)
            throw TextError(path, 1, $"header announces {count} x {dims} values but the file has only " +
                $"{fileLength} bytes");
        var words = new string[count];
        var vectors = new float[count * dims];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int row = 0; row < count; row++)
        {
            line++;
            string text = reader.ReadLine() ?? throw TextError(path, line, $"file ends after {row} of {count} words");
            string[] fields = text.TrimEnd(' ', '\r').Split(' ');
            if (fields.Length != dims + 1 || fields[0].Length == 0)
                throw TextError(path, line, $"expected a word and {dims} values, found {fields.Length} fields");
            words[row] = fields[0];
            if (fields[0].Any(char.IsWhiteSpace))
                throw TextError(path, line, $"the word '{Clip(fields[0])}' contains white space");
            if (!seen.Add(fields[0]))
                throw TextError(path, line, $"the word '{Clip(fields[0])}' appears twice");
            for (int j = 0; j < dims; j++)
            {
                if (!float.TryParse(fields[j + 1], NumberStyles.Float, CultureInfo.InvariantCulture,
                        out vectors[row * dims + j]) || !float.IsFinite(vectors[row * dims + j]))
                    throw TextError(path, line, $"value {j + 1} ('{Clip(fields[j + 1])}') is not a finite number");
            }
        }
        while (reader.ReadLine() is { } extra)
        {
            line++;
            if (extra.Trim().Length > 0)
                throw TextError(path, line, $"more lines than the {count} words the header announces");
        }
        return Create(words, vectors, dims, $"{path}");
    }

    /// <summary>Writes word2vec.c's binary format atomically.</summary>
    public void SaveBinary(string path) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, AtomicFile.Utf8, leaveOpen: true);
            writer.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Count} {Dimensions}\n")));
            var bytes = new byte[Dimensions * sizeof(float)];
            for (int row = 0; row < Count; row++)
            {
                writer.Write(AtomicFile.Utf8.GetBytes(_words[row] + " "));
                for (int j = 0; j < Dimensions; j++)
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(j * 4), _vectors[row * Dimensions + j]);
                writer.Write(bytes);
                writer.Write((byte)'\n');
            }
        });

    /// <summary>Reads word2vec.c's binary format.</summary>
    /// <exception cref="InvalidDataException">Malformed file; the message names the file and byte offset.</exception>
    public static WordVectors LoadBinary(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        int newline = Array.IndexOf(data, (byte)'\n', 0, Math.Min(data.Length, 64));
        if (newline < 0)
            throw BinaryError(path, 0, "no '<count> <dimensions>' header line in the first 64 bytes");
        var (count, dims) = ParseHeader(Encoding.ASCII.GetString(data, 0, newline), path, $"{path}: byte offset 0");
        if ((long)count * dims * sizeof(float) > data.Length)
            throw BinaryError(path, 0, $"header announces {count} x {dims} floats but the file has only " +
                $"{data.Length} bytes");
        var words = new string[count];
        var vectors = new float[count * dims];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int offset = newline + 1;
        for (int row = 0; row < count; row++)
        {
            while (offset < data.Length && data[offset] == (byte)'\n')
                offset++;
            int space = Array.IndexOf(data, (byte)' ', offset, Math.Min(MaxWordBytes + 1, data.Length - offset));
            if (space < 0)
                throw BinaryError(path, offset, $"word {row} has no terminating space within {MaxWordBytes} bytes");
            if (space == offset)
                throw BinaryError(path, offset, $"word {row} is empty");
            try
            {
                words[row] = AtomicFile.Utf8.GetString(data, offset, space - offset);
            }
            catch (DecoderFallbackException)
            {
                throw BinaryError(path, offset, $"word {row} is not valid UTF-8");
            }
            if (words[row].Any(char.IsWhiteSpace))
                throw BinaryError(path, offset, $"word {row} ('{Clip(words[row])}') contains white space");
            if (!seen.Add(words[row]))
                throw BinaryError(path, offset, $"the word '{Clip(words[row])}' appears twice");
            offset = space + 1;
            if (data.Length - offset < dims * sizeof(float))
                throw BinaryError(path, offset, $"file ends inside the vector of word {row} ('{Clip(words[row])}')");
            for (int j = 0; j < dims; j++, offset += 4)
            {
                float value = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(offset));
                if (!float.IsFinite(value))
                    throw BinaryError(path, offset, $"value {j + 1} of word {row} ('{Clip(words[row])}') is {value}");
                vectors[row * dims + j] = value;
            }
        }
        while (offset < data.Length && data[offset] == (byte)'\n')
            offset++;
        if (offset != data.Length)
            throw BinaryError(path, offset, $"{data.Length - offset} unexpected bytes after the last vector");
        return Create(words, vectors, dims, path);
    }

    private static (int Count, int Dims) ParseHeader(string header, string path, string where)
    {
        string[] parts = header.Trim().Split(' ');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int dims)
            || dims < 1)
            throw new InvalidDataException($"{where}: expected header '<count> <dimensions>' with dimensions ≥ 1, " +
                $"found '{Clip(header)}' (file {path}).");
        if ((long)count * dims > Array.MaxLength)
            throw new InvalidDataException($"{where}: header announces {count} x {dims} values, too many.");
        return (count, dims);
    }

    // Duplicate or malformed words surface as ArgumentException from the constructor; report them as file errors.
    private static WordVectors Create(string[] words, float[] vectors, int dims, string path)
    {
        try
        {
            return new WordVectors(words, vectors, dims);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static InvalidDataException TextError(string path, int line, string what) =>
        new($"{path}:{line}: malformed word2vec text file: {what}.");

    private static InvalidDataException BinaryError(string path, long offset, string what) =>
        new($"{path}: byte offset {offset}: malformed word2vec binary file: {what}.");

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
