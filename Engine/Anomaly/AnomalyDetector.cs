using Engine.Data;

namespace Engine.Anomaly;

/// <summary>
/// The shared half of every detector: fitting bookkeeping, the changeable <see cref="Threshold"/>, and
/// <see cref="Predict(IDataset)"/>. A subclass supplies only <see cref="FitCore"/> and <see cref="Score"/>.
/// </summary>
public abstract class AnomalyDetector : IAnomalyDetector
{
    /// <summary>Creates an unfitted detector.</summary>
    /// <param name="fitThreshold">
    /// The rule applied to the training scores at the end of <see cref="Fit(IDataset)"/> (PyOD's default: top 10%).
    /// It may not need labels.
    /// </param>
    /// <exception cref="ArgumentException">The rule needs labels.</exception>
    protected AnomalyDetector(ThresholdRule? fitThreshold)
    {
        FitThreshold = fitThreshold ?? ThresholdRule.Contamination(0.1);
        if (FitThreshold.NeedsLabels)
            throw new ArgumentException(
                $"{GetType().Name}: the fit threshold rule '{FitThreshold}' needs labels; training data has none.",
                nameof(fitThreshold));
    }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public int Features { get; private set; }

    /// <inheritdoc/>
    public bool IsFitted { get; private set; }

    /// <inheritdoc/>
    public float Threshold { get; set; } = float.PositiveInfinity;

    /// <summary>The rule that set the threshold at fit time.</summary>
    public ThresholdRule FitThreshold { get; }

    /// <summary>Scores of the training data after fitting (PyOD's <c>decision_scores_</c>).</summary>
    public float[] TrainingScores { get; private set; } = [];

    /// <inheritdoc/>
    public void Fit(IDataset data) => Fit(data, null);

    /// <summary>
    /// Fits on <paramref name="data"/>; <paramref name="validation"/> (normal samples too) may be used for early
    /// stopping by detectors that train iteratively. Then scores the training data and sets
    /// <see cref="Threshold"/> with <see cref="FitThreshold"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The data is empty or the two sets have different widths.</exception>
    public void Fit(IDataset data, IDataset? validation)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException($"{GetType().Name}.Fit: the training set is empty.", nameof(data));
        if (validation is not null && validation.Features != data.Features)
            throw new ArgumentException($"{GetType().Name}.Fit: validation has {validation.Features} features, "
                + $"training has {data.Features}.", nameof(validation));
        Features = data.Features;
        FitCore(data, validation);
        IsFitted = true;
        TrainingScores = Score(data);
        Threshold = FitThreshold.Choose(TrainingScores);
    }

    /// <inheritdoc/>
    public float[] DecisionFunction(IDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!IsFitted)
            throw new InvalidOperationException($"{GetType().Name}.DecisionFunction: call Fit first.");
        if (data.Features != Features)
            throw new ArgumentException($"{GetType().Name}.DecisionFunction: the data has {data.Features} features; "
                + $"the detector was fitted on {Features}.", nameof(data));
        return Score(data);
    }

    /// <inheritdoc/>
    public bool[] Predict(IDataset data) => Predict(DecisionFunction(data));

    /// <summary>Flags scores ≥ <see cref="Threshold"/>: for scores already computed, e.g. while trying thresholds.</summary>
    /// <param name="scores">Scores from <see cref="DecisionFunction"/>.</param>
    /// <returns>One flag per score.</returns>
    public bool[] Predict(ReadOnlySpan<float> scores)
    {
        var flags = new bool[scores.Length];
        for (int i = 0; i < scores.Length; i++) flags[i] = scores[i] >= Threshold;
        return flags;
    }

    /// <summary>
    /// Sets <see cref="Threshold"/> by applying <paramref name="rule"/> to <paramref name="scores"/> (e.g. the
    /// scores of validation normals); the fitted model is untouched.
    /// </summary>
    /// <param name="rule">The rule.</param>
    /// <param name="scores">Scores to calibrate on.</param>
    /// <param name="isAnomaly">Labels, for <see cref="ThresholdStrategy.BestF1"/>.</param>
    /// <returns>The new threshold.</returns>
    public float Calibrate(ThresholdRule rule, ReadOnlySpan<float> scores, ReadOnlySpan<bool> isAnomaly = default)
    {
        Threshold = rule.Choose(scores, isAnomaly);
        return Threshold;
    }

    /// <summary>Scores <paramref name="data"/> and calibrates on those scores; see <see cref="Calibrate(ThresholdRule, ReadOnlySpan{float}, ReadOnlySpan{bool})"/>.</summary>
    /// <returns>The new threshold.</returns>
    public float Calibrate(ThresholdRule rule, IDataset data, ReadOnlySpan<bool> isAnomaly = default) =>
        Calibrate(rule, DecisionFunction(data), isAnomaly);

    /// <summary>Learns the model; <see cref="Features"/> is already set.</summary>
    protected abstract void FitCore(IDataset data, IDataset? validation);

    /// <summary>Scores data whose width has been checked.</summary>
    protected abstract float[] Score(IDataset data);
}
