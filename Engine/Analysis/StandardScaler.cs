namespace Engine.Analysis;

/// <summary>
/// Standardises each column to zero mean and unit variance: <c>z = (x − mean) / std</c>, with the population
/// standard deviation (divide by n), and std taken as 1 for constant columns (as scikit-learn does).
/// </summary>
public sealed class StandardScaler
{
    private float[]? _mean;
    private float[]? _scale;

    /// <summary>Per-column means (after <see cref="Fit"/>).</summary>
    public ReadOnlySpan<float> Mean => _mean;

    /// <summary>Per-column divisors (after <see cref="Fit"/>).</summary>
    public ReadOnlySpan<float> Scale => _scale;

    /// <summary>Learns column means and standard deviations, in double, rows summed in order.</summary>
    /// <exception cref="ArgumentException">The shape is invalid or a value is not finite.</exception>
    public StandardScaler Fit(ReadOnlySpan<float> data, int rows, int cols)
    {
        const string op = "StandardScaler.Fit";
        Checks.Matrix(op, data, rows, cols, nameof(data));
        Checks.Finite(op, data, nameof(data));
        var sum = new double[cols];
        var sumSquares = new double[cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) sum[c] += data[r * cols + c];
        var mean = new float[cols];
        for (int c = 0; c < cols; c++) mean[c] = (float)(sum[c] / rows);

        // Two-pass variance: summing (x − mean)² avoids the cancellation of E[x²] − E[x]².
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                double diff = data[r * cols + c] - sum[c] / rows;
                sumSquares[c] += diff * diff;
            }
        }
        var scale = new float[cols];
        for (int c = 0; c < cols; c++)
        {
            double std = Math.Sqrt(sumSquares[c] / rows);
            scale[c] = std > 1e-12 ? (float)std : 1f;
        }
        _mean = mean;
        _scale = scale;
        return this;
    }

    /// <summary>Returns the standardised copy of row-major (rows, cols) data.</summary>
    /// <exception cref="InvalidOperationException">Called before <see cref="Fit"/>.</exception>
    /// <exception cref="ArgumentException">The column count differs from the fitted one.</exception>
    public float[] Transform(ReadOnlySpan<float> data, int rows)
    {
        if (_mean is null || _scale is null)
            throw new InvalidOperationException("StandardScaler.Transform: call Fit first.");
        int cols = _mean.Length;
        Checks.Matrix("StandardScaler.Transform", data, rows, cols, nameof(data));
        var result = new float[data.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                result[r * cols + c] = (data[r * cols + c] - _mean[c]) / _scale[c];
        return result;
    }
}
