using Engine.Kernels;

namespace Engine.Analysis;

// Legend: n = rows (samples), d = cols (features), k = kept components.

/// <summary>
/// Principal component analysis by eigen-decomposition of the sample covariance
/// <c>C = X̃ᵀX̃ / (n − 1)</c>, where <c>X̃ = X − mean</c> (the same convention as scikit-learn's PCA).
/// </summary>
/// <remarks>
/// The covariance product is one <see cref="Gemm.Multiply"/> call in float; the d×d eigenproblem is solved in
/// double by <see cref="SymmetricEigen"/>. Components follow its sign convention (largest-magnitude entry positive).
/// </remarks>
public sealed class Pca
{
    // Rows per covariance block: about 8 MB of floats, large enough for GEMM to run at full speed.
    private const int CovarianceBlockElements = 1 << 21;

    private Pca(int features, int count, float[] mean, float[] components, double[] variance, double totalVariance)
    {
        Features = features;
        ComponentCount = count;
        Mean = mean;
        Components = components;
        ExplainedVariance = variance;
        TotalVariance = totalVariance;
        ExplainedVarianceRatio = new double[count];
        for (int i = 0; i < count; i++)
            ExplainedVarianceRatio[i] = totalVariance > 0 ? variance[i] / totalVariance : 0;
    }

    /// <summary>Number of input features d.</summary>
    public int Features { get; }

    /// <summary>Number of kept components k.</summary>
    public int ComponentCount { get; }

    /// <summary>Per-feature mean (d) subtracted before projecting.</summary>
    public float[] Mean { get; }

    /// <summary>Row-major (k, d): row i is the i-th principal axis (unit length), by decreasing variance.</summary>
    public float[] Components { get; }

    /// <summary>Variance of the data along each kept component (the eigenvalues of C), length k.</summary>
    public double[] ExplainedVariance { get; }

    /// <summary><see cref="ExplainedVariance"/> divided by <see cref="TotalVariance"/>, length k.</summary>
    public double[] ExplainedVarianceRatio { get; }

    /// <summary>Total variance trace(C) = the sum of all d eigenvalues.</summary>
    public double TotalVariance { get; }

    /// <summary>Fits the first <paramref name="components"/> principal axes of row-major data (rows, cols).</summary>
    /// <param name="data">Row-major (rows, cols) samples.</param>
    /// <param name="rows">Number of samples n (at least 2).</param>
    /// <param name="cols">Number of features d.</param>
    /// <param name="components">Number of axes to keep, 1 ≤ k ≤ d.</param>
    /// <exception cref="ArgumentException">
    /// Shapes do not match, n &lt; 2, k is out of range, or data is not finite.
    /// </exception>
    public static Pca Fit(ReadOnlySpan<float> data, int rows, int cols, int components)
    {
        const string op = "Pca.Fit";
        Checks.Matrix(op, data, rows, cols, nameof(data));
        if (rows < 2)
            throw new ArgumentException($"{op}: needs at least 2 rows to estimate a covariance, got {rows}.", nameof(rows));
        if (components < 1 || components > cols)
            throw new ArgumentException($"{op}: components must be in [1, {cols}], got {components}.", nameof(components));

        // Mean in double, per column, rows in fixed order. A float input cannot overflow a double sum, so a
        // non-finite sum means a NaN or infinity in the data: only then scan for it, to name the element.
        var sum = new double[cols];
        for (int r = 0; r < rows; r++)
        {
            var row = data.Slice(r * cols, cols);
            for (int c = 0; c < cols; c++) sum[c] += row[c];
        }
        if (!sum.All(double.IsFinite)) Checks.Finite(op, data, nameof(data));
        var mean = new float[cols];
        for (int c = 0; c < cols; c++) mean[c] = (float)(sum[c] / rows);

        // C = X̃ᵀ X̃ / (n − 1), accumulated over blocks of rows so that the centred copy X̃ never exists in full
        // (60k × 784 floats would be 188 MB). Each block (b, d) is read transposed as (d, b). The block size is a
        // constant, so the summation order, and the result, is the same on every run.
        var covariance = new float[cols * cols];
        int blockRows = Math.Max(1, Math.Min(rows, CovarianceBlockElements / cols));
        var block = new float[blockRows * cols];
        for (int start = 0; start < rows; start += blockRows)
        {
            int count = Math.Min(blockRows, rows - start);
            var centred = block.AsSpan(0, count * cols);
            Center(data.Slice(start * cols, count * cols), count, cols, mean, centred);
            Gemm.Multiply(centred, centred, cols, count, cols, covariance, transposeA: true, accumulate: start > 0);
        }
        var cov = new double[cols * cols];
        for (int i = 0; i < cols; i++)
        {
            // Gemm sums the two triangles in different orders; average them so the input is exactly symmetric.
            for (int j = 0; j < cols; j++)
                cov[i * cols + j] = 0.5 * ((double)covariance[i * cols + j] + covariance[j * cols + i]) / (rows - 1);
        }

        var eigen = SymmetricEigen.Decompose(cov, cols);
        double total = 0;
        for (int i = 0; i < cols; i++) total += cov[i * cols + i];
        var axes = new float[components * cols];
        var variance = new double[components];
        for (int i = 0; i < components; i++)
        {
            // Rounding can leave tiny negative eigenvalues of a rank-deficient covariance; a variance is >= 0.
            variance[i] = Math.Max(0, eigen.Values[i]);
            for (int c = 0; c < cols; c++) axes[i * cols + c] = (float)eigen.Vectors[i * cols + c];
        }
        return new Pca(cols, components, mean, axes, variance, total);
    }

