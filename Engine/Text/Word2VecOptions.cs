using Engine.Tensors;

namespace Engine.Text;

/// <summary>
/// Settings of <see cref="Word2VecTrainer"/>. Defaults follow word2vec.c's skip-gram with negative sampling
/// (<c>-cbow 0 -size 100 -window 5 -negative 5 -sample 1e-3 -iter 5 -alpha 0.025 -min-count 5</c>).
/// </summary>
public sealed record Word2VecOptions
{
    /// <summary>Vector size.</summary>
    public int Dimensions { get; init => field = Require.AtLeast(value, 1, "Word2VecOptions.Dimensions"); } = 100;

    /// <summary>Maximum distance between centre and context word; each position draws a window in [1, Window].</summary>
    public int Window { get; init => field = Require.AtLeast(value, 1, "Word2VecOptions.Window"); } = 5;

    /// <summary>Negative samples per (centre, context) pair.</summary>
    public int Negative { get; init => field = Require.AtLeast(value, 1, "Word2VecOptions.Negative"); } = 5;

    /// <summary>Words seen fewer times are dropped from the vocabulary (and from the sentences).</summary>
    public int MinCount { get; init => field = Require.AtLeast(value, 1, "Word2VecOptions.MinCount"); } = 5;

    /// <summary>At most this many words are kept (the most frequent).</summary>
    public int MaxVocabulary { get; init => field = Require.AtLeast(value, 1, "Word2VecOptions.MaxVocabulary"); } = int.MaxValue;

    /// <summary>Subsampling threshold t: a word of corpus frequency f is kept with probability
    /// (sqrt(f / t) + 1) · t / f. 0 turns subsampling off.</summary>
    public double Sample { get; init => field = Require.FiniteAtLeast(value, 0.0, "Word2VecOptions.Sample"); } = 1e-3;

    /// <summary>Passes over the corpus.</summary>
    public int Epochs { get; init => field = Require.AtLeast(value, 1, "Word2VecOptions.Epochs"); } = 5;

    /// <summary>Starting learning rate; it decays linearly to Alpha · <see cref="MinAlphaFraction"/>.</summary>
    public float Alpha { get; init => field = Require.FinitePositive(value, "Word2VecOptions.Alpha"); } = 0.025f;

    /// <summary>Floor of the learning rate as a fraction of <see cref="Alpha"/> (word2vec.c: 1e-4).</summary>
    public float MinAlphaFraction { get; init => field = Require.InRange(value, 0f, 1f, "Word2VecOptions.MinAlphaFraction"); } = 1e-4f;

    /// <summary>
    /// Worker threads. Results are bitwise identical for the same <see cref="Seed"/> and the same Threads, but
    /// differ between thread counts (each thread owns a different slice of the corpus).
    /// </summary>
    public int Threads { get; init => field = Require.AtLeast(value, 1, "Word2VecOptions.Threads"); } = 1;

    /// <summary>Seed of the initial vectors and of each thread's random stream.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Entries in the unigram^0.75 negative-sampling table; 0 (the default) means 64 per vocabulary word, at least
    /// 65,536 and at most 1e8. word2vec.c always uses 1e8 entries (400 MB): every negative sample then reads a
    /// random place in a table far larger than the caches, which made it the bottleneck here (on a 3k-word
    /// vocabulary: 1e7 entries 0.23 M words/cpu-s, 1e6 entries 0.53 M, 1e5 entries 1.0 M). 64 entries per word
    /// keep the table in cache for vocabularies up to ~10^4 words while each word's share stays within a few
    /// entries of its exact count^0.75 share.
    /// </summary>
    public int UnigramTableSize { get; init => field = Require.AtLeast(value, 0, "Word2VecOptions.UnigramTableSize"); }

    /// <summary>The table size actually used for a vocabulary of <paramref name="vocabularySize"/> words.</summary>
    internal int TableSizeFor(int vocabularySize) =>
        UnigramTableSize > 0 ? UnigramTableSize : (int)Math.Clamp(64L * vocabularySize, 1 << 16, 100_000_000);

    /// <summary>Longer sentences are cut into pieces of this many words (word2vec.c: 1000).</summary>
    public int MaxSentenceLength { get; init => field = Require.AtLeast(value, 1, "Word2VecOptions.MaxSentenceLength"); } = 1000;

    /// <summary>
    /// With several threads: words each thread trains on its private copy of the model before the copies are
    /// merged. Smaller is closer to shared-memory training, larger has less merge overhead.
    /// </summary>
    public int SyncWords { get; init => field = Require.AtLeast(value, 1, "Word2VecOptions.SyncWords"); } = 20_000;

    internal void Validate()
    {
        void Check(bool ok, string name, object value, string rule)
        {
            if (!ok)
                throw new ArgumentException($"Word2VecOptions.{name} = {value}: {rule}.", name);
        }
        Check(Dimensions >= 1, nameof(Dimensions), Dimensions, "must be at least 1");
        Check(Window >= 1, nameof(Window), Window, "must be at least 1");
        Check(Negative >= 1, nameof(Negative), Negative, "must be at least 1");
        Check(MinCount >= 1, nameof(MinCount), MinCount, "must be at least 1");
        Check(MaxVocabulary >= 1, nameof(MaxVocabulary), MaxVocabulary, "must be at least 1");
        Check(Sample >= 0 && double.IsFinite(Sample), nameof(Sample), Sample, "must be finite and ≥ 0");
        Check(Epochs >= 1, nameof(Epochs), Epochs, "must be at least 1");
        Check(Alpha > 0 && float.IsFinite(Alpha), nameof(Alpha), Alpha, "must be finite and > 0");
        Check(MinAlphaFraction is >= 0 and <= 1, nameof(MinAlphaFraction), MinAlphaFraction, "must be in [0, 1]");
        Check(Threads >= 1, nameof(Threads), Threads, "must be at least 1");
        Check(UnigramTableSize >= 0, nameof(UnigramTableSize), UnigramTableSize, "must be ≥ 0 (0 = automatic)");
        Check(MaxSentenceLength >= 1, nameof(MaxSentenceLength), MaxSentenceLength, "must be at least 1");
        Check(SyncWords >= 1, nameof(SyncWords), SyncWords, "must be at least 1");
    }
}
