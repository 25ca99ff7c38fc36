using System.Numerics.Tensors;
using Engine.Kernels;
using Engine.Tensors;

namespace Engine.Analysis;

/// <summary>Loss of <see cref="LinearSvm"/>.</summary>
public enum SvmLoss
{
    /// <summary>max(0, 1 − y·f(x)), the classic SVM (liblinear's L1-loss).</summary>
    Hinge,

    /// <summary>max(0, 1 − y·f(x))², liblinear's L2-loss and scikit-learn LinearSVC's default.</summary>
    SquaredHinge,
}

/// <summary>
/// Linear support vector machine, one-vs-rest, trained by dual coordinate descent with shrinking
/// (Hsieh et al., ICML 2008; the algorithm of liblinear and scikit-learn's LinearSVC).
/// </summary>
/// <remarks>
/// For each class c the binary problem (y = +1 for class c, −1 otherwise) minimises
/// <c>½‖w‖² + C·Σᵢ loss(yᵢ·(w·xᵢ + b))</c>. As in liblinear, the bias is learnt as the weight of a constant
/// feature 1 and is therefore regularised too. The classes are solved in parallel; each has its own random
/// coordinate order seeded from <see cref="Seed"/> and the class index, so results do not depend on threads.
/// </remarks>
public sealed class LinearSvm : IClassifier
{
    private float[]? _weights;
    private float[]? _bias;
    private int _cols;
    private int _classes;

    /// <summary>Penalty on margin violations. Default 1.</summary>
    public double C { get; init => field = Require.FinitePositive(value, "LinearSvm.C"); } = 1;

    /// <summary>Which loss to use. Default <see cref="SvmLoss.Hinge"/>.</summary>
    public SvmLoss Loss { get; init => field = Require.Defined(value, "LinearSvm.Loss"); } = SvmLoss.Hinge;

    /// <summary>Epoch cap per class. Default 1000, as scikit-learn.</summary>
    public int MaxIterations { get; init => field = Require.AtLeast(value, 1, "LinearSvm.MaxIterations"); } = 1000;

    /// <summary>Stop when the projected-gradient spread is below this. Default 1e-4, as scikit-learn.</summary>
    public double Tolerance { get; init => field = Require.FiniteAtLeast(value, 0.0, "LinearSvm.Tolerance"); } = 1e-4;

    /// <summary>Seed of the coordinate order.</summary>
    public int Seed { get; init; }

    /// <summary>Row-major (classes, cols) weights after fitting.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>Per-class bias after fitting.</summary>
    public ReadOnlySpan<float> Bias => _bias;

