namespace Engine.Analysis;

// Shared first step of the ROC and PR curves: sort scores descending and accumulate, at every distinct score,
// how many positives (tp) and negatives (fp) score at or above it. Tied scores form one step, which is what makes
// the curves (and their areas) independent of how ties happen to be ordered, as in scikit-learn's
// _binary_clf_curve.
internal static class RankedScores
{
    public static (float[] Thresholds, long[] TruePositives, long[] FalsePositives) Cumulate(string op,
        ReadOnlySpan<float> scores, ReadOnlySpan<bool> isPositive)
    {
        Checks.SameLength(op, scores.Length, isPositive.Length);
        if (scores.Length == 0) throw new ArgumentException($"{op}: no scores given.", nameof(scores));
        for (int i = 0; i < scores.Length; i++)
        {
            if (float.IsNaN(scores[i])) throw new ArgumentException($"{op}: scores[{i}] is NaN.", nameof(scores));
        }

        var order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var keys = scores.ToArray();
        for (int i = 0; i < keys.Length; i++) keys[i] = -keys[i];
        Array.Sort(keys, order);

        var thresholds = new List<float>();
        var tps = new List<long>();
        var fps = new List<long>();
        long tp = 0, fp = 0;
        for (int s = 0; s < order.Length; s++)
        {
            if (isPositive[order[s]]) tp++;
            else fp++;

            // Close a step only after the last sample sharing this score.
            if (s == order.Length - 1 || keys[s + 1] != keys[s])
            {
                thresholds.Add(-keys[s]);
                tps.Add(tp);
                fps.Add(fp);
            }
        }
        return (thresholds.ToArray(), tps.ToArray(), fps.ToArray());
    }
}
