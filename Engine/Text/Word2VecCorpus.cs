namespace Engine.Text;

/// <summary>
/// The training corpus of <see cref="Word2VecTrainer"/> as word ids: the vocabulary (by descending count), all
/// sentences in one flat array with their start offsets (out-of-vocabulary words removed, long sentences cut),
/// and each word's subsampling keep probability.
/// </summary>
internal sealed class Word2VecCorpus
{
    private readonly int[] _tokens;
    private readonly int[] _starts;

    internal Word2VecCorpus(IReadOnlyList<IReadOnlyList<string>> sentences, Word2VecOptions options)
    {
        var ranked = Vocabulary.CountAndRank(sentences, options.MinCount, options.MaxVocabulary,
            rejectSpecialTokens: false);
        if (ranked.Count == 0)
            throw new ArgumentException(
                $"Word2VecTrainer: no word occurs at least MinCount = {options.MinCount} times.", nameof(sentences));
        Words = ranked.Select(r => r.Token).ToArray();
        Counts = ranked.Select(r => r.Count).ToArray();
        var ids = new Dictionary<string, int>(Words.Length, StringComparer.Ordinal);
        for (int i = 0; i < Words.Length; i++)
            ids.Add(Words[i], i);

        var tokens = new List<int>();
        var starts = new List<int> { 0 };
        foreach (var sentence in sentences)
        {
            int pieceStart = tokens.Count;
            foreach (string word in sentence)
            {
                if (!ids.TryGetValue(word, out int id))
                    continue;
                if (tokens.Count - pieceStart == options.MaxSentenceLength)
                {
                    starts.Add(tokens.Count);
                    pieceStart = tokens.Count;
                }
                tokens.Add(id);
            }
            if (tokens.Count > pieceStart)
                starts.Add(tokens.Count);
        }
        _tokens = [.. tokens];
        _starts = [.. starts];
        TrainWords = _tokens.Length;

        if (options.Sample > 0)
        {
            // word2vec.c: ran = (sqrt(cn / (sample · N)) + 1) · (sample · N) / cn, N = words in vocabulary.
            double threshold = options.Sample * TrainWords;
            KeepProbability = Counts.Select(cn => (float)((Math.Sqrt(cn / threshold) + 1) * threshold / cn))
                .ToArray();
        }
    }

    /// <summary>Vocabulary, by descending count (ties in ordinal order).</summary>
    internal string[] Words { get; }

    /// <summary>Corpus count of each word.</summary>
    internal long[] Counts { get; }

    /// <summary>Number of words in the vocabulary.</summary>
    internal int VocabularySize => Words.Length;

    /// <summary>Number of sentences (pieces of at most MaxSentenceLength words).</summary>
    internal int SentenceCount => _starts.Length - 1;

    /// <summary>Words in all sentences (in-vocabulary tokens, before subsampling).</summary>
    internal long TrainWords { get; }

    /// <summary>Subsampling keep probability per word, or null when subsampling is off.</summary>
    internal float[]? KeepProbability { get; }

    /// <summary>The ids of sentence <paramref name="index"/>.</summary>
    internal ReadOnlySpan<int> Sentence(int index) => _tokens.AsSpan(_starts[index], _starts[index + 1] - _starts[index]);

    /// <summary>Words in sentences [first, end).</summary>
    internal long WordsIn(int first, int end) => _starts[end] - _starts[first];

    /// <summary>
    /// Cuts the sentences into <paramref name="parts"/> contiguous slices with about equal word counts; returns the
    /// parts + 1 boundaries.
    /// </summary>
    internal int[] Slices(int parts)
    {
        var bounds = new int[parts + 1];
        int s = 0;
        for (int p = 1; p < parts; p++)
        {
            long goal = TrainWords * p / parts;
            while (s < SentenceCount && _starts[s] < goal)
                s++;
            bounds[p] = s;
        }
        bounds[parts] = SentenceCount;
        return bounds;
    }
}
