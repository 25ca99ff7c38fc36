namespace Engine.Data.Tables;

/// <summary>
/// The decisions between <see cref="TableReader"/>'s two passes: header or not, column names, which column is the
/// label, which are dropped, and the kind of every feature. Everything refused is refused here, before the second
/// pass stores a single value.
/// </summary>
internal sealed class TableLayout
{
    private TableLayout(bool header, string[] rawNames, string[] names, int? label, int[] features, ColumnKind[] kinds,
        bool fromSchema)
    {
        Header = header;
        RawNames = rawNames;
        Names = names;
        Label = label;
        Features = features;
        Kinds = kinds;
        FromSchema = fromSchema;
    }

    public bool Header { get; }

    /// <summary>The file's own names (header or "column N").</summary>
    public string[] RawNames { get; }

    /// <summary>The names the feature columns get in the table (the schema's when one is given).</summary>
    public string[] Names { get; }

    public int? Label { get; }

    /// <summary>0-based positions of the feature columns, in file order.</summary>
    public int[] Features { get; }

    public ColumnKind[] Kinds { get; }

    public bool FromSchema { get; }

    /// <summary>"'price' (column 7)" or "7".</summary>
    public string Describe(int c) => Describe(RawNames, c);

    public static TableLayout Resolve(TableScan scan, TableReadOptions options, string name)
    {
        int width = scan.Width;
        bool header = options.Header ?? scan.LooksLikeHeader();
        if (scan.DataRows(header) == 0)
            throw new InvalidDataException($"{name}: the file has a header line but no data rows.");
        var rawNames = Enumerable.Range(0, width)
            .Select(c => header && scan.First[c].Trim().Length > 0 ? scan.First[c].Trim() : $"column {c + 1}").ToArray();
        if (header)
        {
            var twice = rawNames.Select((n, c) => (n, c)).GroupBy(t => t.n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null)
                throw new InvalidDataException($"{name}: the header names columns {string.Join(" and ", twice.Select(t => t.c + 1))} "
                    + $"'{twice.Key}'; column names must be unique (or read the file with no header).");
        }

        var schema = options.Schema;
        bool featuresOnly = schema is not null && width == schema.Count;
        // A file scored by a fitted model may lack the label (and dropped) columns of the training file: a column
        // named there that this file does not have is simply absent; the schema check below catches real mismatches.
        int? Optional(string reference, string role) =>
            schema is not null && !Exists(reference, rawNames, header) ? null : Find(reference, role, rawNames, header, name);
        int? label = featuresOnly || options.LabelColumn is null ? null : Optional(options.LabelColumn, "the label column");
        var dropped = featuresOnly ? []
            : options.DropColumns.Select(r => Optional(r, "--drop-columns")).OfType<int>().ToHashSet();
        if (label is int l && dropped.Contains(l))
            throw new ArgumentException($"{name}: column {Describe(rawNames, l)} is both the label column and dropped.");
        var features = Enumerable.Range(0, width).Where(c => c != label && !dropped.Contains(c)).ToArray();
        if (features.Length == 0)
            throw new ArgumentException($"{name}: no feature column is left after taking out the label and the dropped columns.");

        var categorical = options.CategoricalColumns.Select(r => Find(r, "--categorical", rawNames, header, name)).ToHashSet();
        foreach (int c in categorical)
            if (c == label || dropped.Contains(c))
                throw new ArgumentException($"{name}: column {Describe(rawNames, c)} is named as categorical, but it is the label or dropped.");

        var names = (string[])rawNames.Clone();
        var kinds = new ColumnKind[width];
        if (schema is not null)
            MatchSchema(schema, features, rawNames, names, kinds, header, name);

        foreach (int c in features)
        {
            var stats = scan.Stats(c, header);
            if (stats.FirstMissing is { } missing)
                throw new InvalidDataException($"{name}: line {missing.Line}, column {Describe(rawNames, c)}: missing value "
                    + $"'{missing.Value}'. Missing values are not filled in: remove or complete the row, or drop the column (--drop-columns).");
            if (schema is not null) continue;
            if (categorical.Contains(c) || stats.Numbers < stats.Rows)
            {
                if (!categorical.Contains(c) && stats.Numbers >= 0.9 * stats.Rows && stats.FirstText is { } text)
                    throw new InvalidDataException($"{name}: line {text.Line}, column {Describe(rawNames, c)}: '{text.Value}' is not a number, "
                        + $"but {stats.Numbers:N0} of the column's {stats.Rows:N0} values are. Correct the value, or name the column with "
                        + "--categorical if its values are categories, or drop it (--drop-columns).");
                if (stats.TooManyDistinct)
                    throw new InvalidDataException($"{name}: column {Describe(rawNames, c)} has more than {options.MaxCategories:N0} "
                        + "distinct values (an identifier or free text?); each category becomes a feature, so drop the column (--drop-columns).");
                kinds[c] = ColumnKind.Categorical;
            }
            else
            {
                kinds[c] = ColumnKind.Numeric;
            }
        }
        if (label is int labelColumn && scan.Stats(labelColumn, header).FirstMissing is { } noLabel)
            throw new InvalidDataException($"{name}: line {noLabel.Line}: the label (column {Describe(rawNames, labelColumn)}) is missing ('{noLabel.Value}').");
        return new TableLayout(header, rawNames, names, label, features, kinds, schema is not null);
    }

