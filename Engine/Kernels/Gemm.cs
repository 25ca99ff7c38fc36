namespace Engine.Kernels;

// Legend: m = rows of op(a) and c, k = the shared (inner) dimension, n = columns of op(b) and c.
// op(x) is x or its transpose, chosen by the transpose flags, so the three products training needs
// (A·B forward, Aᵀ·B weight gradient, A·Bᵀ input gradient) never materialise a transpose.

/// <summary>
/// General matrix multiply on row-major float spans: <c>c = op(a) · op(b)</c>, or <c>c += op(a) · op(b)</c>
/// when accumulating.
/// </summary>
public static class Gemm
{
    /// <summary>Computes <c>c (m, n) [+]= op(a) (m, k) · op(b) (k, n)</c>.</summary>
    /// <param name="a">Row-major (m, k), or (k, m) when <paramref name="transposeA"/>.</param>
    /// <param name="b">Row-major (k, n), or (n, k) when <paramref name="transposeB"/>.</param>
    /// <param name="m">Rows of the result.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="n">Columns of the result.</param>
    /// <param name="c">Row-major (m, n) result.</param>
    /// <param name="transposeA">Read <paramref name="a"/> as its transpose.</param>
    /// <param name="transposeB">Read <paramref name="b"/> as its transpose.</param>
    /// <param name="accumulate">Add into <paramref name="c"/> instead of overwriting it.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape requires.</exception>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int m, int k, int n, Span<float> c,
        bool transposeA = false, bool transposeB = false, bool accumulate = false)
    {
        Validate(a, b, m, k, n, c);
        MultiplyReference(a, b, m, k, n, c, transposeA, transposeB, accumulate);
    }

    /// <summary>
    /// The scalar reference: three plain loops, summing over k in increasing order in double precision.
    /// It is the documentation of what <see cref="Multiply"/> computes and the oracle of its tests.
    /// </summary>
    public static void MultiplyReference(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int m, int k, int n,
        Span<float> c, bool transposeA = false, bool transposeB = false, bool accumulate = false)
    {
        Validate(a, b, m, k, n, c);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * m + i] : a[i * k + p];
                    float bv = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += (double)av * bv;
                }
                c[i * n + j] = accumulate ? c[i * n + j] + (float)sum : (float)sum;
            }
        }
    }

    private static void Validate(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int m, int k, int n, Span<float> c)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (a.Length < (long)m * k)
            throw new ArgumentException($"Gemm: a has {a.Length} elements, (m={m}, k={k}) needs {(long)m * k}.", nameof(a));
        if (b.Length < (long)k * n)
            throw new ArgumentException($"Gemm: b has {b.Length} elements, (k={k}, n={n}) needs {(long)k * n}.", nameof(b));
        if (c.Length < (long)m * n)
            throw new ArgumentException($"Gemm: c has {c.Length} elements, (m={m}, n={n}) needs {(long)m * n}.", nameof(c));
    }
}
