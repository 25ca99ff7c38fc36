namespace Engine.Analysis;

/// <summary>
/// Precision–recall curve: (recall, precision) for every distinct threshold, a sample being predicted positive
/// when its score is ≥ the threshold, and the average precision (AUPRC).
/// </summary>
/// <remarks>
/// Points are ordered by decreasing threshold and start at (recall 0, precision 1) with threshold +∞.
/// Average precision is scikit-learn's step definition <c>AP = Σₙ (Rₙ − Rₙ₋₁) · Pₙ</c> over the distinct
/// thresholds: no interpolation, so it is not the trapezoid area (which is optimistic for PR curves).
/// </remarks>
public sealed class PrecisionRecallCurve
{
    private PrecisionRecallCurve(float[] thresholds, double[] precision, double[] recall, double averagePrecision)
    {
        Thresholds = thresholds;
        Precisions = precision;
        Recalls = recall;
        AveragePrecision = averagePrecision;
    }

    /// <summary>Thresholds, decreasing; the first is +∞.</summary>
    public float[] Thresholds { get; }

    /// <summary>TP / (TP + FP) at each threshold (1 at +∞ by convention).</summary>
    public double[] Precisions { get; }

    /// <summary>TP / P at each threshold.</summary>
    public double[] Recalls { get; }

    /// <summary>Σ (Rₙ − Rₙ₋₁) · Pₙ.</summary>
    public double AveragePrecision { get; }

    /// <summary>Builds the PR curve of <paramref name="scores"/> (higher = more positive).</summary>
    /// <exception cref="ArgumentException">Lengths differ, a score is NaN, or there are no positives.</exception>
    public static PrecisionRecallCurve Compute(ReadOnlySpan<float> scores, ReadOnlySpan<bool> isPositive)
    {
        const string op = "PrecisionRecallCurve.Compute";
        var (thresholds, tps, fps) = RankedScores.Cumulate(op, scores, isPositive);
        long positives = tps[^1];
        if (positives == 0)
            throw new ArgumentException($"{op}: recall is undefined without positives.", nameof(isPositive));

        int count = thresholds.Length + 1;
        var t = new float[count];
        var precision = new double[count];
        var recall = new double[count];
        t[0] = float.PositiveInfinity;
        precision[0] = 1;
        double ap = 0;
        for (int i = 1; i < count; i++)
        {
            t[i] = thresholds[i - 1];
            precision[i] = (double)tps[i - 1] / (tps[i - 1] + fps[i - 1]);
            recall[i] = (double)tps[i - 1] / positives;
            ap += (recall[i] - recall[i - 1]) * precision[i];
        }
        return new PrecisionRecallCurve(t, precision, recall, ap);
    }
}
