namespace Engine.Data.Tables;

/// <summary>
/// Rows of features by column, with optional labels: what <see cref="TableReader"/> reads from a CSV or TSV file
/// (and <see cref="Kdd99Data.ToTable"/> makes of KDD Cup 1999 records). Turn it into model inputs with a
/// <see cref="TablePreprocessor"/>.
/// </summary>
public sealed class Table
{
    /// <summary>Wraps columns of equal length.</summary>
    /// <param name="source">Where the rows came from, for messages (the file name as the user gave it).</param>
    /// <param name="columns">The feature columns, in file order.</param>
    /// <param name="labels">The label column, or null for unlabelled rows.</param>
    /// <param name="count">Number of rows (needed when there are no columns at all).</param>
    /// <exception cref="ArgumentException">Columns or labels differ in length, or two columns share a name.</exception>
    public Table(string source, IReadOnlyList<TableColumn> columns, TableLabels? labels, int count)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        foreach (var column in columns)
            if (column.Count != count)
                throw new ArgumentException($"Table {source}: column {column.Name} has {column.Count} rows, expected {count}.", nameof(columns));
        if (labels is not null && labels.Codes.Length != count)
            throw new ArgumentException($"Table {source}: {labels.Codes.Length} labels for {count} rows.", nameof(labels));
        var duplicate = columns.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Table {source}: two columns are named '{duplicate.Key}'.", nameof(columns));
        Source = source;
        Columns = columns;
        Labels = labels;
        Count = count;
    }

    /// <summary>Where the rows came from (the file name as the user gave it).</summary>
    public string Source { get; }

    /// <summary>The feature columns in file order (the label and dropped columns are not among them).</summary>
    public IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>The labels, or null when the rows are unlabelled.</summary>
    public TableLabels? Labels { get; }

    /// <summary>Number of rows.</summary>
    public int Count { get; }

    /// <summary>The column named <paramref name="name"/>, or null.</summary>
    public TableColumn? Column(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Columns.FirstOrDefault(c => c.Name == name);
    }
}
