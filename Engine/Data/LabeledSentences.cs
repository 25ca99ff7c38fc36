using Engine.Data.Tables;

namespace Engine.Data;

/// <summary>
/// Sentences with a label each, read from a user's file: lines of <c>text&lt;TAB&gt;label</c>, or a CSV/TSV table with
/// a header naming its text and label columns. Any label set; UTF-8 with or without a byte-order mark.
/// </summary>
/// <param name="Texts">The sentences in file order.</param>
/// <param name="Labels">The class of each sentence, an index into <paramref name="LabelNames"/>.</param>
/// <param name="LabelNames">The distinct labels in ordinal order (so the class numbers do not depend on line order).</param>
/// <param name="Source">The file as the caller named it.</param>
/// <remarks>
/// For a corpus whose label set is fixed (TREC's six coarse classes, in their order), <see cref="WithLabels"/> maps a
/// second file onto the first file's classes.
/// </remarks>
public sealed record LabeledSentences(IReadOnlyList<string> Texts, int[] Labels, IReadOnlyList<string> LabelNames, string Source)
{
    /// <summary>Number of sentences.</summary>
    public int Count => Texts.Count;

    /// <summary>
    /// Reads <paramref name="path"/>. Without <paramref name="textColumn"/> and <paramref name="labelColumn"/> every
    /// non-blank line is <c>text&lt;TAB&gt;label</c> (split at the last tab); with them the file is a table (separator
    /// detected, or <paramref name="delimiter"/>) whose first line names the columns, which may also be given by number
    /// from 1; its other columns are ignored.
    /// </summary>
    /// <exception cref="InvalidDataException">A line without a tab, an empty text or label, invalid UTF-8, or no sentence at all; the message names the file and line.</exception>
    /// <exception cref="ArgumentException">Only one of the two columns is given, or a column does not exist.</exception>
    public static LabeledSentences Read(string path, string? textColumn = null, string? labelColumn = null, char? delimiter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path, textColumn, labelColumn, delimiter);
    }

    /// <summary>Reads sentences from <paramref name="stream"/>; see <see cref="Read(string, string?, string?, char?)"/>.</summary>
    /// <param name="stream">UTF-8 bytes.</param>
    /// <param name="name">Names the data in messages and in <see cref="Source"/>.</param>
    /// <param name="textColumn">The text column of a table (name or number from 1), or null for <c>text&lt;TAB&gt;label</c> lines.</param>
    /// <param name="labelColumn">The label column of a table, or null.</param>
    /// <param name="delimiter">A table's separator; null detects it.</param>
    public static LabeledSentences Read(Stream stream, string name, string? textColumn = null, string? labelColumn = null, char? delimiter = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        if ((textColumn is null) != (labelColumn is null))
            throw new ArgumentException("LabeledSentences: a table needs both its text column and its label column named.");
        var pairs = textColumn is null ? ReadLines(stream, name) : ReadTable(stream, name, textColumn, labelColumn!, delimiter);
        if (pairs.Count == 0) throw new InvalidDataException($"{name}: no sentences in the file.");
        var names = pairs.Select(p => p.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = names.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => t.i, StringComparer.Ordinal);
        return new LabeledSentences(pairs.Select(p => p.Text).ToArray(), pairs.Select(p => index[p.Label]).ToArray(), names, name);
    }

    /// <summary>
    /// The same sentences with their labels numbered by <paramref name="labelNames"/> (e.g. the training file's classes).
    /// </summary>
    /// <exception cref="InvalidDataException">A label is not among <paramref name="labelNames"/>.</exception>
    public LabeledSentences WithLabels(IReadOnlyList<string> labelNames)
    {
        ArgumentNullException.ThrowIfNull(labelNames);
        var index = labelNames.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => t.i, StringComparer.Ordinal);
        var labels = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            string label = LabelNames[Labels[i]];
            labels[i] = index.TryGetValue(label, out int k) ? k
                : throw new InvalidDataException($"{Source}: the label '{label}' is not one of the {labelNames.Count} classes of the training data ({TableLabels.List(labelNames)}).");
        }
        return this with { Labels = labels, LabelNames = labelNames };
    }

    private static List<(string Text, string Label)> ReadLines(Stream stream, string name)
    {
        var pairs = new List<(string, string)>();
        using var lines = new IO.Utf8LineReader(new NonClosing(stream), name);
        bool first = true;
        while (lines.ReadLine() is { } line)
        {
            if (first && line.Length > 0 && line[0] == '\uFEFF') line = line[1..];
            first = false;
            if (line.Trim().Length == 0) continue;
            int tab = line.LastIndexOf('\t');
            if (tab < 0)
                throw new InvalidDataException($"{name}: line {lines.LineNumber}: no tab; each line is the sentence, a tab, then its label "
                    + "(for a CSV file, name its text and label columns).");
            string text = line[..tab].Trim(), label = line[(tab + 1)..].Trim();
            if (text.Length == 0) throw new InvalidDataException($"{name}: line {lines.LineNumber}: the sentence before the tab is empty.");
            if (label.Length == 0) throw new InvalidDataException($"{name}: line {lines.LineNumber}: the label after the tab is empty.");
            pairs.Add((text, label));
        }
        return pairs;
    }

    private static List<(string Text, string Label)> ReadTable(Stream stream, string name, string textColumn, string labelColumn, char? delimiter)
    {
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        long start = stream.Position;
        char separator = delimiter ?? SniffSeparator(stream, name);
        stream.Position = start;
        using var records = new DelimitedRecords(new NonClosing(stream), name, separator);
        if (!records.Next()) throw new InvalidDataException($"{name}: the file is empty.");
        var header = Enumerable.Range(0, records.FieldCount).Select(i => records.Field(i).ToString()).ToArray();
        int text = Column(textColumn, header, name, "text"), label = Column(labelColumn, header, name, "label");
        var pairs = new List<(string, string)>();
        while (records.Next())
        {
            if (records.FieldCount != header.Length)
                throw new InvalidDataException($"{name}: line {records.LineNumber}: {records.FieldCount} fields, but the header has {header.Length}.");
            string t = records.Field(text).ToString().Trim(), l = records.Field(label).ToString().Trim();
            if (t.Length == 0) throw new InvalidDataException($"{name}: line {records.LineNumber}: the text ('{header[text]}') is empty.");
            if (l.Length == 0) throw new InvalidDataException($"{name}: line {records.LineNumber}: the label ('{header[label]}') is empty.");
            pairs.Add((t, l));
        }
        return pairs;
    }

    // Comma, tab, semicolon or '|': the one most frequent on the header line.
    private static char SniffSeparator(Stream stream, string name)
    {
        using var lines = new IO.Utf8LineReader(new NonClosing(stream), name);
        string first = lines.ReadLine() ?? "";
        return new[] { '\t', ',', ';', '|' }.MaxBy(c => first.Count(x => x == c));
    }

    private static int Column(string reference, string[] header, string name, string role)
    {
        string r = reference.Trim();
        if (r.Length > 0 && r.All(char.IsAsciiDigit))
            return int.TryParse(r, out int n) && n >= 1 && n <= header.Length ? n - 1
                : throw new ArgumentException($"the {role} column {r}: {name} has {header.Length} columns (numbered from 1).");
        int exact = Array.IndexOf(header, r);
        if (exact >= 0) return exact;
        var close = header.Select((h, i) => (h, i)).Where(t => string.Equals(t.h, r, StringComparison.OrdinalIgnoreCase)).ToList();
        return close.Count == 1 ? close[0].i
            : throw new ArgumentException($"the {role} column '{r}': no such column in the header of {name} ({TableLabels.List(header, 20)}).");
    }

    // The caller owns the stream.
    private sealed class NonClosing(Stream inner) : IO.ReadOnlyStream
    {
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
    }
}
