namespace Engine.Data;

/// <summary>How <see cref="KddPreprocessor"/> scales each numeric feature after the optional log1p.</summary>
public enum KddScaling
{
    /// <summary>(x − min) / (max − min) with min and max of the normal training records: normals land in [0, 1].</summary>
    MinMax,

    /// <summary>(x − mean) / std with the mean and population standard deviation of the normal training records.</summary>
    Standard,
}
