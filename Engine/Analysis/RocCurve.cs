namespace Engine.Analysis;

/// <summary>
/// Receiver operating characteristic: (false-positive rate, true-positive rate) for every distinct threshold,
/// a sample being predicted positive when its score is ≥ the threshold.
/// </summary>
/// <remarks>
/// Points are ordered by decreasing threshold and start at (0, 0) with threshold +∞. Tied scores form a single
/// point, so the area under the curve (trapezoid rule) counts a tied positive/negative pair as one half, exactly
/// like scikit-learn's <c>roc_curve</c> + <c>auc</c> and the Mann–Whitney U statistic.
/// </remarks>
public sealed class RocCurve
{
    private RocCurve(float[] thresholds, double[] fpr, double[] tpr, double area)
    {
        Thresholds = thresholds;
        FalsePositiveRates = fpr;
        TruePositiveRates = tpr;
        Area = area;
    }

    /// <summary>Thresholds, decreasing; the first is +∞ (nothing predicted positive).</summary>
    public float[] Thresholds { get; }

    /// <summary>FP / N at each threshold.</summary>
    public double[] FalsePositiveRates { get; }

    /// <summary>TP / P at each threshold (the recall).</summary>
    public double[] TruePositiveRates { get; }

    /// <summary>Area under the curve (AUROC) by the trapezoid rule.</summary>
    public double Area { get; }

    /// <summary>Builds the ROC curve of <paramref name="scores"/> (higher = more positive).</summary>
    /// <param name="scores">One score per sample; may not be NaN.</param>
    /// <param name="isPositive">True for samples of the positive class (e.g. anomalies).</param>
    /// <exception cref="ArgumentException">Lengths differ, a score is NaN, or one of the two classes is absent.</exception>
    public static RocCurve Compute(ReadOnlySpan<float> scores, ReadOnlySpan<bool> isPositive)
    {
        const string op = "RocCurve.Compute";
        var (thresholds, tps, fps) = RankedScores.Cumulate(op, scores, isPositive);
        long positives = tps[^1], negatives = fps[^1];
        if (positives == 0 || negatives == 0)
            throw new ArgumentException(
                $"{op}: needs both classes, got {positives} positives and {negatives} negatives.", nameof(isPositive));

        int count = thresholds.Length + 1;
        var t = new float[count];
        var fpr = new double[count];
        var tpr = new double[count];
        t[0] = float.PositiveInfinity;
        double area = 0;
        for (int i = 1; i < count; i++)
        {
            t[i] = thresholds[i - 1];
            fpr[i] = (double)fps[i - 1] / negatives;
            tpr[i] = (double)tps[i - 1] / positives;
            area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
        }
        return new RocCurve(t, fpr, tpr, area);
    }
}
