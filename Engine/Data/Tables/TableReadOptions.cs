using Engine.Tensors;

namespace Engine.Data.Tables;

/// <summary>How <see cref="TableReader"/> reads a delimited file and which role each column plays.</summary>
/// <remarks>
/// Columns are named by their 1-based number ("42") or by their header name ("label"); a name needs a header. A
/// name matches exactly, or else case-insensitively when only one header name fits.
/// </remarks>
public sealed record TableReadOptions
{
    /// <summary>The field separator; null detects it from the first lines (tab, comma, semicolon or '|').</summary>
    public char? Delimiter
    {
        get;
        init => field = value is '"' or '\r' or '\n'
            ? throw new ArgumentException($"TableReadOptions.Delimiter: {(value == '"' ? "a quote" : "a line break")} cannot separate fields.")
            : value;
    }

    /// <summary>Whether the first record names the columns; null detects it (see <see cref="TableReader"/>).</summary>
    public bool? Header { get; init; }

    /// <summary>The column holding each row's label (number from 1 or header name); null when there is none.</summary>
    public string? LabelColumn
    {
        get;
        init => field = value is not null && string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException("TableReadOptions.LabelColumn: a column number from 1 or a header name, got a blank.")
            : value;
    }

    /// <summary>Columns to ignore (numbers from 1 or header names).</summary>
    public IReadOnlyList<string> DropColumns { get; init => field = Columns(value, "TableReadOptions.DropColumns"); } = [];

    /// <summary>Columns to treat as categories even when every value is a number (numbers from 1 or header names).</summary>
    public IReadOnlyList<string> CategoricalColumns
    {
        get;
        init => field = Columns(value, "TableReadOptions.CategoricalColumns");
    } = [];

    /// <summary>Most distinct values a categorical column may have (each becomes a one-hot feature).</summary>
    public int MaxCategories { get; init => field = Require.AtLeast(value, 1, "TableReadOptions.MaxCategories"); } = 1000;

    /// <summary>
    /// The feature columns a fitted model expects (<see cref="TablePreprocessor.Schema"/>), for a file scored by it:
    /// kinds come from the schema instead of being detected, and the columns must match it. A label or dropped column
    /// this file does not have is taken as absent (an unlabelled file), and a file with exactly the schema's columns
    /// and no others is read as unlabelled, whatever <see cref="LabelColumn"/> and <see cref="DropColumns"/> say.
    /// </summary>
    public IReadOnlyList<SchemaColumn>? Schema { get; init; }

    /// <summary>A column list: not null, no null or blank entry.</summary>
    internal static IReadOnlyList<string> Columns(IReadOnlyList<string>? columns, string what)
    {
        if (columns is null) throw new ArgumentNullException(what, $"{what}: a list of columns (empty for none), got null.");
        foreach (var column in columns)
            if (string.IsNullOrWhiteSpace(column))
                throw new ArgumentException($"{what}: every entry must be a column number from 1 or a header name, got a blank.");
        return columns;
    }
}
