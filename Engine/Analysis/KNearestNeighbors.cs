using Engine.Kernels;
using Engine.Tensors;

namespace Engine.Analysis;

// Legend: n = training rows, d = features, q = query rows in one block, k = neighbours.

/// <summary>
/// k-nearest-neighbour classifier with Euclidean distance and a uniform majority vote.
/// </summary>
/// <remarks>
/// Squared distances come in blocks from one <see cref="Gemm.Multiply"/> per block of queries:
/// <c>‖q − x‖² = ‖q‖² + ‖x‖² − 2·q·x</c>. Ties are broken deterministically: among equally distant
/// training rows the lower row index is nearer, and among classes with equal votes the lowest class index
/// wins (as scikit-learn's mode-based vote does).
/// </remarks>
public sealed class KNearestNeighbors : IProbabilisticClassifier
{
    private const int BlockRows = 256;
    private float[]? _train;
    private float[]? _trainNorms;
    private int[]? _labels;
    private int _rows;
    private int _cols;
    private int _classes;

    /// <summary>Number of neighbours that vote. Default 5, as scikit-learn.</summary>
    public int K { get; init => field = Require.AtLeast(value, 1, "KNearestNeighbors.K"); } = 5;

    /// <inheritdoc/>
    public void Fit(ReadOnlySpan<float> features, int rows, int cols, ReadOnlySpan<int> labels, int classes)
    {
        const string op = "KNearestNeighbors.Fit";
        Checks.Matrix(op, features, rows, cols);
        Checks.Labels(op, labels, rows, classes);
        Checks.Finite(op, features, nameof(features));
        if (K < 1 || K > rows)
            throw new ArgumentException($"{op}: K must be in [1, rows = {rows}], got {K}.", nameof(K));
        _train = features.ToArray();
        _trainNorms = SquaredNorms(_train, rows, cols);
        _labels = labels.ToArray();
        _rows = rows;
        _cols = cols;
        _classes = classes;
    }

    /// <summary>
    /// Indices (rows, K) of the K nearest training rows of each query, nearest first.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model was not fitted.</exception>
    /// <exception cref="ArgumentException">The shape does not match.</exception>
    public int[] Neighbors(ReadOnlySpan<float> features, int rows)
    {
        const string op = "KNearestNeighbors.Neighbors";
        if (_train is null || _trainNorms is null) throw new InvalidOperationException($"{op}: call Fit first.");
        Checks.Matrix(op, features, rows, _cols);
        var train = _train;
        var trainNorms = _trainNorms;
        int n = _rows, d = _cols, k = K;
        var result = new int[rows * k];
        var dots = new float[BlockRows * n];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Parallelism.MaxThreads };
        for (int start = 0; start < rows; start += BlockRows)
        {
            int q = Math.Min(BlockRows, rows - start);

            // dots (q, n) = Q (q, d) · Xᵀ (d, n)
            var block = features.Slice(start * d, q * d);
            Gemm.Multiply(block, train, q, d, n, dots, transposeB: true);
            Parallel.For(0, q, options, () => (new float[k], new int[k]), (i, _, best) =>
            {
                // ‖q‖² is the same for every candidate of this query, so ranking needs only ‖x‖² − 2·q·x.
                var (bestDistance, bestIndex) = best;
                var distances = dots.AsSpan(i * n, n);
                int found = 0;
                for (int j = 0; j < n; j++)
                {
                    float distance = trainNorms[j] - 2 * distances[j];
                    if (found == k && !(distance < bestDistance[k - 1])) continue;

                    // Insertion into the sorted top-k; strict < keeps the earlier row ahead on equal distances.
                    int at = found < k ? found++ : k - 1;
                    while (at > 0 && distance < bestDistance[at - 1])
                    {
                        bestDistance[at] = bestDistance[at - 1];
                        bestIndex[at] = bestIndex[at - 1];
                        at--;
                    }
                    bestDistance[at] = distance;
                    bestIndex[at] = j;
                }
                bestIndex.CopyTo(result, (start + i) * k);
                return best;
            }, _ => { });
        }
        return result;
    }

    /// <inheritdoc/>
    public float[] PredictProba(ReadOnlySpan<float> features, int rows)
    {
        var votes = Votes(features, rows);
        var result = new float[votes.Length];
        for (int i = 0; i < votes.Length; i++) result[i] = (float)votes[i] / K;
        return result;
    }

    /// <inheritdoc/>
    public int[] Predict(ReadOnlySpan<float> features, int rows)
    {
        return ArgMax.Rows<int>(Votes(features, rows), rows, _classes);
    }

    /// <inheritdoc/>
    public double Score(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels) =>
        Metrics.Accuracy(labels, Predict(features, rows));

    private int[] Votes(ReadOnlySpan<float> features, int rows)
    {
        var neighbors = Neighbors(features, rows);
        var labels = _labels ?? throw new InvalidOperationException("KNearestNeighbors: call Fit first.");
        var votes = new int[rows * _classes];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < K; j++) votes[r * _classes + labels[neighbors[r * K + j]]]++;
        return votes;
    }

    private static float[] SquaredNorms(float[] data, int rows, int cols)
    {
        var norms = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < cols; c++) sum += (double)data[r * cols + c] * data[r * cols + c];
            norms[r] = (float)sum;
        }
        return norms;
    }
}
