using System.Globalization;
using System.IO.Compression;

namespace Engine.Data.Tables;

/// <summary>
/// Reads a table from delimited text: CSV, TSV or any single-character separator, UTF-8 with or without a
/// byte-order mark, plain or gzip-compressed (detected by its magic bytes, not the file name).
/// </summary>
/// <remarks>
/// <para>The file is read twice: the first pass checks its shape (the same number of fields on every line) and
/// learns about each column; the second stores the values. Only the second allocates per row: 4 bytes per kept
/// field.</para>
/// <para>Detection, each overridable through <see cref="TableReadOptions"/>: the <b>separator</b> is the one of tab,
/// comma, semicolon and '|' that occurs the same number of times on each of the first lines; the first line is a
/// <b>header</b> when some column holds a non-number there and only numbers below, or when every column is text
/// and no first-line value occurs again in its column; a column is <b>numeric</b> when every value is a finite number
/// (invariant culture: '.' as the decimal point, exponents allowed) and <b>categorical</b> otherwise.</para>
/// <para>Refused, with the file, line and column named, before any value is stored: a line with a different
/// number of fields, a missing value (an empty field or ?, NA, N/A, NaN, null, None) in a column that is kept, a
/// column that is almost all numbers but not quite (usually a typo or a missing-value marker), and a categorical
/// column with more than <see cref="TableReadOptions.MaxCategories"/> distinct values (an identifier or free
/// text). Invalid UTF-8 names the line and byte offset.</para>
/// </remarks>
public static class TableReader
{
    private static readonly char[] Separators = ['\t', ',', ';', '|'];
    private static readonly string[] MissingMarkers = ["?", "na", "n/a", "nan", "null", "none"];

