using Engine.Data.Tables;

namespace Engine.Data;

/// <summary>
/// KDD Cup 1999 records as read by <see cref="Kdd99.Read(string)"/>, stored by column: the 38 numeric
/// features as floats and the three symbolic features and the label as codes into name tables.
/// </summary>
/// <remarks>
/// Codes are assigned in order of first appearance in the file, so two files give different codes for the same
/// name; <see cref="TablePreprocessor"/> matches them by name.
/// </remarks>
public sealed class Kdd99Data
{
    /// <summary>Number of records (lines).</summary>
    public required int Count { get; init; }

    /// <summary>
    /// The numeric features, <see cref="Count"/> × 38, row-major, raw values as in the file, columns in the
    /// order of <see cref="Kdd99.NumericColumns"/>.
    /// </summary>
    public required float[] Numeric { get; init; }

    /// <summary>protocol_type of each record, as a code into <see cref="ProtocolNames"/>.</summary>
    public required int[] Protocol { get; init; }

    /// <summary>service of each record, as a code into <see cref="ServiceNames"/>.</summary>
    public required int[] Service { get; init; }

    /// <summary>flag of each record, as a code into <see cref="FlagNames"/>.</summary>
    public required int[] Flag { get; init; }

    /// <summary>Distinct protocol_type values in order of first appearance (tcp, udp, icmp).</summary>
    public required IReadOnlyList<string> ProtocolNames { get; init; }

    /// <summary>Distinct service values in order of first appearance.</summary>
    public required IReadOnlyList<string> ServiceNames { get; init; }

    /// <summary>Distinct flag values in order of first appearance.</summary>
    public required IReadOnlyList<string> FlagNames { get; init; }

    /// <summary>Label of each record (attack type or normal), as a code into <see cref="LabelNames"/>.</summary>
    public required int[] Label { get; init; }

    /// <summary>Distinct labels without the trailing period (normal, smurf, …), in order of first appearance.</summary>
    public required IReadOnlyList<string> LabelNames { get; init; }

    /// <summary>Category of each record, from its label via <see cref="Kdd99.CategoryOf"/>.</summary>
    public required KddCategory[] Category { get; init; }

    /// <summary>Where the records came from (file name), for logs.</summary>
    public required string Source { get; init; }

    /// <summary>The numeric features of record <paramref name="row"/> (38 values).</summary>
    /// <param name="row">Record index in [0, <see cref="Count"/>).</param>
    /// <returns>A view into <see cref="Numeric"/>.</returns>
    public ReadOnlySpan<float> NumericRow(int row)
    {
        if ((uint)row >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(row), row, $"Kdd99Data.NumericRow: row must be in [0, {Count}).");
        return Numeric.AsSpan(row * Kdd99.NumericColumnCount, Kdd99.NumericColumnCount);
    }

    /// <summary>Number of records in each category, indexed by <see cref="KddCategory"/>.</summary>
    /// <returns>An array of length 6.</returns>
    public int[] CategoryCounts()
    {
        var counts = new int[Enum.GetValues<KddCategory>().Length];
        foreach (var category in Category)
            counts[(int)category]++;
        return counts;
    }

    private Table? _table;

    /// <summary>
    /// The records as a <see cref="Table"/> (built once, then shared): the 41 features in file order, protocol_type,
    /// service and flag categorical, and the label column (without the period). This is what
    /// <see cref="TablePreprocessor"/> reads, with <see cref="Kdd99.PreprocessorOptions"/> for the case study's settings.
    /// </summary>
    public Table ToTable() => LazyInitializer.EnsureInitialized(ref _table, BuildTable);

    private Table BuildTable()
    {
        var columns = new List<TableColumn>(Kdd99.FeatureColumnCount);
        int numeric = 0;
        for (int column = 0; column < Kdd99.FeatureColumnCount; column++)
        {
            string name = Kdd99.Columns[column];
            if (Kdd99.IsSymbolic(column))
            {
                var (codes, names) = column switch { 1 => (Protocol, ProtocolNames), 2 => (Service, ServiceNames), _ => (Flag, FlagNames) };
                columns.Add(new TableColumn(name, column + 1, codes, names));
                continue;
            }
            var values = new float[Count];
            for (int row = 0; row < Count; row++) values[row] = Numeric[row * Kdd99.NumericColumnCount + numeric];
            columns.Add(new TableColumn(name, column + 1, values));
            numeric++;
        }
        return new Table(Source, columns, new TableLabels("label", Kdd99.FeatureColumnCount + 1, Label, LabelNames), Count);
    }
}
