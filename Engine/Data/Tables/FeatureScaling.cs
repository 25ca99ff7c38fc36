namespace Engine.Data.Tables;

/// <summary>How <see cref="TablePreprocessor"/> scales each numeric feature after the optional log1p.</summary>
public enum FeatureScaling
{
    /// <summary>(x − min) / (max − min) with min and max of the fit rows: they land in [0, 1].</summary>
    MinMax,

    /// <summary>(x − mean) / std with the mean and population standard deviation of the fit rows.</summary>
    Standard,
}
