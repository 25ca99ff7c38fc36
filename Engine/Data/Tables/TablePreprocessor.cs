namespace Engine.Data.Tables;

/// <summary>
/// Turns table rows into float feature rows for a model: each categorical column becomes one-hot features, each
/// numeric column optionally goes through log1p, then min-max or standard scaling. Everything is fitted on the rows
/// passed to <see cref="Fit"/>, which for anomaly detection are the normal training rows only, so nothing about the
/// anomalies (or the test data) leaks into the features.
/// </summary>
/// <remarks>
/// <para>Output features keep the column order of the table, each categorical column expanded in place into one
/// feature per category seen at fit, in ordinal order (names in <see cref="FeatureNames"/>, e.g. "service=http").
/// A category not seen at fit gives all zeros in its group: for an anomaly detector that is itself unusual.</para>
/// <para>log1p is applied sign-symmetrically, sign(x)·log(1 + |x|), so a negative value at transform time cannot
/// give NaN. A feature that is constant over the fit rows is only shifted: dividing by ~0 would turn other values
/// into huge numbers. Rows outside the fit rows may fall outside [0, 1] (min-max): that is what makes an anomaly
/// stand out.</para>
/// <para>A fitted preprocessor is data: <see cref="ToJson"/> and <see cref="FromJson"/> save and restore it
/// exactly (beside a model, so that a saved detector scores new files the way it scored the first), and
/// <see cref="Schema"/> tells <see cref="TableReader"/> how to read a second file.</para>
/// </remarks>
public sealed partial class TablePreprocessor
{
    /// <summary>Skewness above which a non-negative column is log-scaled when the columns are not listed.</summary>
    public const double SkewnessThreshold = 1.0;

    private readonly FittedColumn[] _columns;
    private readonly int[] _firstFeature;

    private TablePreprocessor(FittedColumn[] columns, FeatureScaling scaling, int fitRows)
    {
        _columns = columns;
        Scaling = scaling;
        FitRowCount = fitRows;
        _firstFeature = new int[columns.Length];
        var names = new List<string>();
        for (int c = 0; c < columns.Length; c++)
        {
            _firstFeature[c] = names.Count;
            if (columns[c].Kind == ColumnKind.Categorical)
                names.AddRange(columns[c].Categories.Select(category => $"{columns[c].Name}={category}"));
            else
                names.Add(columns[c].Name);
        }
        FeatureNames = names;
        Schema = columns.Select(c => new SchemaColumn(c.Name, c.Kind)).ToArray();
    }

    /// <summary>Number of output features per row (numeric columns plus the one-hot widths).</summary>
    public int FeatureCount => FeatureNames.Count;

    /// <summary>Name of each output feature, e.g. "duration", "protocol_type=tcp".</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The input columns this preprocessor reads, by name and kind, in order.</summary>
    public IReadOnlyList<SchemaColumn> Schema { get; }

    /// <summary>The numeric columns that are log-scaled.</summary>
    public IReadOnlyList<string> LogColumns => _columns.Where(c => c.Log).Select(c => c.Name).ToArray();

    /// <summary>The categorical columns with the number of one-hot features each got.</summary>
    public IReadOnlyList<(string Column, int Categories)> OneHotColumns =>
        _columns.Where(c => c.Kind == ColumnKind.Categorical).Select(c => (c.Name, c.Categories.Length)).ToArray();

    /// <summary>The scaling that was fitted.</summary>
    public FeatureScaling Scaling { get; }

    /// <summary>How many rows the statistics were computed from.</summary>
    public int FitRowCount { get; }

