namespace Engine.Analysis;

/// <summary>
/// The four cells of a binary confusion matrix and the rates derived from them. A rate whose denominator is zero
/// is reported as 0 (scikit-learn's <c>zero_division=0</c>).
/// </summary>
/// <param name="TruePositives">Positives predicted positive.</param>
/// <param name="FalsePositives">Negatives predicted positive.</param>
/// <param name="TrueNegatives">Negatives predicted negative.</param>
/// <param name="FalseNegatives">Positives predicted negative.</param>
public readonly record struct BinaryCounts(long TruePositives, long FalsePositives, long TrueNegatives, long FalseNegatives)
{
    /// <summary>TP / (TP + FP).</summary>
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN), the true-positive rate.</summary>
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>FP / (FP + TN).</summary>
    public double FalsePositiveRate => Ratio(FalsePositives, FalsePositives + TrueNegatives);

    /// <summary>2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall.</summary>
    public double F1 => Ratio(2 * TruePositives, 2 * TruePositives + FalsePositives + FalseNegatives);

    /// <summary>(TP + TN) / total.</summary>
    public double Accuracy =>
        Ratio(TruePositives + TrueNegatives, TruePositives + FalsePositives + TrueNegatives + FalseNegatives);

    /// <summary>
    /// Counts at a threshold: a sample is predicted positive when its score is ≥ <paramref name="threshold"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ or a score is NaN.</exception>
    public static BinaryCounts AtThreshold(ReadOnlySpan<float> scores, ReadOnlySpan<bool> isPositive, float threshold)
    {
        const string op = "BinaryCounts.AtThreshold";
        Checks.SameLength(op, scores.Length, isPositive.Length);
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (float.IsNaN(scores[i])) throw new ArgumentException($"{op}: scores[{i}] is NaN.", nameof(scores));
            bool predicted = scores[i] >= threshold;
            if (predicted && isPositive[i]) tp++;
            else if (predicted) fp++;
            else if (isPositive[i]) fn++;
            else tn++;
        }
        return new BinaryCounts(tp, fp, tn, fn);
    }

    /// <summary>Counts from hard predictions.</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static BinaryCounts FromPredictions(ReadOnlySpan<bool> predicted, ReadOnlySpan<bool> isPositive)
    {
        Checks.SameLength("BinaryCounts.FromPredictions", predicted.Length, isPositive.Length);
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            if (predicted[i] && isPositive[i]) tp++;
            else if (predicted[i]) fp++;
            else if (isPositive[i]) fn++;
            else tn++;
        }
        return new BinaryCounts(tp, fp, tn, fn);
    }

    private static double Ratio(long numerator, long denominator) =>
        denominator == 0 ? 0 : (double)numerator / denominator;
}
