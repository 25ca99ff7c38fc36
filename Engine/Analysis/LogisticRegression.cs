using Engine.Kernels;
using Engine.Tensors;

namespace Engine.Analysis;

// Legend: n = rows, d = cols (features), k = classes. Parameters are W (k, d) row-major and bias b (k).

/// <summary>
/// Multinomial (softmax) logistic regression with L2 penalty, trained full-batch by L-BFGS.
/// </summary>
/// <remarks>
/// Minimises <c>(1/n) Σᵢ −log softmax(W·xᵢ + b)[yᵢ] + ‖W‖² / (2·C·n)</c>, which has the same minimiser as
/// scikit-learn's <c>LogisticRegression(C)</c> objective <c>C·Σ loss + ½‖W‖²</c> (the bias is not penalised).
/// The start is W = 0, b = 0, so training is deterministic; the data products are <see cref="Gemm.Multiply"/> calls.
/// </remarks>
public sealed class LogisticRegression : IProbabilisticClassifier
{
    private float[]? _weights;
    private float[]? _bias;
    private int _cols;
    private int _classes;

    /// <summary>Inverse regularisation strength C (larger = weaker penalty). Default 1, as scikit-learn.</summary>
    public double C { get; init => field = Require.FinitePositive(value, "LogisticRegression.C"); } = 1;

    /// <summary>L-BFGS iteration cap. Default 100, as scikit-learn.</summary>
    public int MaxIterations { get; init => field = Require.AtLeast(value, 1, "LogisticRegression.MaxIterations"); } = 100;

    /// <summary>Stop when every gradient component of the (mean) objective is below this. Default 1e-6.</summary>
    public double Tolerance { get; init => field = Require.FiniteAtLeast(value, 0.0, "LogisticRegression.Tolerance"); } = 1e-6;

    /// <summary>L-BFGS iterations used by the last <see cref="Fit"/>.</summary>
    public int Iterations { get; private set; }

    /// <summary>Row-major (classes, cols) weights after fitting.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>Per-class bias after fitting.</summary>
    public ReadOnlySpan<float> Bias => _bias;

    /// <inheritdoc/>
    public unsafe void Fit(ReadOnlySpan<float> features, int rows, int cols, ReadOnlySpan<int> labels, int classes)
    {
        const string op = "LogisticRegression.Fit";
        Checks.Matrix(op, features, rows, cols);
        Checks.Labels(op, labels, rows, classes);
        if (!(C > 0)) throw new ArgumentException($"{op}: C must be positive, got {C}.", nameof(C));
        var y = labels.ToArray();
        int k = classes, d = cols, n = rows;
        double lambda = 1 / (C * n);

        // The objective reads the caller's features in place (pinned) rather than a copy of them.
        fixed (float* pinned = features)
            Minimize(new PinnedFloats(pinned, features.Length), y, n, d, k, lambda);
    }

    private void Minimize(PinnedFloats features, int[] y, int n, int d, int k, double lambda)
    {
        var w = new float[k * d];
        var logits = new float[n * k];
        var gradLogits = new float[n * k];
        var gradW = new float[k * d];
        var probabilities = new double[k];

        double Objective(double[] theta, double[] gradient)
        {
            var x = features.Span;
            for (int i = 0; i < k * d; i++) w[i] = (float)theta[i];

            // logits (n, k) = X (n, d) · Wᵀ (d, k) + b
            Gemm.Multiply(x, w, n, d, k, logits, transposeB: true);
            double loss = 0;
            Array.Clear(gradient, k * d, k);
            for (int r = 0; r < n; r++)
            {
                // Softmax with the max subtracted for numerical stability; ∂loss/∂logit = (p − onehot) / n.
                double max = double.NegativeInfinity;
                for (int c = 0; c < k; c++)
                {
                    probabilities[c] = logits[r * k + c] + theta[k * d + c];
                    max = Math.Max(max, probabilities[c]);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) sum += Math.Exp(probabilities[c] - max);
                double logSum = max + Math.Log(sum);
                loss += logSum - probabilities[y[r]];
                for (int c = 0; c < k; c++)
                {
                    double g = (Math.Exp(probabilities[c] - logSum) - (c == y[r] ? 1 : 0)) / n;
                    gradLogits[r * k + c] = (float)g;
                    gradient[k * d + c] += g;
                }
            }
            loss /= n;

            // ∂loss/∂W (k, d) = Gᵀ (k, n) · X (n, d), plus the penalty λ·W.
            Gemm.Multiply(gradLogits, x, k, n, d, gradW, transposeA: true);
            double penalty = 0;
            for (int i = 0; i < k * d; i++)
            {
                penalty += theta[i] * theta[i];
                gradient[i] = gradW[i] + lambda * theta[i];
            }
            return loss + 0.5 * lambda * penalty;
        }

        var theta = new double[k * d + k];
        Iterations = Lbfgs.Minimize(Objective, theta, MaxIterations, Tolerance);
        _weights = new float[k * d];
        _bias = new float[k];
        for (int i = 0; i < k * d; i++) _weights[i] = (float)theta[i];
        for (int c = 0; c < k; c++) _bias[c] = (float)theta[k * d + c];
        _cols = d;
        _classes = k;
    }

    /// <summary>Row-major (rows, classes) logits <c>X·Wᵀ + b</c>.</summary>
    /// <exception cref="InvalidOperationException">The model was not fitted.</exception>
    /// <exception cref="ArgumentException">The shape does not match.</exception>
    public float[] DecisionFunction(ReadOnlySpan<float> features, int rows)
    {
        const string op = "LogisticRegression.DecisionFunction";
        if (_weights is null || _bias is null) throw new InvalidOperationException($"{op}: call Fit first.");
        Checks.Matrix(op, features, rows, _cols);
        var logits = new float[rows * _classes];
        Gemm.Multiply(features, _weights, rows, _cols, _classes, logits, transposeB: true);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < _classes; c++) logits[r * _classes + c] += _bias[c];
        return logits;
    }

    /// <inheritdoc/>
    public float[] PredictProba(ReadOnlySpan<float> features, int rows)
    {
        var p = DecisionFunction(features, rows);
        for (int r = 0; r < rows; r++)
        {
            var row = p.AsSpan(r * _classes, _classes);
            float max = float.NegativeInfinity;
            foreach (float v in row) max = MathF.Max(max, v);
            double sum = 0;
            for (int c = 0; c < row.Length; c++) sum += row[c] = MathF.Exp(row[c] - max);
            for (int c = 0; c < row.Length; c++) row[c] = (float)(row[c] / sum);
        }
        return p;
    }

    /// <inheritdoc/>
    public int[] Predict(ReadOnlySpan<float> features, int rows) =>
        ArgMax.Rows<float>(DecisionFunction(features, rows), rows, _classes);

    /// <inheritdoc/>
    public double Score(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels) =>
        Metrics.Accuracy(labels, Predict(features, rows));
}
