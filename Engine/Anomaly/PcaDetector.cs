using Engine.Analysis;
using Engine.Data;

namespace Engine.Anomaly;

/// <summary>
/// The linear baseline: fit PCA on normal data and score a sample by its mean squared reconstruction error from
/// the first k principal components, ‖x − x̂‖² / d with x̂ = mean + (x − mean)·VₖᵀVₖ. A linear autoencoder with
/// k hidden units trained to convergence learns the same subspace, so this is what the non-linear models must beat.
/// </summary>
public sealed class PcaDetector : AnomalyDetector
{
    // Rows scored per block, so scoring 400k rows never holds more than a few copies of one block.
    private const int BlockRows = 8192;
    private readonly int _components;
    private readonly double _varianceFraction;

    /// <summary>Keeps <paramref name="components"/> principal axes.</summary>
    /// <param name="components">k ≥ 1 (at most the number of features, checked at fit).</param>
    /// <param name="fitThreshold">Rule applied to the training scores after fitting; null for the top 10%.</param>
    public PcaDetector(int components, ThresholdRule? fitThreshold = null) : base(fitThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(components, 1);
        _components = components;
    }

    private PcaDetector(double varianceFraction, ThresholdRule? fitThreshold) : base(fitThreshold)
    {
        if (!(varianceFraction > 0 && varianceFraction <= 1))
            throw new ArgumentException(
                $"PcaDetector.ExplainingVariance: the fraction must be in (0, 1], got {varianceFraction}.", nameof(varianceFraction));
        _varianceFraction = varianceFraction;
    }

    /// <summary>Keeps the fewest axes that explain at least <paramref name="fraction"/> of the training variance.</summary>
    /// <param name="fraction">In (0, 1], e.g. 0.9.</param>
    /// <param name="fitThreshold">Rule applied to the training scores after fitting; null for the top 10%.</param>
    /// <returns>An unfitted detector.</returns>
    public static PcaDetector ExplainingVariance(double fraction, ThresholdRule? fitThreshold = null) =>
        new(fraction, fitThreshold);

    /// <summary>The fitted PCA (null before fitting).</summary>
    public Pca? Pca { get; private set; }

    /// <inheritdoc/>
    public override string Name => Pca is null ? "PCA" : $"PCA (k={Pca.ComponentCount})";

    /// <inheritdoc/>
    protected override void FitCore(IDataset data, IDataset? validation)
    {
        var rows = Materialize(data, 0, data.Count);
        int d = data.Features;
        if (_components > d)
            throw new ArgumentException($"PcaDetector.Fit: {_components} components asked of {d}-feature data.", nameof(data));
        int k = _components;
        if (k == 0)
        {
            // by variance: one full fit to see the spectrum, then keep the smallest k that reaches the fraction
            var full = Pca.Fit(rows, data.Count, d, d);
            double explained = 0;
            k = d;
            for (int i = 0; i < d; i++)
            {
                explained += full.ExplainedVarianceRatio[i];
                if (explained >= _varianceFraction - 1e-12)
                {
                    k = i + 1;
                    break;
                }
            }
        }
        Pca = Pca.Fit(rows, data.Count, d, k);
    }

    /// <inheritdoc/>
    protected override float[] Score(IDataset data)
    {
        var pca = Pca ?? throw new InvalidOperationException("PcaDetector: not fitted.");
        var scores = new float[data.Count];
        for (int start = 0; start < data.Count; start += BlockRows)
        {
            int count = Math.Min(BlockRows, data.Count - start);
            var block = Materialize(data, start, count);
            var reconstruction = pca.InverseTransform(pca.Transform(block, count), count);
            AutoencoderDetector.RowMse(reconstruction, block, data.Features, scores.AsSpan(start, count));
        }
        return scores;
    }

    private static float[] Materialize(IDataset data, int start, int count)
    {
        int d = data.Features;
        var rows = new float[(long)count * d];
        for (int i = 0; i < count; i++) data.CopyRow(start + i, rows.AsSpan(i * d, d));
        return rows;
    }
}
