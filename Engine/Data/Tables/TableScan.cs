namespace Engine.Data.Tables;

/// <summary>
/// What the first pass of <see cref="TableReader"/> learns about each column, kept apart for the first record
/// (which may be a header) and the records below it, so that the header can be decided afterwards.
/// </summary>
internal sealed class TableScan
{
    private readonly ColumnStats[] _below;
    private readonly int _maxCategories;

    public TableScan(int width, string[] first, int firstLine, int maxCategories)
    {
        Width = width;
        First = first;
        FirstLine = firstLine;
        _maxCategories = maxCategories;
        _below = Enumerable.Range(0, width).Select(_ => new ColumnStats()).ToArray();
    }

    /// <summary>Fields per record.</summary>
    public int Width { get; }

    /// <summary>The first record's fields (a header or the first data row).</summary>
    public string[] First { get; }

    /// <summary>The line the first record starts on.</summary>
    public int FirstLine { get; }

    /// <summary>Records after the first.</summary>
    public int RowsBelow { get; private set; }

    /// <summary>Data rows: every record, or every record but the header.</summary>
    public int DataRows(bool header) => RowsBelow + (header ? 0 : 1);

    public void AddRow(DelimitedRecords records)
    {
        RowsBelow++;
        for (int c = 0; c < Width; c++)
            _below[c].Add(records.Field(c), records.LineNumber, First[c], _maxCategories);
    }

    /// <summary>
    /// The header rule: some column holds a non-number on the first line and only numbers below it; or every column is
    /// text and no first-line value occurs again in its column.
    /// </summary>
    public bool LooksLikeHeader()
    {
        if (RowsBelow == 0) return false;
        bool anyNumericBelow = false;
        for (int c = 0; c < Width; c++)
        {
            var s = _below[c];
            bool numericBelow = s.Numbers == RowsBelow;
            anyNumericBelow |= numericBelow;
            if (numericBelow && !TableReader.TryParseNumber(First[c], out _) && !TableReader.IsMissing(First[c]))
                return true;
        }
        return !anyNumericBelow && Enumerable.Range(0, Width).All(c =>
            !_below[c].FirstValueRepeats && !TableReader.TryParseNumber(First[c], out _) && !TableReader.IsMissing(First[c]));
    }

    /// <summary>The statistics of column <paramref name="c"/> over the data rows.</summary>
    public ColumnStats Stats(int c, bool header)
    {
        if (header) return _below[c];
        var merged = _below[c].Copy();
        merged.Add(First[c], FirstLine, null, _maxCategories, prepend: true);
        return merged;
    }
}

/// <summary>One column's values as the first pass saw them: how many are numbers, the first text, the first missing.</summary>
internal sealed class ColumnStats
{
    public int Rows { get; private set; }
    public int Numbers { get; private set; }
    public (int Line, string Value)? FirstText { get; private set; }
    public (int Line, string Value)? FirstMissing { get; private set; }
    public HashSet<string> Distinct { get; private set; } = new(StringComparer.Ordinal);
    public bool TooManyDistinct { get; private set; }
    public bool FirstValueRepeats { get; private set; }

    public void Add(ReadOnlySpan<char> field, int line, string? firstValue, int maxCategories, bool prepend = false)
    {
        Rows++;
        if (TableReader.IsMissing(field))
        {
            if (FirstMissing is null || prepend) FirstMissing = (line, field.ToString());
            return;
        }
        if (TableReader.TryParseNumber(field, out _)) Numbers++;
        else if (FirstText is null || prepend) FirstText = (line, TableReader.Clip(field));
        if (firstValue is not null && field.SequenceEqual(firstValue)) FirstValueRepeats = true;
        if (!TooManyDistinct && !Distinct.GetAlternateLookup<ReadOnlySpan<char>>().Contains(field))
        {
            if (Distinct.Count >= maxCategories) TooManyDistinct = true;
            else Distinct.Add(field.ToString());
        }
    }

    public ColumnStats Copy() => new()
    {
        Rows = Rows, Numbers = Numbers, FirstText = FirstText, FirstMissing = FirstMissing,
        Distinct = new HashSet<string>(Distinct, StringComparer.Ordinal), TooManyDistinct = TooManyDistinct,
        FirstValueRepeats = FirstValueRepeats,
    };
}