    /// <summary>
    /// Fits on the rows <paramref name="rows"/> of <paramref name="table"/>: the categories they hold, which numeric
    /// columns to log-scale (unless listed), and the scaling statistics.
    /// </summary>
    /// <param name="table">The data.</param>
    /// <param name="rows">Indices of the fit rows (for anomaly detection: the normal training rows).</param>
    /// <param name="options">Scaling and log columns; null for the defaults.</param>
    /// <returns>The fitted preprocessor.</returns>
    /// <exception cref="ArgumentException">No rows, an index out of range, or a listed log column that is not a numeric column.</exception>
    public static TablePreprocessor Fit(Table table, ReadOnlySpan<int> rows, TablePreprocessorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= new TablePreprocessorOptions();
        if (!Enum.IsDefined(options.Scaling))
            throw new ArgumentException($"TablePreprocessor.Fit: Scaling {(int)options.Scaling} is not a scaling.", nameof(options));
        if (rows.IsEmpty)
            throw new ArgumentException($"TablePreprocessor.Fit: no rows of {table.Source} to fit on.", nameof(rows));
        foreach (int row in rows)
            if ((uint)row >= (uint)table.Count)
                throw new ArgumentException($"TablePreprocessor.Fit: row {row} is outside [0, {table.Count}).", nameof(rows));
        if (options.LogColumns is { } listed)
            foreach (string name in listed)
                if (table.Column(name) is not { Kind: ColumnKind.Numeric })
                    throw new ArgumentException($"TablePreprocessor.Fit: the log column '{name}' is not a numeric column of {table.Source}.", nameof(options));

        var columns = new FittedColumn[table.Columns.Count];
        for (int c = 0; c < columns.Length; c++)
        {
            var column = table.Columns[c];
            columns[c] = column.Kind == ColumnKind.Categorical
                ? FitCategorical(column, rows)
                : FitNumeric(column, rows, options);
        }
        return new TablePreprocessor(columns, options.Scaling, rows.Length);
    }

