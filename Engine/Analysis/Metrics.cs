namespace Engine.Analysis;

/// <summary>One-call shortcuts for the common scalar metrics.</summary>
public static class Metrics
{
    /// <summary>Fraction of positions where <paramref name="predicted"/> equals <paramref name="actual"/>.</summary>
    /// <exception cref="ArgumentException">Lengths differ or are zero.</exception>
    public static double Accuracy(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        Checks.SameLength("Metrics.Accuracy", predicted.Length, actual.Length);
        if (actual.Length == 0) throw new ArgumentException("Metrics.Accuracy: no labels given.", nameof(actual));
        int correct = 0;
        for (int i = 0; i < actual.Length; i++)
            if (actual[i] == predicted[i]) correct++;
        return (double)correct / actual.Length;
    }

    /// <summary>Area under the ROC curve; see <see cref="RocCurve"/>.</summary>
    public static double Auroc(ReadOnlySpan<float> scores, ReadOnlySpan<bool> isPositive) =>
        RocCurve.Compute(scores, isPositive).Area;

    /// <summary>Average precision (AUPRC); see <see cref="PrecisionRecallCurve"/>.</summary>
    public static double AveragePrecision(ReadOnlySpan<float> scores, ReadOnlySpan<bool> isPositive) =>
        PrecisionRecallCurve.Compute(scores, isPositive).AveragePrecision;
}
