namespace Engine.Text;

/// <summary>
/// Several sentence encoders side by side: each sentence's vector is the concatenation of the parts' vectors, in
/// order. Hill, Cho and Korhonen (2016) found a sequence autoencoder's code plus the mean of its own word embeddings
/// ("SAE+embs") a better sentence vector than either part alone.
/// </summary>
public sealed class ConcatenatedEncoder : ISentenceEncoder
{
    private readonly ISentenceEncoder[] _parts;

    /// <summary>Concatenates <paramref name="parts"/> (at least one).</summary>
    /// <exception cref="ArgumentException">No part, or a null one.</exception>
    public ConcatenatedEncoder(params ISentenceEncoder[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0 || parts.Any(p => p is null))
            throw new ArgumentException("ConcatenatedEncoder: give at least one encoder, none of them null.", nameof(parts));
        _parts = parts;
        Dimensions = parts.Sum(p => p.Dimensions);
    }

    /// <inheritdoc/>
    public int Dimensions { get; }

    /// <inheritdoc/>
    public float[] Encode(IReadOnlyList<IReadOnlyList<string>> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var result = new float[(long)sentences.Count * Dimensions];
        int offset = 0;
        foreach (var part in _parts)
        {
            var vectors = part.Encode(sentences);
            int d = part.Dimensions;
            for (int s = 0; s < sentences.Count; s++)
                vectors.AsSpan(s * d, d).CopyTo(result.AsSpan(s * Dimensions + offset, d));
            offset += d;
        }
        return result;
    }
}
