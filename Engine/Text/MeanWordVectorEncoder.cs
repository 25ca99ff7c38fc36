namespace Engine.Text;

/// <summary>
/// A sentence vector as the plain mean of its words' vectors (words missing from the vectors are skipped; a
/// sentence with no known word gets the zero vector). The classic strong baseline for sentence embeddings.
/// </summary>
public sealed class MeanWordVectorEncoder(WordVectors vectors) : ISentenceEncoder
{
    private readonly WordVectors _vectors = vectors ?? throw new ArgumentNullException(nameof(vectors));

    /// <inheritdoc/>
    public int Dimensions => _vectors.Dimensions;

    /// <inheritdoc/>
    public float[] Encode(IReadOnlyList<IReadOnlyList<string>> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        int d = Dimensions;
        var result = new float[(long)sentences.Count * d];
        var all = _vectors.Vectors;
        for (int s = 0; s < sentences.Count; s++)
        {
            var row = result.AsSpan(s * d, d);
            int known = 0;
            foreach (string word in sentences[s])
            {
                int index = _vectors.IndexOf(word);
                if (index < 0) continue;
                System.Numerics.Tensors.TensorPrimitives.Add(row, all.Slice(index * d, d), row);
                known++;
            }
            if (known > 0)
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, 1f / known, row);
        }
        return result;
    }
}
