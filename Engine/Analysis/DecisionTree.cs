namespace Engine.Analysis;

// Legend: n = training rows, d = features, k = classes, m = samples in the current node.
// A CART classification tree grown to purity with the Gini criterion, the building block of RandomForest.
// Training data arrives column-major (d, n) so that gathering one feature over a node's samples reads one
// contiguous column instead of striding across rows.
internal sealed class DecisionTree
{
    private readonly List<int> _feature = [];      // split feature, or −1 for a leaf
    private readonly List<float> _threshold = [];  // go left when x[feature] ≤ threshold
    private readonly List<int> _left = [];
    private readonly List<int> _right = [];
    private readonly List<int> _leafOffset = [];   // start of the leaf's k class probabilities in _leafValues
    private readonly List<float> _leafValues = [];
    private readonly int _classes;

    private DecisionTree(int classes) => _classes = classes;

    public int NodeCount => _feature.Count;

    // samples: indices of the training rows (with repeats for a bootstrap); the array is reordered in place.
    public static DecisionTree Grow(float[] columns, int n, int d, int[] labels, int classes, int[] samples,
        int maxFeatures, int maxDepth, Random random)
    {
        var tree = new DecisionTree(classes);
        var keys = new ulong[samples.Length];
        var counts = new int[classes];
        var leftCounts = new int[classes];
        var featureOrder = new int[d];
        for (int f = 0; f < d; f++) featureOrder[f] = f;

        // Depth-first with an explicit stack: unbounded trees on 60k rows can be deep.
        var stack = new Stack<(int Node, int Start, int End, int Depth)>();
        stack.Push((tree.AddNode(), 0, samples.Length, 0));
        while (stack.Count > 0)
        {
            var (node, start, end, depth) = stack.Pop();
            int m = end - start;
            Array.Clear(counts);
            for (int s = start; s < end; s++) counts[labels[samples[s]]]++;
            bool pure = Array.IndexOf(counts, m) >= 0;

            int bestFeature = -1;
            float bestThreshold = 0;
            double bestScore = double.NegativeInfinity;
            if (!pure && m >= 2 && depth < maxDepth)
            {
                // Sample features without replacement until maxFeatures non-constant ones have been tried
                // (scikit-learn also keeps drawing past constant features).
                int tried = 0;
                for (int i = 0; i < d && tried < maxFeatures; i++)
                {
                    int j = i + random.Next(d - i);
                    (featureOrder[i], featureOrder[j]) = (featureOrder[j], featureOrder[i]);
                    int f = featureOrder[i];
                    int column = f * n;
                    for (int s = 0; s < m; s++)
                        keys[s] = Pack(columns[column + samples[start + s]], labels[samples[start + s]]);
                    Array.Sort(keys, 0, m);
                    if (keys[0] >> 32 == keys[m - 1] >> 32) continue;
                    tried++;
                    var (score, threshold) = BestSplit(keys, m, counts, leftCounts);
                    if (score > bestScore)
                    {
                        bestScore = score;
                        bestFeature = f;
                        bestThreshold = threshold;
                    }
                }
            }

            if (bestFeature < 0)
            {
                tree.MakeLeaf(node, counts, m);
                continue;
            }

            // Partition samples[start, end) into ≤ threshold | > threshold.
            int mid = start, column2 = bestFeature * n;
            for (int s = start; s < end; s++)
            {
                if (columns[column2 + samples[s]] <= bestThreshold)
                {
                    (samples[s], samples[mid]) = (samples[mid], samples[s]);
                    mid++;
                }
            }
            if (mid == start || mid == end)
            {
                // Cannot happen with finite keys (the threshold lies between two distinct values); guard anyway
                // so that a rounding surprise ends in a leaf rather than an endless split of the same node.
                tree.MakeLeaf(node, counts, m);
                continue;
            }
            int left = tree.AddNode(), right = tree.AddNode();
            tree._feature[node] = bestFeature;
            tree._threshold[node] = bestThreshold;
            tree._left[node] = left;
            tree._right[node] = right;
            stack.Push((right, mid, end, depth + 1));
            stack.Push((left, start, mid, depth + 1));
        }
        return tree;
    }

    // Scans the sorted values once. Minimising the weighted Gini impurity mL·(1 − Σ pL²) + mR·(1 − Σ pR²) is the
    // same as maximising ΣcL²/mL + ΣcR²/mR, whose sums of squares update in O(1) as one sample moves left.
    private static (double Score, float Threshold) BestSplit(ulong[] keys, int m, int[] counts, int[] leftCounts)
    {
        Array.Clear(leftCounts);
        double squaresLeft = 0, squaresRight = 0;
        foreach (int c in counts) squaresRight += (double)c * c;
        double best = double.NegativeInfinity;
        int bestAt = -1;
        for (int t = 0; t < m - 1; t++)
        {
            int c = (int)(uint)keys[t];
            int rightCount = counts[c] - leftCounts[c];
            squaresLeft += 2.0 * leftCounts[c] + 1;
            squaresRight -= 2.0 * rightCount - 1;
            leftCounts[c]++;
            if (keys[t] >> 32 == keys[t + 1] >> 32) continue;
            double score = squaresLeft / (t + 1) + squaresRight / (m - t - 1);
            if (score > best)
            {
                best = score;
                bestAt = t;
            }
        }

        // Midpoint between neighbours; if rounding lands on the upper value, use the lower one so that
        // "≤ threshold" still separates them.
        float lo = Unpack(keys[bestAt]), hi = Unpack(keys[bestAt + 1]);
        float threshold = lo + (hi - lo) * 0.5f;
        if (!(threshold < hi) || !float.IsFinite(threshold)) threshold = lo;
        return (best, threshold);
    }

    // One sortable 64-bit key per sample: the float's bits mapped to an order-preserving unsigned integer in the
    // high half, the label in the low half. Sorting one primitive array is much faster than sorting keys with a
    // parallel items array, and equal values stay grouped. −0 is folded into +0 so that values equal under ≤
    // are also equal as keys.
    private static ulong Pack(float value, int label)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value == 0 ? 0f : value);
        uint ordered = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        return (ulong)ordered << 32 | (uint)label;
    }

    private static float Unpack(ulong key)
    {
        uint ordered = (uint)(key >> 32);
        uint bits = (ordered & 0x8000_0000u) != 0 ? ordered & 0x7FFF_FFFFu : ~ordered;
        return BitConverter.UInt32BitsToSingle(bits);
    }

    private int AddNode()
    {
        _feature.Add(-1);
        _threshold.Add(0);
        _left.Add(-1);
        _right.Add(-1);
        _leafOffset.Add(-1);
        return _feature.Count - 1;
    }

    private void MakeLeaf(int node, int[] counts, int m)
    {
        _leafOffset[node] = _leafValues.Count;
        foreach (int c in counts) _leafValues.Add((float)c / m);
    }

    // Adds the class distribution of the leaf that row falls into to target (k).
    public void AccumulateProbabilities(ReadOnlySpan<float> row, Span<double> target)
    {
        int node = 0;
        while (_feature[node] >= 0)
            node = row[_feature[node]] <= _threshold[node] ? _left[node] : _right[node];
        int offset = _leafOffset[node];
        for (int c = 0; c < _classes; c++) target[c] += _leafValues[offset + c];
    }
}