    // The model's columns, in order: names must agree when both files have real names; kinds come from the schema.
    private static void MatchSchema(IReadOnlyList<SchemaColumn> schema, int[] features, string[] rawNames, string[] names,
        ColumnKind[] kinds, bool header, string name)
    {
        if (features.Length != schema.Count)
            throw new InvalidDataException($"{name}: {features.Length} feature columns after taking out the label and dropped columns, "
                + $"but the model was fitted on {schema.Count} ({TableLabels.List(schema.Select(s => s.Name).ToList(), 8)}).");
        bool schemaNamed = !schema.All(s => IsPositional(s.Name));
        for (int i = 0; i < features.Length; i++)
        {
            int c = features[i];
            if (header && schemaNamed && rawNames[c] != schema[i].Name)
                throw new InvalidDataException($"{name}: column {c + 1} is '{rawNames[c]}', but the model's feature {i + 1} is "
                    + $"'{schema[i].Name}'; the columns must come in the order of the data the model was fitted on.");
            names[c] = schema[i].Name;
            kinds[c] = schema[i].Kind;
        }
    }

    // A column given by 1-based number or by header name (exact, else the one case-insensitive match).
    private static int Find(string reference, string role, string[] rawNames, bool header, string name)
    {
        ArgumentNullException.ThrowIfNull(reference);
        string r = reference.Trim();
        if (r.Length > 0 && r.All(char.IsAsciiDigit))
        {
            if (int.TryParse(r, out int number) && number >= 1 && number <= rawNames.Length) return number - 1;
            throw new ArgumentException($"{role} {r}: {name} has {rawNames.Length} columns (numbered from 1).");
        }
        if (!header)
            throw new ArgumentException($"{role} '{r}': {name} has no header line, so columns are named by number (1 to {rawNames.Length}).");
        int exact = Array.IndexOf(rawNames, r);
        if (exact >= 0) return exact;
        var close = rawNames.Select((n, c) => (n, c)).Where(t => string.Equals(t.n, r, StringComparison.OrdinalIgnoreCase)).ToList();
        if (close.Count == 1) return close[0].c;
        throw new ArgumentException($"{role} '{r}': no such column in {name}; its columns are {TableLabels.List(rawNames, 20)}.");
    }

    // Whether a reference names a column of this file (by number, or by name when there is a header).
    private static bool Exists(string reference, string[] rawNames, bool header)
    {
        string r = reference.Trim();
        if (r.Length > 0 && r.All(char.IsAsciiDigit)) return int.TryParse(r, out int n) && n >= 1 && n <= rawNames.Length;
        return header && rawNames.Any(n => string.Equals(n, r, StringComparison.OrdinalIgnoreCase));
    }

    // "column 7": the name a column gets in a file without a header.
    private static bool IsPositional(string name) =>
        name.StartsWith("column ", StringComparison.Ordinal) && name.Length > 7 && name[7..].All(char.IsAsciiDigit);

    private static string Describe(string[] rawNames, int c) =>
        rawNames[c] == $"column {c + 1}" ? $"{c + 1}" : $"'{rawNames[c]}' ({c + 1})";
}
