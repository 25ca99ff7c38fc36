namespace Engine.Data;

/// <summary>
/// Turns KDD'99 records into float feature rows for an autoencoder: one-hot codes for protocol_type, service
/// and flag, log1p for the heavy-tailed counts, then min-max or standard scaling fitted on normal records only.
/// </summary>
/// <remarks>
/// <para>Output columns keep the file's column order, each symbolic column expanded in place into one column
/// per category seen at <see cref="Fit(Kdd99Data, ReadOnlySpan{int}, KddScaling)"/> (names in
/// <see cref="FeatureNames"/>, e.g. "service=http"). A category not seen at fit gives all zeros in its group.</para>
/// <para>log1p is applied to <see cref="LogScaledColumns"/>: duration, src_bytes and dst_bytes span nine
/// orders of magnitude, and the event and connection counts are skewed the same way. It is applied
/// sign-symmetrically, sign(x)·log(1 + |x|), so a negative value cannot give NaN. The 0/1 flags and the
/// 15 rate columns (already in [0, 1]) are left as they are before scaling.</para>
/// <para>Scaling statistics come from the normal records among the rows passed to Fit, because the model is
/// trained on normal traffic and attacks should stand out against it; attack records may therefore fall outside
/// [0, 1] (min-max) after transform. A feature that is constant over the normal records is only shifted.</para>
/// </remarks>
public sealed class KddPreprocessor
{
    private readonly string[][] _categories;
    private readonly int[] _featureOfColumn;
    private readonly bool[] _isLog;
    private readonly double[] _shift;
    private readonly double[] _scale;

    /// <summary>The numeric columns that get log1p before scaling (17 count-like columns).</summary>
    public static IReadOnlyList<string> LogScaledColumns { get; } =
    [
        "duration", "src_bytes", "dst_bytes", "wrong_fragment", "urgent", "hot", "num_failed_logins",
        "num_compromised", "num_root", "num_file_creations", "num_shells", "num_access_files", "num_outbound_cmds",
        "count", "srv_count", "dst_host_count", "dst_host_srv_count",
    ];

    private KddPreprocessor(string[][] categories, bool[] isLog, double[] shift, double[] scale, KddScaling scaling,
        int normalCount)
    {
        _categories = categories;
        _isLog = isLog;
        _shift = shift;
        _scale = scale;
        Scaling = scaling;
        FitNormalCount = normalCount;

        // output layout: walk the 41 columns, a symbolic column takes one slot per category
        _featureOfColumn = new int[Kdd99.FeatureColumnCount];
        var names = new List<string>();
        for (int column = 0; column < Kdd99.FeatureColumnCount; column++)
        {
            _featureOfColumn[column] = names.Count;
            if (Kdd99.IsSymbolic(column))
                names.AddRange(categories[column - 1].Select(c => $"{Kdd99.Columns[column]}={c}"));
            else
                names.Add(Kdd99.Columns[column]);
        }
        FeatureNames = names;
    }

    /// <summary>Number of output features per record (38 numeric plus the one-hot widths).</summary>
    public int FeatureCount => FeatureNames.Count;

    /// <summary>Name of each output feature, e.g. "duration", "protocol_type=tcp".</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The scaling that was fitted.</summary>
    public KddScaling Scaling { get; }

    /// <summary>How many normal records the scaling statistics were computed from.</summary>
    public int FitNormalCount { get; }

    /// <summary>Fits on every record of <paramref name="data"/> (scaling on its normal records).</summary>
    /// <param name="data">Training records.</param>
    /// <param name="scaling">Min-max or standard scaling.</param>
    /// <returns>The fitted preprocessor.</returns>
    /// <exception cref="ArgumentException">There is no normal record.</exception>
    public static KddPreprocessor Fit(Kdd99Data data, KddScaling scaling = KddScaling.MinMax)
    {
        ArgumentNullException.ThrowIfNull(data);
        var all = new int[data.Count];
        for (int i = 0; i < all.Length; i++)
            all[i] = i;
        return Fit(data, all, scaling);
    }

