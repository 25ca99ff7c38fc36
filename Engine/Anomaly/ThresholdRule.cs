using Engine.Analysis;
using Engine.Tensors;

namespace Engine.Anomaly;

/// <summary>How a <see cref="ThresholdRule"/> turns scores into a threshold.</summary>
public enum ThresholdStrategy
{
    /// <summary>Flag the top fraction <c>p</c> of the given scores (PyOD's contamination).</summary>
    Contamination,

    /// <summary>The smallest threshold whose false-positive rate on the given normal scores is ≤ <c>p</c>.</summary>
    TargetFalsePositiveRate,

    /// <summary><c>mean + p·σ</c> of the given scores.</summary>
    MeanPlusKSigma,

    /// <summary><c>median + p·1.4826·MAD</c> of the given scores (robust to outliers among them).</summary>
    MedianPlusKMad,

    /// <summary>The threshold with the best F1 on scores with anomaly labels; <c>p</c> is unused.</summary>
    BestF1,
}

/// <summary>
/// A rule that picks a threshold from a set of scores, delegating to <see cref="AnomalyThresholds"/>.
/// </summary>
/// <param name="Strategy">Which rule.</param>
/// <param name="Parameter">The rule's number: the fraction, the rate or k.</param>
public readonly record struct ThresholdRule(ThresholdStrategy Strategy, double Parameter)
{
    /// <summary>Which rule (a named <see cref="ThresholdStrategy"/>).</summary>
    public ThresholdStrategy Strategy { get; init => field = Require.Defined(value, "ThresholdRule.Strategy"); } =
        Require.Defined(Strategy, "ThresholdRule.Strategy");

    /// <summary>The rule's number (finite; its range, such as a fraction in [0, 1), is checked when the rule is applied).</summary>
    public double Parameter { get; init => field = Require.Finite(value, "ThresholdRule.Parameter"); } =
        Require.Finite(Parameter, "ThresholdRule.Parameter");

    /// <summary>Flags the top <paramref name="fraction"/> of the scores it is applied to.</summary>
    public static ThresholdRule Contamination(double fraction) => new(ThresholdStrategy.Contamination, fraction);

    /// <summary>
    /// False-positive rate ≤ <paramref name="rate"/> on the (normal) scores it is applied to: the
    /// (1 − rate) quantile of validation normals, e.g. 0.01 for "the 99th percentile".
    /// </summary>
    public static ThresholdRule TargetFalsePositiveRate(double rate) =>
        new(ThresholdStrategy.TargetFalsePositiveRate, rate);

    /// <summary><c>mean + k·σ</c>.</summary>
    public static ThresholdRule MeanPlusKSigma(double k = 3) => new(ThresholdStrategy.MeanPlusKSigma, k);

    /// <summary><c>median + k·1.4826·MAD</c>.</summary>
    public static ThresholdRule MedianPlusKMad(double k = 3) => new(ThresholdStrategy.MedianPlusKMad, k);

    /// <summary>The F1-optimal threshold on a labelled validation set.</summary>
    public static ThresholdRule BestF1() => new(ThresholdStrategy.BestF1, 0);

    /// <summary>Whether the rule needs anomaly labels (only <see cref="ThresholdStrategy.BestF1"/>).</summary>
    public bool NeedsLabels => Strategy == ThresholdStrategy.BestF1;

    /// <summary>The threshold this rule picks for <paramref name="scores"/>.</summary>
    /// <param name="scores">Scores, higher = more anomalous.</param>
    /// <param name="isAnomaly">Labels, one per score; required by <see cref="ThresholdStrategy.BestF1"/> only.</param>
    /// <returns>A threshold: samples with score ≥ it are anomalies.</returns>
    /// <exception cref="ArgumentException">No scores, a non-finite score, a bad parameter, or missing labels.</exception>
    public float Choose(ReadOnlySpan<float> scores, ReadOnlySpan<bool> isAnomaly = default)
    {
        if (NeedsLabels && isAnomaly.Length != scores.Length)
            throw new ArgumentException(
                $"ThresholdRule.Choose: {this} needs one anomaly label per score, got {isAnomaly.Length} labels for {scores.Length} scores.",
                nameof(isAnomaly));
        return Strategy switch
        {
            ThresholdStrategy.Contamination => AnomalyThresholds.Contamination(scores, Parameter),
            ThresholdStrategy.TargetFalsePositiveRate => AnomalyThresholds.TargetFalsePositiveRate(scores, Parameter),
            ThresholdStrategy.MeanPlusKSigma => AnomalyThresholds.MeanPlusKSigma(scores, Parameter),
            ThresholdStrategy.MedianPlusKMad => AnomalyThresholds.MedianPlusKMad(scores, Parameter),
            ThresholdStrategy.BestF1 => AnomalyThresholds.BestF1(scores, isAnomaly),
            _ => throw new ArgumentException($"ThresholdRule.Choose: unknown strategy {Strategy}.", nameof(Strategy)),
        };
    }

    /// <summary>The rule in words, e.g. "FPR ≤ 1% on normals (99th percentile)".</summary>
    public override string ToString() => Strategy switch
    {
        ThresholdStrategy.Contamination => $"top {Parameter:P1} of scores",
        ThresholdStrategy.TargetFalsePositiveRate => $"FPR <= {Parameter:P2} on normals ({(1 - Parameter) * 100:G4}th percentile)",
        ThresholdStrategy.MeanPlusKSigma => $"mean + {Parameter:G3} sigma",
        ThresholdStrategy.MedianPlusKMad => $"median + {Parameter:G3} MAD",
        ThresholdStrategy.BestF1 => "best F1 on labelled validation",
        _ => Strategy.ToString(),
    };
}
