namespace Engine.Text;

/// <summary>
/// Bag of words over a <see cref="Vocabulary"/>: one feature per non-special word, tf-idf weighted and each row
/// scaled to unit L2 norm (scikit-learn's <c>TfidfVectorizer</c> defaults: raw counts,
/// idf = ln((1 + n) / (1 + df)) + 1 with df from <see cref="Fit"/>'s sentences). Out-of-vocabulary words are dropped.
/// </summary>
public sealed class BagOfWordsEncoder : ISentenceEncoder
{
    private readonly Vocabulary _vocabulary;
    private readonly float[] _idf;

    private BagOfWordsEncoder(Vocabulary vocabulary, float[] idf)
    {
        _vocabulary = vocabulary;
        _idf = idf;
    }

    /// <inheritdoc/>
    public int Dimensions => _idf.Length;

    /// <summary>Document frequencies from <paramref name="sentences"/> (the training text only).</summary>
    public static BagOfWordsEncoder Fit(Vocabulary vocabulary, IReadOnlyList<IReadOnlyList<string>> sentences)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(sentences);
        int words = vocabulary.Count - Vocabulary.SpecialCount;
        if (words < 1)
            throw new ArgumentException("BagOfWordsEncoder.Fit: the vocabulary has no words.", nameof(vocabulary));
        var documentFrequency = new int[words];
        var seen = new HashSet<int>();
        foreach (var sentence in sentences)
        {
            seen.Clear();
            foreach (string token in sentence)
                if (vocabulary.TryGetId(token, out int id) && id >= Vocabulary.SpecialCount && seen.Add(id))
                    documentFrequency[id - Vocabulary.SpecialCount]++;
        }
        var idf = new float[words];
        for (int i = 0; i < words; i++)
            idf[i] = (float)(Math.Log((1.0 + sentences.Count) / (1.0 + documentFrequency[i])) + 1);
        return new BagOfWordsEncoder(vocabulary, idf);
    }

    /// <inheritdoc/>
    public float[] Encode(IReadOnlyList<IReadOnlyList<string>> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        int d = Dimensions;
        var result = new float[(long)sentences.Count * d];
        for (int s = 0; s < sentences.Count; s++)
        {
            var row = result.AsSpan(s * d, d);
            foreach (string token in sentences[s])
                if (_vocabulary.TryGetId(token, out int id) && id >= Vocabulary.SpecialCount)
                    row[id - Vocabulary.SpecialCount] += _idf[id - Vocabulary.SpecialCount];
            float norm = System.Numerics.Tensors.TensorPrimitives.Norm(row);
            if (norm > 0)
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, 1f / norm, row);
        }
        return result;
    }
}
