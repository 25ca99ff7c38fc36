using Engine.Tensors;

namespace Engine.Data.Tables;

/// <summary>Settings of <see cref="TablePreprocessor.Fit"/>.</summary>
public sealed record TablePreprocessorOptions
{
    /// <summary>Min-max (the default) or standard scaling.</summary>
    public FeatureScaling Scaling
    {
        get;
        init => field = Require.Defined(value, "TablePreprocessorOptions.Scaling");
    } = FeatureScaling.MinMax;

    /// <summary>
    /// The numeric columns that get sign(x)·log(1 + |x|) before scaling. Null decides per column on the fit rows:
    /// a column is log-scaled when it has no negative value and its skewness exceeds
    /// <see cref="TablePreprocessor.SkewnessThreshold"/> (a heavy right tail: byte counts, durations, event counts).
    /// An empty list log-scales nothing.
    /// </summary>
    public IReadOnlyList<string>? LogColumns
    {
        get;
        init => field = value is null ? null : TableReadOptions.Columns(value, "TablePreprocessorOptions.LogColumns");
    }
}
