using System.Numerics.Tensors;

namespace Engine.Text;

/// <summary>
/// One training thread of <see cref="Word2VecTrainer"/>: skip-gram with negative sampling over its own slice of
/// the corpus, line for line as in word2vec.c's TrainModelThread (cbow = 0, hs = 0), on its own random stream.
/// With one thread it updates the shared model in place; with several it updates a private replica and records
/// which rows it touched, so the trainer can merge the replicas in a fixed order.
/// </summary>
/// <remarks>Legend: D = dimensions, syn0 = word (input) vectors, syn1 = context (output) vectors, both (V, D).</remarks>
internal sealed class Word2VecWorker
{
    // word2vec.c's sigmoid table: 1000 entries over [-6, 6], plus one for f == 6 exactly.
    private const int ExpTableSize = 1000;
    private const float MaxExp = 6f;
    private static readonly float[] ExpTable = BuildExpTable();

    private readonly Word2VecCorpus _corpus;
    private readonly Word2VecOptions _options;
    private readonly UnigramTable _table;
    private readonly float[] _neu1e;
    private readonly int[] _sentence;
    private ulong _random;

    internal Word2VecWorker(Word2VecCorpus corpus, Word2VecOptions options, UnigramTable table, ulong seed,
        float[] syn0, float[] syn1, bool trackRows, int firstSentence, int endSentence)
    {
        _corpus = corpus;
        _options = options;
        _table = table;
        _random = seed;
        Syn0 = syn0;
        Syn1 = syn1;
        FirstSentence = firstSentence;
        EndSentence = endSentence;
        SliceWords = corpus.WordsIn(firstSentence, endSentence);
        _neu1e = new float[options.Dimensions];
        _sentence = new int[options.MaxSentenceLength];
        if (trackRows)
        {
            Touched0 = new RowSet(corpus.VocabularySize);
            Touched1 = new RowSet(corpus.VocabularySize);
        }
    }

    /// <summary>The word vectors this worker reads and writes (the shared ones, or its replica).</summary>
    internal float[] Syn0 { get; }

    /// <summary>The context vectors this worker reads and writes.</summary>
    internal float[] Syn1 { get; }

    /// <summary>Rows of <see cref="Syn0"/> changed since the last merge (null with one thread).</summary>
    internal RowSet? Touched0 { get; }

    /// <summary>Rows of <see cref="Syn1"/> changed since the last merge (null with one thread).</summary>
    internal RowSet? Touched1 { get; }

    /// <summary>First sentence of the slice this worker owns.</summary>
    internal int FirstSentence { get; }

    /// <summary>End (exclusive) of the slice this worker owns.</summary>
    internal int EndSentence { get; }

    /// <summary>Words in the slice (before subsampling).</summary>
    internal long SliceWords { get; }

    /// <summary>Trains on sentences [first, end) of epoch <paramref name="epoch"/>; <paramref name="done"/> counts
    /// slice words already seen this epoch and is advanced.</summary>
    internal void TrainSentences(int first, int end, int epoch, ref long done)
    {
        double total = (double)_options.Epochs * SliceWords + 1;
        for (int s = first; s < end; s++)
        {
            // Linear decay on this slice's progress (word2vec.c uses the racy global count; this stays exact).
            double progress = (double)epoch * SliceWords + done;
            float alpha = _options.Alpha * (float)Math.Max(_options.MinAlphaFraction, 1 - progress / total);
            var words = _corpus.Sentence(s);
            done += words.Length;
            int length = Subsample(words);
            TrainSentence(_sentence.AsSpan(0, length), alpha);
        }
    }

    // Copies the sentence into _sentence, dropping frequent words at random (word2vec.c's "sample"), returns the length.
    private int Subsample(ReadOnlySpan<int> words)
    {
        int length = 0;
        foreach (int word in words)
        {
            if (_corpus.KeepProbability is { } keep)
            {
                _random = Next(_random);
                if (keep[word] < (_random & 0xFFFF) / 65536f)
                    continue;
            }
            _sentence[length++] = word;
        }
        return length;
    }

    private void TrainSentence(ReadOnlySpan<int> sentence, float alpha)
    {
        int d = _options.Dimensions;
        int window = _options.Window;
        var syn0 = Syn0.AsSpan();
        var syn1 = Syn1.AsSpan();
        var neu1e = _neu1e.AsSpan();
        for (int position = 0; position < sentence.Length; position++)
        {
            int word = sentence[position];
            // Shrink the window at random: b in [0, window), effective window = window - b.
            _random = Next(_random);
            int b = (int)(_random % (ulong)window);
            for (int a = b; a < window * 2 + 1 - b; a++)
            {
                int c = position - window + a;
                if (a == window || c < 0 || c >= sentence.Length)
                    continue;
                // As in word2vec.c, the context word's input vector predicts the centre word.
                int lastWord = sentence[c];
                var input = syn0.Slice(lastWord * d, d);
                neu1e.Clear();
                for (int k = 0; k <= _options.Negative; k++)
                {
                    int target;
                    float label;
                    if (k == 0)
                    {
                        target = word;
                        label = 1;
                    }
                    else
                    {
                        _random = Next(_random);
                        target = _table.Sample(_random);
                        if (target == word)
                            continue;
                        label = 0;
                    }
                    var output = syn1.Slice(target * d, d);
                    float f = Word2VecKernels.Dot(input, output);
                    // g = (label - sigmoid(f)) * alpha, with word2vec.c's clipping outside [-6, 6].
                    float g;
                    if (f > MaxExp)
                        g = (label - 1) * alpha;
                    else if (f < -MaxExp)
                        g = label * alpha;
                    else
                        g = (label - ExpTable[(int)((f + MaxExp) * (ExpTableSize / MaxExp / 2))]) * alpha;
                    // neu1e += g * syn1[target]; syn1[target] += g * syn0[context]
                    Word2VecKernels.UpdatePair(input, g, output, neu1e);
                    Touched1?.Add(target);
                }
                TensorPrimitives.Add(input, neu1e, input);
                Touched0?.Add(lastWord);
            }
        }
    }

    /// <summary>word2vec.c's linear congruential generator: next = state · 25214903917 + 11 (mod 2^64).</summary>
    internal static ulong Next(ulong state) => state * 25214903917UL + 11;

    private static float[] BuildExpTable()
    {
        var table = new float[ExpTableSize + 1];
        for (int i = 0; i <= ExpTableSize; i++)
        {
            // exp((i / size * 2 - 1) * MaxExp) mapped to e / (e + 1) = sigmoid.
            double e = Math.Exp((i / (double)ExpTableSize * 2 - 1) * MaxExp);
            table[i] = (float)(e / (e + 1));
        }
        return table;
    }
}
