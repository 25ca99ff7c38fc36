using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Engine.Text;

/// <summary>A word and its cosine similarity to a query.</summary>
/// <param name="Word">The word.</param>
/// <param name="Cosine">Cosine similarity in [-1, 1].</param>
public readonly record struct WordSimilarity(string Word, float Cosine);

/// <summary>
/// Word vectors (one row of <see cref="Dimensions"/> floats per word) with cosine nearest-neighbour and analogy
/// queries, and readers/writers for word2vec.c's text and binary formats (see <c>WordVectors.Formats.cs</c>).
/// </summary>
public sealed partial class WordVectors
{
    private readonly string[] _words;
    private readonly float[] _vectors;
    private readonly Dictionary<string, int> _index;
    private float[]? _unit;

    /// <summary>Wraps <paramref name="vectors"/> (count, dimensions) row-major; the array is not copied.</summary>
    /// <exception cref="ArgumentException">Sizes disagree, a word is empty, has white space or repeats.</exception>
    public WordVectors(IReadOnlyList<string> words, float[] vectors, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        if ((long)words.Count * dimensions != vectors.Length)
            throw new ArgumentException($"WordVectors: {words.Count} words x {dimensions} dimensions need " +
                $"{(long)words.Count * dimensions} floats, got {vectors.Length}.", nameof(vectors));
        _words = [.. words];
        _vectors = vectors;
        Dimensions = dimensions;
        _index = new Dictionary<string, int>(_words.Length, StringComparer.Ordinal);
        foreach (string word in _words)
        {
            Vocabulary.ValidateToken(word, nameof(words));
            if (!_index.TryAdd(word, _index.Count))
                throw new ArgumentException($"WordVectors: the word '{word}' appears twice.", nameof(words));
        }
    }

    /// <summary>Number of words.</summary>
    public int Count => _words.Length;

    /// <summary>Length of each vector.</summary>
    public int Dimensions { get; }

    /// <summary>The words, by row.</summary>
    public IReadOnlyList<string> Words => _words;

    /// <summary>All vectors, (Count, Dimensions) row-major.</summary>
    public ReadOnlySpan<float> Vectors => _vectors;

    /// <summary>True if <paramref name="word"/> has a vector.</summary>
    public bool Contains(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return _index.ContainsKey(word);
    }

    /// <summary>Row of <paramref name="word"/>, or -1.</summary>
    public int IndexOf(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return _index.TryGetValue(word, out int i) ? i : -1;
    }

    /// <summary>The vector of <paramref name="word"/>.</summary>
    /// <exception cref="ArgumentException">The word has no vector.</exception>
    public ReadOnlySpan<float> GetVector(string word) => _vectors.AsSpan(Row(word) * Dimensions, Dimensions);

    /// <summary>Cosine similarity of two words' vectors (0 if either vector is zero).</summary>
    /// <exception cref="ArgumentException">A word has no vector.</exception>
    public float Similarity(string a, string b)
    {
        int rowA = Row(a), rowB = Row(b);
        var unit = UnitVectors();
        return TensorPrimitives.Dot(unit.AsSpan(rowA * Dimensions, Dimensions), unit.AsSpan(rowB * Dimensions, Dimensions));
    }

    /// <summary>The <paramref name="count"/> words closest to <paramref name="word"/> by cosine (itself excluded).</summary>
    public List<WordSimilarity> MostSimilar(string word, int count = 10) => MostSimilar([word], [], count);

    /// <summary>
    /// Analogy query as in gensim's most_similar: the words whose unit vectors have the largest dot product with
    /// unit(Σ unit(positive) − Σ unit(negative)), query words excluded. "king" − "man" + "woman" is
    /// <c>MostSimilar(["king", "woman"], ["man"])</c>. Ties go to the more frequent (lower-row) word.
    /// </summary>
    /// <exception cref="ArgumentException">No query words, a word without a vector, or count &lt; 1.</exception>
    public List<WordSimilarity> MostSimilar(IEnumerable<string> positive, IEnumerable<string> negative, int count = 10)
    {
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(negative);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var unit = UnitVectors();
        var query = new float[Dimensions];
        var exclude = new HashSet<int>();
        foreach (var (words, sign) in new[] { (positive, 1f), (negative, -1f) })
        {
            foreach (string word in words)
            {
                int row = Row(word);
                exclude.Add(row);
                TensorPrimitives.MultiplyAdd(unit.AsSpan(row * Dimensions, Dimensions), sign, query, query);
            }
        }
        if (exclude.Count == 0)
            throw new ArgumentException("WordVectors.MostSimilar: give at least one word.", nameof(positive));
        Normalize(query);

        // Keep the best `count` in a min-heap keyed by (cosine, -row) so ties prefer lower rows.
        var heap = new PriorityQueue<int, (float Cosine, int NegRow)>();
        for (int row = 0; row < _words.Length; row++)
        {
            if (exclude.Contains(row))
                continue;
            float cosine = TensorPrimitives.Dot(unit.AsSpan(row * Dimensions, Dimensions), query);
            heap.Enqueue(row, (cosine, -row));
            if (heap.Count > count)
                heap.Dequeue();
        }
        var result = new List<WordSimilarity>(heap.Count);
        while (heap.TryDequeue(out int row, out var key))
            result.Add(new WordSimilarity(_words[row], key.Cosine));
        result.Reverse();
        return result;
    }

    private int Row(string word, [CallerArgumentExpression(nameof(word))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(word, name);
        return _index.TryGetValue(word, out int row)
            ? row
            : throw new ArgumentException($"WordVectors: no vector for the word '{word}'.", name);
    }

    // Rows scaled to unit length, computed once (vectors are not expected to change after training).
    private float[] UnitVectors()
    {
        if (_unit is null)
        {
            var unit = (float[])_vectors.Clone();
            for (int row = 0; row < _words.Length; row++)
                Normalize(unit.AsSpan(row * Dimensions, Dimensions));
            _unit = unit;
        }
        return _unit;
    }

    private static void Normalize(Span<float> vector)
    {
        float norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
            TensorPrimitives.Divide(vector, norm, vector);
    }
}
