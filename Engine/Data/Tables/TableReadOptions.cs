namespace Engine.Data.Tables;

/// <summary>How <see cref="TableReader"/> reads a delimited file and which role each column plays.</summary>
/// <remarks>
/// Columns are named by their 1-based number ("42") or by their header name ("label"); a name needs a header. A
/// name matches exactly, or else case-insensitively when only one header name fits.
/// </remarks>
public sealed record TableReadOptions
{
    /// <summary>The field separator; null detects it from the first lines (tab, comma, semicolon or '|').</summary>
    public char? Delimiter { get; init; }

    /// <summary>Whether the first record names the columns; null detects it (see <see cref="TableReader"/>).</summary>
    public bool? Header { get; init; }

    /// <summary>The column holding each row's label (number from 1 or header name); null when there is none.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>Columns to ignore (numbers from 1 or header names).</summary>
    public IReadOnlyList<string> DropColumns { get; init; } = [];

    /// <summary>Columns to treat as categories even when every value is a number (numbers from 1 or header names).</summary>
    public IReadOnlyList<string> CategoricalColumns { get; init; } = [];

    /// <summary>Most distinct values a categorical column may have (each becomes a one-hot feature).</summary>
    public int MaxCategories { get; init; } = 1000;

    /// <summary>
    /// The feature columns a fitted model expects (<see cref="TablePreprocessor.Schema"/>), for a file scored by it:
    /// kinds come from the schema instead of being detected, and the columns must match it. A label or dropped column
    /// this file does not have is taken as absent (an unlabelled file), and a file with exactly the schema's columns
    /// and no others is read as unlabelled, whatever <see cref="LabelColumn"/> and <see cref="DropColumns"/> say.
    /// </summary>
    public IReadOnlyList<SchemaColumn>? Schema { get; init; }
}
