using Engine.Data;

namespace Engine.Anomaly;

/// <summary>
/// An unsupervised anomaly detector in the style of PyOD: <see cref="Fit"/> learns what normal data looks like,
/// <see cref="DecisionFunction"/> scores new data (higher = more anomalous) and <see cref="Predict"/> flags the
/// samples whose score is ≥ <see cref="Threshold"/>.
/// </summary>
/// <remarks>
/// The threshold is a plain number separate from the fitted model, so it can be changed at any time (by hand or
/// with a <see cref="ThresholdRule"/>) and <see cref="Predict"/> follows without refitting.
/// </remarks>
public interface IAnomalyDetector
{
    /// <summary>A short name for reports, e.g. "autoencoder" or "pca".</summary>
    string Name { get; }

    /// <summary>Floats per sample the detector was fitted on (0 before fitting).</summary>
    int Features { get; }

    /// <summary>Whether <see cref="Fit"/> has run.</summary>
    bool IsFitted { get; }

    /// <summary>Samples with a score ≥ this are anomalies. Changeable after fitting.</summary>
    float Threshold { get; set; }

    /// <summary>Learns from (mostly) normal data and sets a first threshold from its scores.</summary>
    /// <param name="data">Training samples.</param>
    void Fit(IDataset data);

    /// <summary>One anomaly score per sample of <paramref name="data"/>; higher is more anomalous.</summary>
    /// <param name="data">Samples with <see cref="Features"/> floats each.</param>
    /// <returns>Scores in dataset order.</returns>
    float[] DecisionFunction(IDataset data);

    /// <summary>True for each sample whose score is ≥ <see cref="Threshold"/>.</summary>
    /// <param name="data">Samples with <see cref="Features"/> floats each.</param>
    /// <returns>Flags in dataset order.</returns>
    bool[] Predict(IDataset data);
}
