namespace Engine.Analysis;

/// <summary>
/// Ways to turn anomaly scores (higher = more anomalous) into a decision threshold. Every strategy is a pure
/// function; the detector then flags a sample as anomalous when its score is ≥ the returned threshold
/// (the same rule as <see cref="BinaryCounts.AtThreshold"/>).
/// </summary>
public static class AnomalyThresholds
{
    /// <summary>
    /// Flags the top <c>⌊contamination · n⌋</c> scores: the smallest threshold that flags at most that many.
    /// </summary>
    /// <remarks>
    /// Equivalent to PyOD's <c>percentile(scores, 100·(1 − contamination))</c> rule when scores are distinct.
    /// When scores tie at the cut, all tied samples stay unflagged, so the flagged fraction never exceeds
    /// <paramref name="contamination"/>.
    /// </remarks>
    /// <param name="scores">Scores of the data to be labelled (usually the training set).</param>
    /// <param name="contamination">Expected fraction of anomalies, in [0, 1).</param>
    /// <exception cref="ArgumentException">No scores, a non-finite score, or contamination outside [0, 1).</exception>
    public static float Contamination(ReadOnlySpan<float> scores, double contamination)
    {
        const string op = "AnomalyThresholds.Contamination";
        if (!(contamination >= 0 && contamination < 1))
            throw new ArgumentException($"{op}: contamination must be in [0, 1), got {contamination}.",
                nameof(contamination));
        return FlagAtMost(op, scores, (int)Math.Floor(contamination * scores.Length + 1e-9));
    }

    /// <summary>
    /// The smallest threshold whose false-positive rate on held-out normal samples is ≤ <paramref name="rate"/>.
    /// </summary>
    /// <param name="normalScores">Scores of validation samples known to be normal.</param>
    /// <param name="rate">Target false-positive rate in [0, 1).</param>
    /// <exception cref="ArgumentException">No scores, a non-finite score, or rate outside [0, 1).</exception>
    public static float TargetFalsePositiveRate(ReadOnlySpan<float> normalScores, double rate)
    {
        const string op = "AnomalyThresholds.TargetFalsePositiveRate";
        if (!(rate >= 0 && rate < 1))
            throw new ArgumentException($"{op}: rate must be in [0, 1), got {rate}.", nameof(rate));
        return FlagAtMost(op, normalScores, (int)Math.Floor(rate * normalScores.Length + 1e-9));
    }

    /// <summary><c>mean + k · σ</c> with the population standard deviation (divide by n).</summary>
    /// <exception cref="ArgumentException">No scores or a non-finite score.</exception>
    public static float MeanPlusKSigma(ReadOnlySpan<float> scores, double k = 3)
    {
        Validate("AnomalyThresholds.MeanPlusKSigma", scores);
        double mean = 0;
        foreach (float s in scores) mean += s;
        mean /= scores.Length;
        double variance = 0;
        foreach (float s in scores) variance += (s - mean) * (s - mean);
        return (float)(mean + k * Math.Sqrt(variance / scores.Length));
    }

    /// <summary>
    /// Robust rule <c>median + k · 1.4826 · MAD</c>, MAD = median |s − median|. The factor 1.4826 makes the MAD
    /// estimate σ for Gaussian scores, so k = 3 means "three robust sigmas" and the rule needs no labels.
    /// </summary>
    /// <exception cref="ArgumentException">No scores or a non-finite score.</exception>
    public static float MedianPlusKMad(ReadOnlySpan<float> scores, double k = 3)
    {
        Validate("AnomalyThresholds.MedianPlusKMad", scores);
        var sorted = scores.ToArray();
        Array.Sort(sorted);
        double median = Median(sorted);
        var deviations = new float[sorted.Length];
        for (int i = 0; i < sorted.Length; i++) deviations[i] = (float)Math.Abs(sorted[i] - median);
        Array.Sort(deviations);
        return (float)(median + k * 1.4826 * Median(deviations));
    }

    /// <summary>
    /// The threshold (one of the scores) that maximises F1 on a labelled validation set; among equal F1 the highest
    /// threshold wins, i.e. the one that flags the fewest samples.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a score is not finite, or there are no positives.</exception>
    public static float BestF1(ReadOnlySpan<float> scores, ReadOnlySpan<bool> isAnomaly)
    {
        const string op = "AnomalyThresholds.BestF1";
        Validate(op, scores);
        var (thresholds, tps, fps) = RankedScores.Cumulate(op, scores, isAnomaly);
        long positives = tps[^1];
        if (positives == 0) throw new ArgumentException($"{op}: F1 needs at least one anomaly.", nameof(isAnomaly));

        // F1 = 2TP / (2TP + FP + FN) with FN = P − TP; thresholds run from high to low.
        double best = -1;
        float bestThreshold = thresholds[0];
        for (int i = 0; i < thresholds.Length; i++)
        {
            double f1 = 2.0 * tps[i] / (tps[i] + fps[i] + positives);
            if (f1 > best)
            {
                best = f1;
                bestThreshold = thresholds[i];
            }
        }
        return bestThreshold;
    }

    // The smallest t with #{s ≥ t} ≤ allowed: one float above the score ranked (allowed + 1)-th from the top.
    private static float FlagAtMost(string op, ReadOnlySpan<float> scores, int allowed)
    {
        Validate(op, scores);
        var sorted = scores.ToArray();
        Array.Sort(sorted);
        allowed = Math.Min(allowed, sorted.Length - 1);
        return MathF.BitIncrement(sorted[sorted.Length - 1 - allowed]);
    }

    private static double Median(float[] sorted)
    {
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * ((double)sorted[n / 2 - 1] + sorted[n / 2]);
    }

    private static void Validate(string op, ReadOnlySpan<float> scores)
    {
        if (scores.Length == 0) throw new ArgumentException($"{op}: no scores given.", nameof(scores));
        Checks.Finite(op, scores, nameof(scores));
    }
}
