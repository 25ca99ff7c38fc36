namespace Engine.Kernels;

// Legend: m = rows of op(a) and c, k = the shared (inner) dimension, n = columns of op(b) and c.
// op(x) is x or its transpose, chosen by the transpose flags, so the three products training needs
// (A·B forward, Aᵀ·B weight gradient, A·Bᵀ input gradient) never materialise a transpose.
// The fast path is a BLIS-style packed GEMM: see GemmDriver (blocking, threads), GemmPacking (transposes),
// GemmMicroKernel* (register tiles) and GemmEpilogue (bias + activation while the tile is hot).

/// <summary>
/// General matrix multiply on row-major float spans: <c>c = op(a) · op(b)</c>, or <c>c += op(a) · op(b)</c>
/// when accumulating, optionally fused with a per-column bias and an activation.
/// </summary>
/// <remarks>
/// Results are bitwise identical for every value of <see cref="Parallelism.MaxThreads"/>: each output element
/// is computed by one thread, summing k in blocks that depend only on k. They differ from
/// <see cref="MultiplyReference"/> only by float32 rounding (the reference sums in double).
/// </remarks>
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
    /// <exception cref="ArgumentException">A size is negative or a span is shorter than its shape requires.</exception>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int m, int k, int n, Span<float> c,
        bool transposeA = false, bool transposeB = false, bool accumulate = false)
    {
        Validate(a, b, m, k, n, c);
        Run(a, b, default, m, k, n, c, transposeA, transposeB, accumulate, ActivationKind.Identity,
            GemmKernelKind.Best);
    }

    /// <summary>
    /// Computes <c>c (m, n) = act(op(a) (m, k) · op(b) (k, n) + bias)</c>, adding <c>bias[j]</c> to every
    /// element of column j, with the bias and activation applied to each tile right after it is computed.
    /// </summary>
    /// <param name="a">Row-major (m, k), or (k, m) when <paramref name="transposeA"/>.</param>
    /// <param name="b">Row-major (k, n), or (n, k) when <paramref name="transposeB"/>.</param>
    /// <param name="bias">Per-column bias, length n.</param>
    /// <param name="m">Rows of the result.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="n">Columns of the result.</param>
    /// <param name="c">Row-major (m, n) result, overwritten.</param>
    /// <param name="activation">The activation applied after the bias.</param>
    /// <param name="transposeA">Read <paramref name="a"/> as its transpose.</param>
    /// <param name="transposeB">Read <paramref name="b"/> as its transpose.</param>
    /// <exception cref="ArgumentException">
    /// A size is negative, a span is shorter than its shape requires, or the activation is not defined.
    /// </exception>
    public static void MultiplyBiasActivation(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias,
        int m, int k, int n, Span<float> c, ActivationKind activation, bool transposeA = false,
        bool transposeB = false)
    {
        Validate(a, b, m, k, n, c);
        ValidateEpilogue(bias, n, activation);
        Run(a, b, bias, m, k, n, c, transposeA, transposeB, false, activation, GemmKernelKind.Best);
    }

    /// <summary>
    /// The scalar reference: three plain loops, summing over k in increasing order in double precision.
    /// It is the documentation of what <see cref="Multiply"/> computes and the oracle of its tests.
    /// </summary>
    /// <inheritdoc cref="Multiply" path="/param"/>
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

    /// <summary>
    /// The scalar reference of <see cref="MultiplyBiasActivation"/>: the double-precision sum plus bias, with
    /// the activation evaluated in double.
    /// </summary>
    /// <inheritdoc cref="MultiplyBiasActivation" path="/param"/>
    public static void MultiplyBiasActivationReference(ReadOnlySpan<float> a, ReadOnlySpan<float> b,
        ReadOnlySpan<float> bias, int m, int k, int n, Span<float> c, ActivationKind activation,
        bool transposeA = false, bool transposeB = false)
    {
        Validate(a, b, m, k, n, c);
        ValidateEpilogue(bias, n, activation);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = bias[j];
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * m + i] : a[i * k + p];
                    float bv = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += (double)av * bv;
                }
                c[i * n + j] = (float)(activation switch
                {
                    ActivationKind.Relu => Math.Max(sum, 0),
                    ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-sum)),
                    ActivationKind.Tanh => Math.Tanh(sum),
                    _ => sum,
                });
            }
        }
    }

    /// <summary>
    /// Packs a fixed op(b) (k, n) once for <see cref="MultiplyPacked"/>;
    /// dispose it when done. Worth it when the same b multiplies many small a (recurrent weights, once per step).
    /// </summary>
    /// <exception cref="ArgumentException">A size is negative or b is shorter than (k, n) needs.</exception>
    internal static GemmPackedB PackB(ReadOnlySpan<float> b, int k, int n, bool transposeB = false,
        GemmKernelKind kind = GemmKernelKind.Best)
    {
        Validate(default, b, 0, k, n, default);
        return new GemmPackedB(b, k, n, transposeB, kind);
    }

    /// <summary>
    /// <c>c (m, n) [+]= op(a) (m, k) · b</c> with b packed by <see cref="PackB"/>: bitwise identical to
    /// <see cref="Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, Span{float}, bool, bool, bool)"/>
    /// on the unpacked b, without repacking it.
    /// </summary>
    /// <exception cref="ArgumentException">A size is negative or a span is shorter than its shape requires.</exception>
    internal static unsafe void MultiplyPacked(ReadOnlySpan<float> a, GemmPackedB b, int m, Span<float> c,
        bool transposeA = false, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(b);
        int k = b.K, n = b.N;
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        if (a.Length < (long)m * k)
            throw new ArgumentException($"Gemm: a has {a.Length} elements, (m={m}, k={k}) needs {(long)m * k}.", nameof(a));
        if (c.Length < (long)m * n)
            throw new ArgumentException($"Gemm: c has {c.Length} elements, (m={m}, n={n}) needs {(long)m * n}.", nameof(c));
        if (m == 0 || n == 0)
            return;
        if (k == 0)
        {
            if (!accumulate)
                c[..(m * n)].Clear();
            return;
        }
        fixed (float* pa = a, pc = c)
        {
            var problem = new GemmProblem
            {
                A = pa, C = pc, M = m, K = k, N = n, TransposeA = transposeA, Accumulate = accumulate,
                PackedB = b.Data, PackedStride = b.NPadded,
            };
            GemmDriver.Run(problem, b.Kind);
        }
    }

    // The fast path with an explicit micro-kernel, so tests can cover every kernel on one machine.
    internal static unsafe void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias,
        int m, int k, int n, Span<float> c, bool transposeA, bool transposeB, bool accumulate,
        ActivationKind activation, GemmKernelKind kind)
    {
        if (m == 0 || n == 0)
            return;
        fixed (float* pa = a, pb = b, pc = c, pBias = bias)
        {
            var problem = new GemmProblem
            {
                A = pa, B = pb, C = pc, Bias = bias.IsEmpty ? null : pBias, M = m, K = k, N = n,
                TransposeA = transposeA, TransposeB = transposeB, Accumulate = accumulate, Activation = activation,
            };
            if (k == 0)
            {
                // An empty sum: c keeps its value (accumulate) or becomes zero, then the output pass.
                if (!accumulate)
                    c[..(m * n)].Clear();
                if (problem.HasEpilogue)
                    GemmEpilogue.BiasActivation(pc, n, m, n, problem.Bias, activation);
                return;
            }
            GemmDriver.Run(problem, kind);
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

    private static void ValidateEpilogue(ReadOnlySpan<float> bias, int n, ActivationKind activation)
    {
        if (bias.Length != n)
            throw new ArgumentException($"Gemm: bias has {bias.Length} elements, n={n} needs {n}.", nameof(bias));
        if (!Enum.IsDefined(activation))
            throw new ArgumentException($"Gemm: activation {(int)activation} is not a ActivationKind.", nameof(activation));
    }
}