    /// <summary>Projects rows onto the components: <c>Z = (X − mean) · Componentsᵀ</c>, shape (rows, k).</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> is not (rows, <see cref="Features"/>).</exception>
    public float[] Transform(ReadOnlySpan<float> data, int rows)
    {
        Checks.Matrix("Pca.Transform", data, rows, Features, nameof(data));
        // Centred in blocks of rows, like the covariance in Fit, so that the centred copy never exists in full
        // (for 60k × 784 floats it would be 188 MB, more than the codes by a factor of d / k).
        var codes = new float[rows * ComponentCount];
        int blockRows = Math.Max(1, Math.Min(rows, CovarianceBlockElements / Features));
        var block = new float[blockRows * Features];
        for (int start = 0; start < rows; start += blockRows)
        {
            int count = Math.Min(blockRows, rows - start);
            var centred = block.AsSpan(0, count * Features);
            Center(data.Slice(start * Features, count * Features), count, Features, Mean, centred);
            Gemm.Multiply(centred, Components, count, Features, ComponentCount,
                codes.AsSpan(start * ComponentCount, count * ComponentCount), transposeB: true);
        }
        return codes;
    }

    /// <summary>Maps codes back to feature space: <c>X̂ = Z · Components + mean</c>, shape (rows, d).</summary>
    /// <exception cref="ArgumentException"><paramref name="codes"/> is not (rows, <see cref="ComponentCount"/>).</exception>
    public float[] InverseTransform(ReadOnlySpan<float> codes, int rows)
    {
        Checks.Matrix("Pca.InverseTransform", codes, rows, ComponentCount, nameof(codes));
        var result = new float[rows * Features];
        for (int r = 0; r < rows; r++) Mean.CopyTo(result.AsSpan(r * Features, Features));
        Gemm.Multiply(codes, Components, rows, ComponentCount, Features, result, accumulate: true);
        return result;
    }

    /// <summary>
    /// Mean squared reconstruction error over all elements, <c>Σ (x − x̂)² / (rows · d)</c>, with
    /// <c>x̂ = InverseTransform(Transform(x))</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> is not (rows, <see cref="Features"/>).</exception>
    public double ReconstructionError(ReadOnlySpan<float> data, int rows)
    {
        var reconstruction = InverseTransform(Transform(data, rows), rows);
        double sum = 0;
        for (int i = 0; i < reconstruction.Length; i++)
        {
            double diff = data[i] - reconstruction[i];
            sum += diff * diff;
        }
        return sum / reconstruction.Length;
    }

    private static void Center(ReadOnlySpan<float> data, int rows, int cols, float[] mean, Span<float> centred)
    {
        for (int r = 0; r < rows; r++)
        {
            var source = data.Slice(r * cols, cols);
            var target = centred.Slice(r * cols, cols);
            for (int c = 0; c < cols; c++) target[c] = source[c] - mean[c];
        }
    }
}
