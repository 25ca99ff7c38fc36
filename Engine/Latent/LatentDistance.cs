namespace Engine.Latent;

/// <summary>How <see cref="LatentSpace.NearestNeighbors"/> measures closeness of two codes.</summary>
public enum LatentDistance
{
    /// <summary>Euclidean distance ‖a − b‖.</summary>
    Euclidean,

    /// <summary>Cosine distance 1 − a·b / (‖a‖·‖b‖); a zero code is at distance 1 from everything.</summary>
    Cosine,
}