    /// <inheritdoc/>
    public unsafe void Fit(ReadOnlySpan<float> features, int rows, int cols, ReadOnlySpan<int> labels, int classes)
    {
        const string op = "LinearSvm.Fit";
        Checks.Matrix(op, features, rows, cols);
        Checks.Labels(op, labels, rows, classes);
        if (!(C > 0)) throw new ArgumentException($"{op}: C must be positive, got {C}.", nameof(C));
        var y = labels.ToArray();
        var weights = new float[classes * cols];
        var bias = new float[classes];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Parallelism.MaxThreads };
        // The solvers read the caller's features in place (pinned) rather than a copy of them.
        fixed (float* pinned = features)
        {
            var x = new PinnedFloats(pinned, features.Length);
            Parallel.For(0, classes, options, c =>
            {
                var w = weights.AsSpan(c * cols, cols);
                bias[c] = SolveBinary(x.Span, rows, cols, y, c, w, new Random(SeedMix.Derive(Seed, c)));
            });
        }
        _weights = weights;
        _bias = bias;
        _cols = cols;
        _classes = classes;
    }

    // Dual coordinate descent for one class against the rest; writes w and returns the bias weight.
    private float SolveBinary(ReadOnlySpan<float> x, int n, int d, int[] labels, int positive, Span<float> w, Random random)
    {
        // L1-loss: 0 ≤ αᵢ ≤ C, Qᵢᵢ = xᵢ·xᵢ. L2-loss: 0 ≤ αᵢ, Qᵢᵢ = xᵢ·xᵢ + 1/(2C).
        // Both add 1 to Qᵢᵢ for the constant bias feature.
        double upper = Loss == SvmLoss.Hinge ? C : double.PositiveInfinity;
        double diagonal = Loss == SvmLoss.Hinge ? 0 : 0.5 / C;
        var alpha = new double[n];
        var qd = new double[n];
        var sign = new sbyte[n];
        var index = new int[n];
        for (int i = 0; i < n; i++)
        {
            var xi = x.Slice(i * d, d);
            qd[i] = diagonal + TensorPrimitives.Dot(xi, xi) + 1;
            sign[i] = (sbyte)(labels[i] == positive ? 1 : -1);
            index[i] = i;
        }
        double b = 0;
        int active = n;
        double maxOld = double.PositiveInfinity, minOld = double.NegativeInfinity;
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            double maxNew = double.NegativeInfinity, minNew = double.PositiveInfinity;
            for (int i = 0; i < active; i++)
            {
                int j = i + random.Next(active - i);
                (index[i], index[j]) = (index[j], index[i]);
            }
            for (int s = 0; s < active; s++)
            {
                int i = index[s];
                var xi = x.Slice(i * d, d);
                double gradient = sign[i] * (TensorPrimitives.Dot(xi, w) + b) - 1 + alpha[i] * diagonal;

                // Projected gradient; shrink coordinates stuck at a bound whose gradient points outward.
                double projected = 0;
                if (alpha[i] == 0)
                {
                    if (gradient > maxOld)
                    {
                        active--;
                        (index[s], index[active]) = (index[active], index[s]);
                        s--;
                        continue;
                    }
                    if (gradient < 0) projected = gradient;
                }
                else if (alpha[i] == upper)
                {
                    if (gradient < minOld)
                    {
                        active--;
                        (index[s], index[active]) = (index[active], index[s]);
                        s--;
                        continue;
                    }
                    if (gradient > 0) projected = gradient;
                }
                else
                {
                    projected = gradient;
                }
                maxNew = Math.Max(maxNew, projected);
                minNew = Math.Min(minNew, projected);

                if (Math.Abs(projected) > 1e-12)
                {
                    // Exact minimisation along coordinate i, clipped to the box; w = Σ αᵢ yᵢ xᵢ follows.
                    double old = alpha[i];
                    alpha[i] = Math.Min(Math.Max(old - gradient / qd[i], 0), upper);
                    double delta = (alpha[i] - old) * sign[i];
                    TensorPrimitives.MultiplyAdd(xi, (float)delta, w, w);
                    b += delta;
                }
            }

            if (maxNew - minNew <= Tolerance)
            {
                // Converged on the active set: verify once on all coordinates before stopping.
                if (active == n) break;
                active = n;
                maxOld = double.PositiveInfinity;
                minOld = double.NegativeInfinity;
                continue;
            }
            maxOld = maxNew <= 0 ? double.PositiveInfinity : maxNew;
            minOld = minNew >= 0 ? double.NegativeInfinity : minNew;
        }
        return (float)b;
    }

    /// <summary>Row-major (rows, classes) margins <c>X·Wᵀ + b</c>.</summary>
    /// <exception cref="InvalidOperationException">The model was not fitted.</exception>
    /// <exception cref="ArgumentException">The shape does not match.</exception>
    public float[] DecisionFunction(ReadOnlySpan<float> features, int rows)
    {
        const string op = "LinearSvm.DecisionFunction";
        if (_weights is null || _bias is null) throw new InvalidOperationException($"{op}: call Fit first.");
        Checks.Matrix(op, features, rows, _cols);
        var margins = new float[rows * _classes];
        Gemm.Multiply(features, _weights, rows, _cols, _classes, margins, transposeB: true);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < _classes; c++) margins[r * _classes + c] += _bias[c];
        return margins;
    }

    /// <inheritdoc/>
    public int[] Predict(ReadOnlySpan<float> features, int rows) =>
        ArgMax.Rows<float>(DecisionFunction(features, rows), rows, _classes);

    /// <inheritdoc/>
    public double Score(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels) =>
        Metrics.Accuracy(labels, Predict(features, rows));
}