    /// <summary>Reads the table in the file at <paramref name="path"/>, which also names it in messages.</summary>
    /// <exception cref="InvalidDataException">The file is malformed or a value is refused (see remarks).</exception>
    /// <exception cref="ArgumentException">An option names a column that does not exist, or roles collide.</exception>
    public static Table Read(string path, TableReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path, options);
    }

    /// <summary>Reads a table from <paramref name="stream"/> (copied into memory first if it cannot seek).</summary>
    /// <param name="stream">The bytes, plain or gzip.</param>
    /// <param name="name">Names the data in messages and in <see cref="Table.Source"/>.</param>
    /// <param name="options">Roles and overrides; null for all defaults (every column a feature, no labels).</param>
    /// <exception cref="InvalidDataException">The data is malformed or a value is refused.</exception>
    /// <exception cref="ArgumentException">An option names a column that does not exist, or roles collide.</exception>
    public static Table Read(Stream stream, string name, TableReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        options ??= new TableReadOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxCategories, 1);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            return Read(copy, name, options);
        }
        var source = new TableSource(stream, name);
        char delimiter = options.Delimiter ?? DetectDelimiter(source);
        var scan = Scan(source, delimiter, options.MaxCategories);
        var layout = TableLayout.Resolve(scan, options, name);
        return Fill(source, delimiter, scan, layout, name);
    }

    /// <summary>Whether <paramref name="field"/> is one of the missing-value markers (empty, ?, NA, N/A, NaN, null, None).</summary>
    public static bool IsMissing(ReadOnlySpan<char> field)
    {
        if (field.IsEmpty) return true;
        foreach (string marker in MissingMarkers)
            if (field.Equals(marker, StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    /// <summary>Parses a finite number the way the reader does (invariant culture, exponent allowed).</summary>
    public static bool TryParseNumber(ReadOnlySpan<char> field, out float value) =>
        float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);

    // The separator that occurs equally often (at least once) on each of the first 20 lines; for a file whose
    // quoted fields span lines, or that has one column only, the one most frequent on the first line (or ',').
    private static char DetectDelimiter(TableSource source)
    {
        using var lines = new IO.Utf8LineReader(source.Open(), source.Name);
        var sample = new List<string>();
        while (sample.Count < 20 && lines.ReadLine() is { } line)
            if (line.Trim().Length > 0) sample.Add(line);
        if (sample.Count == 0) return ',';
        foreach (char c in Separators)
        {
            int first = CountOutsideQuotes(sample[0], c);
            if (first > 0 && sample.All(l => CountOutsideQuotes(l, c) == first))
                return c;
        }
        return Separators.MaxBy(c => CountOutsideQuotes(sample[0], c)) is var best && CountOutsideQuotes(sample[0], best) > 0 ? best : ',';
    }

    private static int CountOutsideQuotes(string line, char c)
    {
        int count = 0;
        bool quoted = false;
        foreach (char x in line)
        {
            if (x == '"') quoted = !quoted;
            else if (x == c && !quoted) count++;
        }
        return count;
    }

    // Pass 1: shape and what each column holds; refuses nothing but structure (field counts, quotes, UTF-8).
    private static TableScan Scan(TableSource source, char delimiter, int maxCategories)
    {
        using var records = new DelimitedRecords(source.Open(), source.Name, delimiter);
        if (!records.Next())
            throw new InvalidDataException($"{source.Name}: the file holds no data (it is empty or has only blank lines).");
        int width = records.FieldCount;
        var first = Enumerable.Range(0, width).Select(i => records.Field(i).ToString()).ToArray();
        var scan = new TableScan(width, first, records.LineNumber, maxCategories);
        while (records.Next())
        {
            if (records.FieldCount != width)
                throw new InvalidDataException($"{source.Name}: line {records.LineNumber}: {records.FieldCount} fields, but line "
                    + $"{scan.FirstLine} has {width} (separator '{Show(delimiter)}'); every line needs the same number of fields.");
            scan.AddRow(records);
        }
        source.Finish();
        return scan;
    }

    // Pass 2: the values of the kept columns, each checked against its kind.
    private static Table Fill(TableSource source, char delimiter, TableScan scan, TableLayout layout, string name)
    {
        int rows = scan.DataRows(layout.Header);
        var numeric = new float[scan.Width][];
        var codes = new int[scan.Width][];
        var tables = new Dictionary<string, int>[scan.Width];
        var names = new List<string>[scan.Width];
        foreach (int c in layout.Features)
        {
            if (layout.Kinds[c] == ColumnKind.Numeric) numeric[c] = new float[rows];
            else (codes[c], tables[c], names[c]) = (new int[rows], new Dictionary<string, int>(StringComparer.Ordinal), []);
        }
        int labelColumn = layout.Label ?? -1;
        if (labelColumn >= 0) (codes[labelColumn], tables[labelColumn], names[labelColumn]) = (new int[rows], new(StringComparer.Ordinal), []);

        using var records = new DelimitedRecords(source.Open(), name, delimiter);
        int row = 0;
        bool skipHeader = layout.Header;
        while (records.Next())
        {
            if (skipHeader)
            {
                skipHeader = false;
                continue;
            }
            foreach (int c in layout.Features)
            {
                var field = records.Field(c);
                if (layout.Kinds[c] == ColumnKind.Numeric)
                {
                    if (!TryParseNumber(field, out numeric[c][row]))
                        throw new InvalidDataException($"{name}: line {records.LineNumber}, column {layout.Describe(c)}: "
                            + $"'{Clip(field)}' is not a finite number, but the column is numeric{(layout.FromSchema ? " in the data the model was fitted on" : "")}.");
                }
                else
                {
                    codes[c][row] = Code(tables[c], names[c], field);
                }
            }
            if (labelColumn >= 0)
                codes[labelColumn][row] = Code(tables[labelColumn], names[labelColumn], records.Field(labelColumn));
            row++;
        }
        source.Finish();

        var columns = layout.Features.Select(c => layout.Kinds[c] == ColumnKind.Numeric
            ? new TableColumn(layout.Names[c], c + 1, numeric[c])
            : new TableColumn(layout.Names[c], c + 1, codes[c], names[c])).ToList();
        var labels = labelColumn < 0 ? null
            : new TableLabels(layout.RawNames[labelColumn], labelColumn + 1, codes[labelColumn], names[labelColumn]);
        return new Table(name, columns, labels, rows);
    }

    private static int Code(Dictionary<string, int> table, List<string> names, ReadOnlySpan<char> field)
    {
        var lookup = table.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(field, out int code)) return code;
        string value = field.ToString();
        table[value] = names.Count;
        names.Add(value);
        return names.Count - 1;
    }

    internal static string Clip(ReadOnlySpan<char> field) => field.Length <= 40 ? field.ToString() : field[..40].ToString() + "…";

    internal static string Show(char c) => c == '\t' ? "tab" : c.ToString();

    /// <summary>The bytes of a table, opened afresh for each pass and decompressed when they are gzip.</summary>
    private sealed class TableSource(Stream stream, string name)
    {
        private readonly long _start = stream.Position;
        private readonly bool _gzip = IsGzip(stream);
        private IO.ChecksumStream? _checksum;
        private IO.GzipTrailer _trailer;

        public string Name { get; } = name;

        public Stream Open()
        {
            stream.Position = _start;
            if (!_gzip) return new NonClosing(stream);
            _trailer = IO.GzipTrailer.Read(stream, _start, stream.Length - _start, Name);
            _checksum = new IO.ChecksumStream(new Named(new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true), Name));
            return _checksum;
        }

        // After a pass has read everything: a gzip file must decompress to what its trailer says.
        public void Finish()
        {
            if (_checksum is { } c && !c.Matches(_trailer.Crc, _trailer.Size))
                throw new InvalidDataException($"{Name}: the gzip data decompressed to {c.Count} bytes with CRC-32 0x{c.Crc:X8}, "
                    + $"but its trailer says {_trailer.Size} bytes (mod 2^32) with 0x{_trailer.Crc:X8}; the file is truncated or corrupt.");
        }

        private static bool IsGzip(Stream s)
        {
            long start = s.Position;
            Span<byte> lead = stackalloc byte[2];
            int got = s.ReadAtLeast(lead, 2, throwOnEndOfStream: false);
            s.Position = start;
            return got == 2 && lead[0] == 0x1F && lead[1] == 0x8B;
        }
    }

    // The decompressor's errors name no file: add the name.
    private sealed class Named(Stream inner, string name) : IO.ReadOnlyStream
    {
        public override int Read(Span<byte> buffer)
        {
            try
            {
                return inner.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{name}: corrupt gzip data ({e.Message})", e);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    // The caller's stream stays open across the two passes.
    private sealed class NonClosing(Stream inner) : IO.ReadOnlyStream
    {
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
    }
}
