using Engine.Analysis;

namespace Engine.Anomaly;

/// <summary>How many samples of one group (e.g. one attack category) were flagged.</summary>
/// <param name="Group">The group's name.</param>
/// <param name="Count">Samples in the group.</param>
/// <param name="Flagged">Of those, how many scored ≥ the threshold.</param>
public sealed record GroupDetection(string Group, long Count, long Flagged)
{
    /// <summary>Flagged / Count (the detection rate, or the false-positive rate for a normal group); 0 if empty.</summary>
    public double Rate => Count == 0 ? 0 : (double)Flagged / Count;
}

/// <summary>
/// Everything one evaluation of an anomaly detector yields: the threshold-free AUROC and average precision, the
/// 2×2 confusion matrix at the chosen threshold and the rates derived from it, and the flagged fraction per group.
/// Anomalies are the positive class.
/// </summary>
/// <param name="Auroc">Area under the ROC curve.</param>
/// <param name="AveragePrecision">Area under the precision–recall curve (average precision).</param>
/// <param name="Threshold">The threshold the counts were taken at (score ≥ threshold = anomaly).</param>
/// <param name="Counts">TP, FP, TN, FN at the threshold.</param>
/// <param name="Groups">Per-group flagged fractions, in group-code order (empty when no groups were given).</param>
public sealed record DetectionReport(
    double Auroc, double AveragePrecision, float Threshold, BinaryCounts Counts, IReadOnlyList<GroupDetection> Groups)
{
    /// <summary>TP / (TP + FP).</summary>
    public double Precision => Counts.Precision;

    /// <summary>TP / (TP + FN): the fraction of anomalies caught.</summary>
    public double Recall => Counts.Recall;

    /// <summary>Harmonic mean of precision and recall.</summary>
    public double F1 => Counts.F1;

    /// <summary>FP / (FP + TN): the fraction of normal samples flagged.</summary>
    public double FalsePositiveRate => Counts.FalsePositiveRate;

    /// <summary>Evaluates scores against labels at <paramref name="threshold"/>.</summary>
    /// <param name="scores">One score per sample, higher = more anomalous.</param>
    /// <param name="isAnomaly">True for anomalies (both classes must occur).</param>
    /// <param name="threshold">Samples with score ≥ threshold count as flagged.</param>
    /// <param name="groups">Optional group code per sample in [0, groupNames.Count), e.g. an attack category.</param>
    /// <param name="groupNames">Names of the group codes; required with <paramref name="groups"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a score is NaN, a class is missing, or a group code is out of range.</exception>
    public static DetectionReport Evaluate(ReadOnlySpan<float> scores, ReadOnlySpan<bool> isAnomaly, float threshold,
        ReadOnlySpan<int> groups = default, IReadOnlyList<string>? groupNames = null)
    {
        const string op = "DetectionReport.Evaluate";
        double auroc = Metrics.Auroc(scores, isAnomaly);
        double ap = Metrics.AveragePrecision(scores, isAnomaly);
        var counts = BinaryCounts.AtThreshold(scores, isAnomaly, threshold);
        var perGroup = new List<GroupDetection>();
        if (!groups.IsEmpty)
        {
            if (groupNames is null)
                throw new ArgumentException($"{op}: group codes were given without their names.", nameof(groupNames));
            if (groups.Length != scores.Length)
                throw new ArgumentException($"{op}: {groups.Length} group codes for {scores.Length} scores.", nameof(groups));
            var total = new long[groupNames.Count];
            var flagged = new long[groupNames.Count];
            for (int i = 0; i < groups.Length; i++)
            {
                if ((uint)groups[i] >= (uint)groupNames.Count)
                    throw new ArgumentException(
                        $"{op}: groups[{i}] = {groups[i]} is outside [0, {groupNames.Count}).", nameof(groups));
                total[groups[i]]++;
                if (scores[i] >= threshold) flagged[groups[i]]++;
            }
            for (int g = 0; g < total.Length; g++) perGroup.Add(new GroupDetection(groupNames[g], total[g], flagged[g]));
        }
        return new DetectionReport(auroc, ap, threshold, counts, perGroup);
    }
}
