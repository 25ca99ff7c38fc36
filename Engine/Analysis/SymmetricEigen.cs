using Engine.Kernels;

namespace Engine.Analysis;

// Legend: n = matrix order, u = the working n×n matrix, d = diagonal / eigenvalues, e = off-diagonal.
// The algorithm is EISPACK's tred2 + tql2 as published in JAMA (public domain): Householder reduction to a
// symmetric tridiagonal matrix, accumulating the orthogonal transform, then implicit QL with Wilkinson-style
// shifts on the tridiagonal form. JAMA stores the transform V column-wise; here we keep u = Vᵀ so that both the
// Householder updates and the Givens rotations of QL walk contiguous rows (the 784×784 PCA case is ~5 MB of
// doubles, and column strides would miss cache on every access).

/// <summary>
/// Eigen-decomposition of a real symmetric matrix, <c>A = Σ λᵢ vᵢ vᵢᵀ</c>, computed in double precision by
/// Householder tridiagonalisation followed by the implicit QL algorithm.
/// </summary>
/// <remarks>
/// Eigenvalues are sorted in descending order. Each eigenvector has unit length and the sign convention that its
/// largest-magnitude component is positive (the first such component when several tie to a relative 1e-9), so results are
/// reproducible and comparable across implementations.
/// </remarks>
public sealed class SymmetricEigen
{
    private SymmetricEigen(int order, double[] values, double[] vectors)
    {
        Order = order;
        Values = values;
        Vectors = vectors;
    }

    /// <summary>The matrix order n.</summary>
    public int Order { get; }

    /// <summary>The n eigenvalues, largest first.</summary>
    public double[] Values { get; }

    /// <summary>Row-major (n, n): row i is the unit eigenvector of <see cref="Values"/>[i].</summary>
    public double[] Vectors { get; }

    /// <summary>Decomposes a symmetric row-major (n, n) matrix given in single precision.</summary>
    /// <exception cref="ArgumentException">The span is not n×n, holds a non-finite value, or is not symmetric.</exception>
    public static SymmetricEigen Decompose(ReadOnlySpan<float> matrix, int n)
    {
        var copy = new double[matrix.Length];
        for (int i = 0; i < copy.Length; i++) copy[i] = matrix[i];
        return Decompose(copy, n);
    }

