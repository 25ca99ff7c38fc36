using Engine.IO;

namespace Engine.Data.Tables;

/// <summary>
/// Splits delimited text (CSV, TSV, …) into records of fields, one record at a time, following RFC 4180: a field may
/// be quoted with '"', a quoted field may hold the delimiter, line breaks and doubled quotes ("" for one '"').
/// Spaces around unquoted fields are trimmed; blank lines are skipped; a UTF-8 byte-order mark is dropped.
/// </summary>
/// <remarks>
/// Fields are handed out as spans of one reused buffer, so reading a field allocates nothing; the lines themselves
/// come from <see cref="Utf8LineReader"/>, which rejects invalid UTF-8 with the line and byte offset. Every problem
/// is an <see cref="InvalidDataException"/> naming the source and the line.
/// </remarks>
internal sealed class DelimitedRecords : IDisposable
{
    private readonly Utf8LineReader _lines;
    private readonly string _source;
    private readonly char _delimiter;
    private char[] _text = new char[1024];
    private int[] _ends = new int[64];
    private bool _first = true;

    public DelimitedRecords(Stream stream, string source, char delimiter)
    {
        _lines = new Utf8LineReader(stream, source);
        _source = source;
        _delimiter = delimiter;
    }

    /// <summary>Number of fields of the current record.</summary>
    public int FieldCount { get; private set; }

    /// <summary>1-based line on which the current record starts.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Field <paramref name="index"/> of the current record, unquoted and trimmed.</summary>
    public ReadOnlySpan<char> Field(int index)
    {
        int start = index == 0 ? 0 : _ends[index - 1];
        return _text.AsSpan(start, _ends[index] - start);
    }

    /// <summary>Reads the next non-blank record; false at the end of the data.</summary>
    /// <exception cref="InvalidDataException">Invalid UTF-8, a quote left open, or text after a closing quote.</exception>
    public bool Next()
    {
        string? line;
        do
        {
            line = _lines.ReadLine();
            if (line is null) return false;
            if (_first)
            {
                _first = false;
                if (line.Length > 0 && line[0] == '\uFEFF') line = line[1..];
            }
        }
        while (line.Trim().Length == 0);

        LineNumber = _lines.LineNumber;
        FieldCount = 0;
        int length = 0;
        int i = 0;
        while (true)
        {
            // one field: skip leading spaces, then quoted or plain text up to the delimiter or the end of the line
            while (i < line.Length && line[i] == ' ') i++;
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i == line.Length)
                    {
                        // a line break inside quotes belongs to the field
                        line = _lines.ReadLine() ?? throw Error(LineNumber,
                            "a quoted field opens on this line and never closes (a '\"' is missing)");
                        Append('\n', ref length);
                        i = 0;
                        continue;
                    }
                    char c = line[i++];
                    if (c != '"')
                    {
                        Append(c, ref length);
                        continue;
                    }
                    if (i < line.Length && line[i] == '"')
                    {
                        Append('"', ref length);
                        i++;
                        continue;
                    }
                    break;
                }
                while (i < line.Length && line[i] == ' ') i++;
                if (i < line.Length && line[i] != _delimiter)
                    throw Error(_lines.LineNumber,
                        $"field {FieldCount + 1} has text after its closing quote ('{line[i]}'); a '\"' inside a quoted field is written \"\"");
            }
            else
            {
                int start = i;
                while (i < line.Length && line[i] != _delimiter) i++;
                var field = line.AsSpan(start, i - start).TrimEnd(' ');
                foreach (char c in field) Append(c, ref length);
            }
            EndField(length);
            if (i >= line.Length) return true;
            i++; // past the delimiter: another field follows, possibly empty
            if (i == line.Length)
            {
                EndField(length);
                return true;
            }
        }
    }

    private void Append(char c, ref int length)
    {
        if (length == _text.Length) Array.Resize(ref _text, 2 * _text.Length);
        _text[length++] = c;
    }

    private void EndField(int length)
    {
        if (FieldCount == _ends.Length) Array.Resize(ref _ends, 2 * _ends.Length);
        _ends[FieldCount++] = length;
    }

    private InvalidDataException Error(int line, string problem) => new($"{_source}: line {line}: {problem}.");

    public void Dispose() => _lines.Dispose();
}
