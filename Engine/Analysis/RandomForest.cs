using Engine.Kernels;
using Engine.Tensors;

namespace Engine.Analysis;

/// <summary>
/// Random forest of CART trees (Breiman 2001): each tree is grown to purity with the Gini criterion on a
/// bootstrap sample, trying √d random features per split; class probabilities are the average of the trees'
/// leaf distributions (as scikit-learn's RandomForestClassifier).
/// </summary>
/// <remarks>
/// Trees are grown in parallel, each from its own <see cref="Random"/> seeded from (<see cref="Seed"/>, tree index),
/// and their votes are summed in tree order, so the forest is identical for any thread count.
/// </remarks>
public sealed class RandomForest : IProbabilisticClassifier
{
    private DecisionTree[]? _trees;
    private int _cols;
    private int _classes;

    /// <summary>Number of trees. Default 100.</summary>
    public int Trees { get; init => field = Require.AtLeast(value, 1, "RandomForest.Trees"); } = 100;

    /// <summary>Features tried per split; 0 (default) means ⌊√d⌋.</summary>
    public int MaxFeatures { get; init => field = Require.AtLeast(value, 0, "RandomForest.MaxFeatures"); }

    /// <summary>Depth cap; default unlimited.</summary>
    public int MaxDepth { get; init => field = Require.AtLeast(value, 1, "RandomForest.MaxDepth"); } = int.MaxValue;

    /// <summary>Draw a bootstrap sample per tree (default true); otherwise every tree sees all rows.</summary>
    public bool Bootstrap { get; init; } = true;

    /// <summary>Forest seed.</summary>
    public int Seed { get; init; }

    /// <summary>Total nodes over all trees, after fitting.</summary>
    public long NodeCount => _trees?.Sum(t => (long)t.NodeCount) ?? 0;

    /// <inheritdoc/>
    public void Fit(ReadOnlySpan<float> features, int rows, int cols, ReadOnlySpan<int> labels, int classes)
    {
        const string op = "RandomForest.Fit";
        Checks.Matrix(op, features, rows, cols);
        Checks.Labels(op, labels, rows, classes);
        Checks.Finite(op, features, nameof(features));
        if (Trees < 1) throw new ArgumentException($"{op}: Trees must be at least 1, got {Trees}.", nameof(Trees));
        if (MaxFeatures < 0 || MaxFeatures > cols)
            throw new ArgumentException($"{op}: MaxFeatures must be in [0, {cols}], got {MaxFeatures}.",
                nameof(MaxFeatures));
        if (MaxDepth < 1)
            throw new ArgumentException($"{op}: MaxDepth must be at least 1, got {MaxDepth}.", nameof(MaxDepth));

        // Column-major copy: a split scans one feature over many rows.
        var columns = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) columns[c * rows + r] = features[r * cols + c];
        var y = labels.ToArray();
        int maxFeatures = MaxFeatures > 0 ? MaxFeatures : Math.Max(1, (int)Math.Sqrt(cols));

        var trees = new DecisionTree[Trees];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Parallelism.MaxThreads };
        Parallel.For(0, Trees, options, t =>
        {
            var random = new Random(SeedMix.Derive(Seed, t));
            var samples = new int[rows];
            for (int i = 0; i < rows; i++) samples[i] = Bootstrap ? random.Next(rows) : i;
            trees[t] = DecisionTree.Grow(columns, rows, cols, y, classes, samples, maxFeatures, MaxDepth, random);
        });
        _trees = trees;
        _cols = cols;
        _classes = classes;
    }

    /// <inheritdoc/>
    public float[] PredictProba(ReadOnlySpan<float> features, int rows)
    {
        const string op = "RandomForest.PredictProba";
        if (_trees is null) throw new InvalidOperationException($"{op}: call Fit first.");
        Checks.Matrix(op, features, rows, _cols);
        var x = features.ToArray();
        var trees = _trees;
        int k = _classes, d = _cols;
        var result = new float[rows * k];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Parallelism.MaxThreads };
        Parallel.For(0, rows, options, () => new double[k], (r, _, sum) =>
        {
            Array.Clear(sum);
            foreach (var tree in trees) tree.AccumulateProbabilities(x.AsSpan(r * d, d), sum);
            for (int c = 0; c < k; c++) result[r * k + c] = (float)(sum[c] / trees.Length);
            return sum;
        }, _ => { });
        return result;
    }

    /// <inheritdoc/>
    public int[] Predict(ReadOnlySpan<float> features, int rows) =>
        ArgMax.Rows<float>(PredictProba(features, rows), rows, _classes);

    /// <inheritdoc/>
    public double Score(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels) =>
        Metrics.Accuracy(labels, Predict(features, rows));
}
