namespace Engine.Text;

/// <summary>
/// The negative-sampling table of word2vec.c: word i fills a share count_i^power / Σ count^power of the
/// entries, so a uniformly random entry is a draw from the smoothed unigram distribution.
/// </summary>
internal sealed class UnigramTable
{
    private readonly int[] _table;

    /// <summary>Builds the table exactly as word2vec.c's InitUnigramTable does.</summary>
    internal UnigramTable(IReadOnlyList<long> counts, int size, double power = 0.75)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (counts.Count == 0)
            throw new ArgumentException("UnigramTable: the vocabulary is empty.", nameof(counts));
        double total = 0;
        foreach (long count in counts)
            total += Math.Pow(count, power);

        _table = new int[size];
        int word = 0;
        double cumulative = Math.Pow(counts[0], power) / total;
        for (int a = 0; a < size; a++)
        {
            _table[a] = word;
            if (a / (double)size > cumulative && word < counts.Count - 1)
            {
                word++;
                cumulative += Math.Pow(counts[word], power) / total;
            }
        }
    }

    /// <summary>Number of entries.</summary>
    internal int Size => _table.Length;

    /// <summary>The word stored at entry <paramref name="index"/>.</summary>
    internal int this[int index] => _table[index];

    /// <summary>A word drawn with word2vec.c's mapping of the random state: table[(state &gt;&gt; 16) % size].</summary>
    internal int Sample(ulong state) => _table[(int)((state >> 16) % (ulong)_table.Length)];
}