    /// <summary>Decomposes a symmetric row-major (n, n) matrix.</summary>
    /// <param name="matrix">Row-major (n, n); symmetric up to a relative 1e-6 of its largest entry.</param>
    /// <param name="n">The order of the matrix.</param>
    /// <exception cref="ArgumentException">The span is not n×n, holds a non-finite value, or is not symmetric.</exception>
    public static SymmetricEigen Decompose(ReadOnlySpan<double> matrix, int n)
    {
        const string op = "SymmetricEigen.Decompose";
        if (n < 1 || matrix.Length != (long)n * n)
            throw new ArgumentException($"{op}: matrix has {matrix.Length} elements, expected n×n with n = {n} >= 1.",
                nameof(matrix));
        double largest = 0;
        for (int i = 0; i < matrix.Length; i++)
        {
            if (!double.IsFinite(matrix[i]))
                throw new ArgumentException($"{op}: matrix[{i / n}, {i % n}] is {matrix[i]}.", nameof(matrix));
            largest = Math.Max(largest, Math.Abs(matrix[i]));
        }
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (Math.Abs(matrix[i * n + j] - matrix[j * n + i]) > 1e-6 * largest)
                    throw new ArgumentException(
                        $"{op}: matrix is not symmetric: [{i}, {j}] = {matrix[i * n + j]} " +
                        $"but [{j}, {i}] = {matrix[j * n + i]}.",
                        nameof(matrix));
            }
        }

        // Symmetrise exactly, so the result does not depend on which triangle the reduction happens to read.
        var u = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                u[i * n + j] = 0.5 * (matrix[i * n + j] + matrix[j * n + i]);
        var d = new double[n];
        var e = new double[n];
        Tridiagonalize(u, d, e, n);
        DiagonalizeTridiagonal(u, d, e, n);
        return SortAndNormalize(u, d, n);
    }

    // Householder reduction: on return d, e hold the tridiagonal matrix and u holds Qᵀ (rows = columns of Q).
    private static void Tridiagonalize(double[] u, double[] d, double[] e, int n)
    {
        for (int j = 0; j < n; j++) d[j] = u[j * n + n - 1];
        for (int i = n - 1; i > 0; i--)
        {
            // Scale row i to avoid under/overflow in the Householder vector.
            double scale = 0, h = 0;
            for (int k = 0; k < i; k++) scale += Math.Abs(d[k]);
            if (scale == 0)
            {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++)
                {
                    d[j] = u[j * n + i - 1];
                    u[j * n + i] = 0;
                    u[i * n + j] = 0;
                }
            }
            else
            {
                // Generate the Householder vector.
                for (int k = 0; k < i; k++)
                {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = Math.Sqrt(h);
                if (f > 0) g = -g;
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) e[j] = 0;

                // Apply the similarity transformation to the remaining columns.
                for (int j = 0; j < i; j++)
                {
                    f = d[j];
                    u[i * n + j] = f;
                    g = e[j] + u[j * n + j] * f;
                    int rowJ = j * n;
                    if (i - 1 > j)
                        g += DoubleSpans.DotAndAxpy(u.AsSpan(rowJ + j + 1, i - 1 - j), d.AsSpan(j + 1, i - 1 - j), f,
                            e.AsSpan(j + 1, i - 1 - j));
                    e[j] = g;
                }
                f = 0;
                for (int j = 0; j < i; j++)
                {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) e[j] -= hh * d[j];
                for (int j = 0; j < i; j++)
                {
                    f = d[j];
                    g = e[j];
                    int rowJ = j * n;
                    DoubleSpans.RankTwoUpdate(u.AsSpan(rowJ + j, i - j), f, e.AsSpan(j, i - j), g, d.AsSpan(j, i - j));
                    d[j] = u[rowJ + i - 1];
                    u[rowJ + i] = 0;
                }
            }
            d[i] = h;
        }

        // Accumulate the transformations.
        for (int i = 0; i < n - 1; i++)
        {
            u[i * n + n - 1] = u[i * n + i];
            u[i * n + i] = 1;
            double h = d[i + 1];
            int rowNext = (i + 1) * n;
            if (h != 0)
            {
                for (int k = 0; k <= i; k++) d[k] = u[rowNext + k] / h;
                for (int j = 0; j <= i; j++)
                {
                    int rowJ = j * n;
                    double g = DoubleSpans.Dot(u.AsSpan(rowNext, i + 1), u.AsSpan(rowJ, i + 1));
                    DoubleSpans.Axpy(-g, d.AsSpan(0, i + 1), u.AsSpan(rowJ, i + 1));
                }
            }
            for (int k = 0; k <= i; k++) u[rowNext + k] = 0;
        }
        for (int j = 0; j < n; j++)
        {
            d[j] = u[j * n + n - 1];
            u[j * n + n - 1] = 0;
        }
        u[(n - 1) * n + n - 1] = 1;
        e[0] = 0;
    }

    // Implicit QL on the tridiagonal (d, e); rotations are applied to the rows of u, which end as eigenvectors.
    private static void DiagonalizeTridiagonal(double[] u, double[] d, double[] e, int n)
    {
        for (int i = 1; i < n; i++) e[i - 1] = e[i];
        e[n - 1] = 0;
        double f = 0, tst1 = 0;
        double eps = Math.Pow(2, -52);
        var cosines = new double[n];
        var sines = new double[n];
        for (int l = 0; l < n; l++)
        {
            // Find a small sub-diagonal element: the matrix splits there.
            tst1 = Math.Max(tst1, Math.Abs(d[l]) + Math.Abs(e[l]));
            int m = l;
            while (m < n - 1 && Math.Abs(e[m]) > eps * tst1) m++;

            // If m == l, d[l] is already an eigenvalue; otherwise iterate until e[l] vanishes.
            if (m > l)
            {
                int iterations = 0;
                do
                {
                    if (++iterations > 60 * n)
                        throw new InvalidOperationException("SymmetricEigen: QL iteration did not converge.");

                    // Compute the implicit shift from the leading 2×2 block.
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2 * e[l]);
                    double r = Hypot(p, 1);
                    if (p < 0) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) d[i] -= h;
                    f += h;

                    // Chase the bulge with Givens rotations from m - 1 down to l.
                    p = d[m];
                    double c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
                    double el1 = e[l + 1];
                    for (int i = m - 1; i >= l; i--)
                    {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        cosines[i] = c;
                        sines[i] = s;
                    }
                    ApplyRotations(u, n, l, m, cosines, sines);
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                }
                while (Math.Abs(e[l]) > eps * tst1);
            }
            d[l] += f;
            e[l] = 0;
        }
    }

    // Applies the sweep's rotations, i = m − 1 down to l, to rows (i, i + 1) of u. Rotations act on each column
    // independently, so the columns are cut into blocks that each take the whole sweep while their rows stay in
    // cache, and blocks run in parallel. Every element sees the same rotations in the same order for any split,
    // so the result does not depend on the thread count.
    private static void ApplyRotations(double[] u, int n, int l, int m, double[] cosines, double[] sines)
    {
        const int blockColumns = 64;
        int blocks = (n + blockColumns - 1) / blockColumns;
        void Block(int b)
        {
            int k0 = b * blockColumns, width = Math.Min(blockColumns, n - k0);
            for (int i = m - 1; i >= l; i--)
                DoubleSpans.Rotate(u.AsSpan(i * n + k0, width), u.AsSpan((i + 1) * n + k0, width), cosines[i], sines[i]);
        }
        if ((long)(m - l) * n < 32768 || Parallelism.MaxThreads == 1 || blocks == 1)
        {
            for (int b = 0; b < blocks; b++) Block(b);
            return;
        }
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Parallelism.MaxThreads }, Block);
    }

    private static double Hypot(double a, double b)
    {
        a = Math.Abs(a);
        b = Math.Abs(b);
        if (a < b) (a, b) = (b, a);
        if (a == 0) return 0;
        double t = b / a;
        return a * Math.Sqrt(1 + t * t);
    }

    private static SymmetricEigen SortAndNormalize(double[] u, double[] d, int n)
    {
        // Stable order: by value descending, then by original position, so equal eigenvalues keep a fixed order.
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(order, (a, b) => d[a] != d[b] ? d[b].CompareTo(d[a]) : a.CompareTo(b));

        var values = new double[n];
        var vectors = new double[n * n];
        for (int r = 0; r < n; r++)
        {
            values[r] = d[order[r]];
            var source = u.AsSpan(order[r] * n, n);
            var target = vectors.AsSpan(r * n, n);

            // Renormalise (QL keeps rows orthonormal to rounding) and fix the sign.
            // The sign follows the first component within a relative 1e-9 of the largest magnitude, so that
            // components equal in exact arithmetic (e.g. ±0.5 everywhere) do not pick a side by rounding.
            double norm = 0, largest = 0;
            for (int k = 0; k < n; k++)
            {
                norm += source[k] * source[k];
                largest = Math.Max(largest, Math.Abs(source[k]));
            }
            int largestAt = 0;
            while (Math.Abs(source[largestAt]) < largest * (1 - 1e-9)) largestAt++;
            double scale = (source[largestAt] < 0 ? -1 : 1) / Math.Sqrt(norm);
            for (int k = 0; k < n; k++) target[k] = source[k] * scale;
        }
        return new SymmetricEigen(n, values, vectors);
    }
}