    /// <summary>Transforms every row of <paramref name="table"/>, using up to <see cref="Kernels.Parallelism.MaxThreads"/> threads.</summary>
    /// <param name="table">Rows with the columns of <see cref="Schema"/> (matched by name; categories by value).</param>
    /// <returns>table.Count × <see cref="FeatureCount"/> floats, row-major.</returns>
    /// <exception cref="ArgumentException">A column is missing or of the other kind; the message names it.</exception>
    public float[] Transform(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var output = new float[(long)table.Count * FeatureCount];
        var bound = Bind(table);
        // rows are independent, so splitting them over threads cannot change any value
        const int blockRows = 4096;
        int blocks = (table.Count + blockRows - 1) / blockRows;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Kernels.Parallelism.MaxThreads };
        Parallel.For(0, blocks, options, block =>
        {
            int first = block * blockRows;
            int count = Math.Min(blockRows, table.Count - first);
            TransformRows(bound, first, count, output.AsSpan(first * FeatureCount, count * FeatureCount));
        });
        return output;
    }

    /// <summary>Transforms rows [<paramref name="firstRow"/>, firstRow + rowCount) into <paramref name="destination"/>.</summary>
    /// <param name="table">Rows with the columns of <see cref="Schema"/>.</param>
    /// <param name="firstRow">First row.</param>
    /// <param name="rowCount">Number of consecutive rows.</param>
    /// <param name="destination">At least rowCount × <see cref="FeatureCount"/> floats; that prefix is overwritten.</param>
    /// <exception cref="ArgumentException">The range is outside the table, the destination is too short, or a column does not match.</exception>
    public void Transform(Table table, int firstRow, int rowCount, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (firstRow < 0 || rowCount < 0 || firstRow + (long)rowCount > table.Count)
            throw new ArgumentException(
                $"TablePreprocessor.Transform: rows [{firstRow}, {firstRow + (long)rowCount}) are outside [0, {table.Count}).", nameof(firstRow));
        if (destination.Length < (long)rowCount * FeatureCount)
            throw new ArgumentException($"TablePreprocessor.Transform: destination has {destination.Length} floats; "
                + $"{rowCount} rows × {FeatureCount} features need {(long)rowCount * FeatureCount}.", nameof(destination));
        TransformRows(Bind(table), firstRow, rowCount, destination);
    }

    private static FittedColumn FitCategorical(TableColumn column, ReadOnlySpan<int> rows)
    {
        var used = new bool[column.Categories.Count];
        foreach (int row in rows) used[column.Codes![row]] = true;
        // sorted, so the layout does not depend on the order of the rows in the file
        var categories = column.Categories.Where((_, code) => used[code]).Order(StringComparer.Ordinal).ToArray();
        return new FittedColumn(column.Name, ColumnKind.Categorical, false, 0, 1, categories);
    }

    private static FittedColumn FitNumeric(TableColumn column, ReadOnlySpan<int> rows, TablePreprocessorOptions options)
    {
        var values = column.Values!;
        bool log = options.LogColumns is { } listed ? listed.Contains(column.Name) : HeavyTailed(values, rows);
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sumSquares = 0;
        foreach (int row in rows)
        {
            double x = Prepare(values[row], log);
            min = Math.Min(min, x);
            max = Math.Max(max, x);
            sum += x;
            sumSquares += x * x;
        }
        int n = rows.Length;
        double mean = sum / n;
        bool minMax = options.Scaling == FeatureScaling.MinMax;
        double spread = minMax ? max - min : Math.Sqrt(Math.Max(0, sumSquares / n - mean * mean));
        // a constant feature is only shifted: dividing by ~0 would turn other values into huge numbers
        return new FittedColumn(column.Name, ColumnKind.Numeric, log, minMax ? min : mean, spread > 1e-12 ? 1 / spread : 1, []);
    }

    // No negative value and a long right tail: skewness E[(x − μ)³] / σ³ above the threshold.
    private static bool HeavyTailed(float[] values, ReadOnlySpan<int> rows)
    {
        double sum = 0;
        foreach (int row in rows)
        {
            if (values[row] < 0) return false;
            sum += values[row];
        }
        double mean = sum / rows.Length, m2 = 0, m3 = 0;
        foreach (int row in rows)
        {
            double d = values[row] - mean;
            m2 += d * d;
            m3 += d * d * d;
        }
        m2 /= rows.Length;
        m3 /= rows.Length;
        return m2 > 1e-24 && m3 / Math.Pow(m2, 1.5) > SkewnessThreshold;
    }

    // Per fitted column: the table's column, and for categories a map from the table's codes to our slots (-1: unseen).
    private (TableColumn Column, int[]? Slots)[] Bind(Table table)
    {
        var bound = new (TableColumn, int[]?)[_columns.Length];
        for (int c = 0; c < _columns.Length; c++)
        {
            var fitted = _columns[c];
            var column = table.Column(fitted.Name) ?? throw new ArgumentException(
                $"TablePreprocessor: {table.Source} has no column '{fitted.Name}'; the model was fitted on {TableLabels.List(_columns.Select(x => x.Name).ToList(), 8)}.");
            if (column.Kind != fitted.Kind)
                throw new ArgumentException($"TablePreprocessor: column '{fitted.Name}' of {table.Source} is {Kind(column.Kind)}, "
                    + $"but the model was fitted on it as {Kind(fitted.Kind)}.");
            bound[c] = (column, fitted.Kind == ColumnKind.Categorical
                ? column.Categories.Select(name => Array.IndexOf(fitted.Categories, name)).ToArray()
                : null);
        }
        return bound;
    }

    private void TransformRows((TableColumn Column, int[]? Slots)[] bound, int firstRow, int rowCount, Span<float> destination)
    {
        int width = FeatureCount;
        for (int r = 0; r < rowCount; r++)
        {
            int row = firstRow + r;
            var output = destination.Slice(r * width, width);
            output.Clear();
            for (int c = 0; c < _columns.Length; c++)
            {
                var fitted = _columns[c];
                var (column, slots) = bound[c];
                if (slots is not null)
                {
                    int slot = slots[column.Codes![row]];
                    if (slot >= 0) output[_firstFeature[c] + slot] = 1;
                    continue;
                }
                output[_firstFeature[c]] = (float)((Prepare(column.Values![row], fitted.Log) - fitted.Shift) * fitted.Scale);
            }
        }
    }

    private static double Prepare(float value, bool log) =>
        log ? Math.CopySign(double.LogP1(Math.Abs((double)value)), value) : value;

    private static string Kind(ColumnKind kind) => kind == ColumnKind.Numeric ? "numeric" : "categorical";

    // One input column as fitted: scaling (numeric) or the categories (categorical).
    private sealed record FittedColumn(string Name, ColumnKind Kind, bool Log, double Shift, double Scale, string[] Categories);
}