    /// <summary>
    /// Fits on the records <paramref name="trainRows"/>: categories from all of them, scaling statistics from
    /// those whose category is <see cref="KddCategory.Normal"/>.
    /// </summary>
    /// <param name="data">The records.</param>
    /// <param name="trainRows">Indices of the training records (e.g. a random split).</param>
    /// <param name="scaling">Min-max or standard scaling.</param>
    /// <returns>The fitted preprocessor.</returns>
    /// <exception cref="ArgumentException">An index is out of range or no training record is normal.</exception>
    public static KddPreprocessor Fit(Kdd99Data data, ReadOnlySpan<int> trainRows, KddScaling scaling = KddScaling.MinMax)
    {
        ArgumentNullException.ThrowIfNull(data);
        var codeTables = CodeTables(data);
        var used = codeTables.Select(names => new bool[names.Count]).ToArray();
        var isLog = Kdd99.NumericColumns.Select(name => LogScaledColumns.Contains(name)).ToArray();
        int m = Kdd99.NumericColumnCount;
        var min = Enumerable.Repeat(double.PositiveInfinity, m).ToArray();
        var max = Enumerable.Repeat(double.NegativeInfinity, m).ToArray();
        var sum = new double[m];
        var sumSquares = new double[m];
        int normals = 0;
        foreach (int row in trainRows)
        {
            if ((uint)row >= (uint)data.Count)
                throw new ArgumentException($"KddPreprocessor.Fit: row {row} is outside [0, {data.Count}).", nameof(trainRows));
            used[0][data.Protocol[row]] = used[1][data.Service[row]] = used[2][data.Flag[row]] = true;
            if (data.Category[row] != KddCategory.Normal)
                continue;
            normals++;
            var values = data.NumericRow(row);
            for (int j = 0; j < m; j++)
            {
                double x = Prepare(values[j], isLog[j]);
                min[j] = Math.Min(min[j], x);
                max[j] = Math.Max(max[j], x);
                sum[j] += x;
                sumSquares[j] += x * x;
            }
        }
        if (normals == 0)
            throw new ArgumentException(
                $"KddPreprocessor.Fit: none of the {trainRows.Length} training rows of {data.Source} is normal; "
                + "scaling is fitted on normal records only.", nameof(trainRows));

        var shift = new double[m];
        var scale = new double[m];
        for (int j = 0; j < m; j++)
        {
            double mean = sum[j] / normals;
            double spread = scaling == KddScaling.MinMax
                ? max[j] - min[j]
                : Math.Sqrt(Math.Max(0, sumSquares[j] / normals - mean * mean));
            shift[j] = scaling == KddScaling.MinMax ? min[j] : mean;
            // a constant feature is only shifted: dividing by ~0 would turn attack values into huge numbers
            scale[j] = spread > 1e-12 ? 1 / spread : 1;
        }
        // categories in sorted order, so the layout does not depend on the order of lines in the file
        var categories = codeTables
            .Select((names, t) => names.Where((_, code) => used[t][code]).Order(StringComparer.Ordinal).ToArray())
            .ToArray();
        return new KddPreprocessor(categories, isLog, shift, scale, scaling, normals);
    }

    /// <summary>Transforms every record of <paramref name="data"/>, using up to <see cref="Kernels.Parallelism.MaxThreads"/> threads.</summary>
    /// <param name="data">Records (any file: categories are matched by name).</param>
    /// <returns>data.Count × <see cref="FeatureCount"/> floats, row-major.</returns>
    public float[] Transform(Kdd99Data data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var output = new float[(long)data.Count * FeatureCount];
        var slots = Slots(data);
        // rows are independent, so splitting them over threads cannot change any value
        const int blockRows = 4096;
        int blocks = (data.Count + blockRows - 1) / blockRows;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Kernels.Parallelism.MaxThreads };
        Parallel.For(0, blocks, options, block =>
        {
            int first = block * blockRows;
            int count = Math.Min(blockRows, data.Count - first);
            TransformRows(data, first, count, slots, output.AsSpan(first * FeatureCount, count * FeatureCount));
        });
        return output;
    }

    /// <summary>Transforms records [<paramref name="firstRow"/>, firstRow + rowCount) into <paramref name="destination"/>.</summary>
    /// <param name="data">Records (any file: categories are matched by name).</param>
    /// <param name="firstRow">First record.</param>
    /// <param name="rowCount">Number of consecutive records.</param>
    /// <param name="destination">At least rowCount × <see cref="FeatureCount"/> floats; that prefix is overwritten.</param>
    /// <exception cref="ArgumentException">The range is outside the data or the destination is too short.</exception>
    public void Transform(Kdd99Data data, int firstRow, int rowCount, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (firstRow < 0 || rowCount < 0 || firstRow + (long)rowCount > data.Count)
            throw new ArgumentException(
                $"KddPreprocessor.Transform: rows [{firstRow}, {firstRow + (long)rowCount}) are outside [0, {data.Count}).",
                nameof(firstRow));
        if (destination.Length < (long)rowCount * FeatureCount)
            throw new ArgumentException($"KddPreprocessor.Transform: destination has {destination.Length} floats; "
                + $"{rowCount} rows × {FeatureCount} features need {(long)rowCount * FeatureCount}.", nameof(destination));

        TransformRows(data, firstRow, rowCount, Slots(data), destination);
    }

    private void TransformRows(Kdd99Data data, int firstRow, int rowCount, int[][] slots, Span<float> destination)
    {
        int width = FeatureCount;
        for (int r = 0; r < rowCount; r++)
        {
            int row = firstRow + r;
            var output = destination.Slice(r * width, width);
            output.Clear();
            var values = data.NumericRow(row);
            int j = 0;
            for (int column = 0; column < Kdd99.FeatureColumnCount; column++)
            {
                if (Kdd99.IsSymbolic(column))
                {
                    int code = column switch { 1 => data.Protocol[row], 2 => data.Service[row], _ => data.Flag[row] };
                    int slot = slots[column - 1][code];
                    if (slot >= 0)
                        output[_featureOfColumn[column] + slot] = 1;
                    continue;
                }
                output[_featureOfColumn[column]] = (float)((Prepare(values[j], _isLog[j]) - _shift[j]) * _scale[j]);
                j++;
            }
        }
    }

    // Maps this file's codes to our one-hot slots (-1: category unseen at fit).
    private int[][] Slots(Kdd99Data data) =>
        CodeTables(data).Select((names, t) => names.Select(name => Array.IndexOf(_categories[t], name)).ToArray())
            .ToArray();

    private static IReadOnlyList<string>[] CodeTables(Kdd99Data data) =>
        [data.ProtocolNames, data.ServiceNames, data.FlagNames];

    private static double Prepare(float value, bool log) =>
        log ? Math.CopySign(double.LogP1(Math.Abs((double)value)), value) : value;
}
