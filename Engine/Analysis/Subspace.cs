namespace Engine.Analysis;

/// <summary>Geometry of linear subspaces, e.g. to compare a linear autoencoder's decoder with PCA.</summary>
public static class Subspace
{
    /// <summary>
    /// Principal angles between span(basisA) and span(basisB), in radians, ascending, min(ka, kb) of them.
    /// </summary>
    /// <remarks>
    /// Each basis is orthonormalised (modified Gram–Schmidt, applied twice, in double), giving Qa and Qb. The cosines
    /// of the angles are the singular values of <c>M = Qa·Qbᵀ</c>, obtained here as square roots of the eigenvalues
    /// of the small Gram matrix <c>M·Mᵀ</c> (or <c>Mᵀ·M</c>, whichever is smaller). All zeros means the subspaces
    /// coincide; the bases need not be orthonormal, only of full rank.
    /// </remarks>
    /// <param name="basisA">Row-major (ka, dim): each row is one spanning vector.</param>
    /// <param name="rowsA">ka, the number of vectors in A.</param>
    /// <param name="basisB">Row-major (kb, dim).</param>
    /// <param name="rowsB">kb, the number of vectors in B.</param>
    /// <param name="dim">The ambient dimension.</param>
    /// <exception cref="ArgumentException">
    /// Shapes do not match, a basis has more vectors than dim, or is rank-deficient.
    /// </exception>
    public static double[] PrincipalAngles(ReadOnlySpan<float> basisA, int rowsA, ReadOnlySpan<float> basisB, int rowsB,
        int dim)
    {
        const string op = "Subspace.PrincipalAngles";
        Checks.Matrix(op, basisA, rowsA, dim, nameof(basisA));
        Checks.Matrix(op, basisB, rowsB, dim, nameof(basisB));
        Checks.Finite(op, basisA, nameof(basisA));
        Checks.Finite(op, basisB, nameof(basisB));
        var qa = Orthonormalize(op, basisA, rowsA, dim, nameof(basisA));
        var qb = Orthonormalize(op, basisB, rowsB, dim, nameof(basisB));

        // Make A the smaller basis so the Gram matrix M·Mᵀ is (min, min).
        if (rowsA > rowsB)
        {
            (qa, qb) = (qb, qa);
            (rowsA, rowsB) = (rowsB, rowsA);
        }
        var m = new double[rowsA * rowsB];
        for (int i = 0; i < rowsA; i++)
            for (int j = 0; j < rowsB; j++)
                m[i * rowsB + j] = Dot(qa.AsSpan(i * dim, dim), qb.AsSpan(j * dim, dim));
        var gram = new double[rowsA * rowsA];
        for (int i = 0; i < rowsA; i++)
            for (int j = 0; j < rowsA; j++)
                gram[i * rowsA + j] = Dot(m.AsSpan(i * rowsB, rowsB), m.AsSpan(j * rowsB, rowsB));

        // Eigenvalues of M·Mᵀ are σ², descending; σ = cos θ, so the angles come out ascending.
        var eigen = SymmetricEigen.Decompose(gram, rowsA);
        var angles = new double[rowsA];
        for (int i = 0; i < rowsA; i++)
            angles[i] = Math.Acos(Math.Clamp(Math.Sqrt(Math.Max(0, eigen.Values[i])), 0, 1));
        return angles;
    }

    private static double[] Orthonormalize(string op, ReadOnlySpan<float> basis, int rows, int dim, string name)
    {
        if (rows > dim)
            throw new ArgumentException($"{op}: {name} has {rows} vectors in dimension {dim}; they cannot be independent.",
                name);
        var q = new double[rows * dim];
        for (int i = 0; i < q.Length; i++) q[i] = basis[i];
        for (int i = 0; i < rows; i++)
        {
            var row = q.AsSpan(i * dim, dim);
            double original = Math.Sqrt(Dot(row, row));

            // Two passes of Gram–Schmidt ("twice is enough", Kahan/Parlett) keep Q orthonormal to rounding.
            for (int pass = 0; pass < 2; pass++)
            {
                for (int j = 0; j < i; j++)
                {
                    var previous = q.AsSpan(j * dim, dim);
                    double projection = Dot(row, previous);
                    for (int c = 0; c < dim; c++) row[c] -= projection * previous[c];
                }
            }
            double norm = Math.Sqrt(Dot(row, row));
            if (!(norm > 1e-6 * original))
                throw new ArgumentException($"{op}: {name} row {i} is (numerically) a combination of the rows before it.",
                    name);
            for (int c = 0; c < dim; c++) row[c] /= norm;
        }
        return q;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
