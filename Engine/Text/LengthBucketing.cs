namespace Engine.Text;

/// <summary>
/// Groups sequences of similar length into batches so that little padding is needed, while keeping the order
/// random: shuffle all indices, cut them into chunks of <c>batchSize × chunkBatches</c>, sort each chunk by length
/// (stable, so equal lengths keep their shuffled order), cut the chunk into batches, then shuffle the batch order.
/// Everything random comes from the <see cref="Random"/> passed in, so a seed fixes the batches.
/// </summary>
public static class LengthBucketing
{
    /// <summary>Index lists, one per batch, covering every index 0..lengths.Count-1 exactly once.</summary>
    /// <param name="lengths">Length of each sequence.</param>
    /// <param name="batchSize">Rows per batch (the last batch of a chunk may be smaller).</param>
    /// <param name="chunkBatches">Batches per sorted chunk; 1 means no bucketing, large means strong bucketing.</param>
    /// <param name="random">Source of the shuffles.</param>
    /// <exception cref="ArgumentException"><paramref name="batchSize"/> or <paramref name="chunkBatches"/> &lt; 1.</exception>
    public static List<int[]> BatchIndices(IReadOnlyList<int> lengths, int batchSize, int chunkBatches, Random random)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBatches, 1);

        int[] order = Enumerable.Range(0, lengths.Count).ToArray();
        random.Shuffle(order);

        long chunkLong = (long)batchSize * chunkBatches;
        int chunk = (int)Math.Min(chunkLong, Math.Max(1, order.Length));
        var batches = new List<int[]>();
        for (int start = 0; start < order.Length; start += chunk)
        {
            int[] part = order[start..Math.Min(order.Length, start + chunk)];
            int[] keys = part.Select(i => lengths[i]).ToArray();
            // Array.Sort is not stable; sort by (length, shuffled position) to make it so.
            int[] position = Enumerable.Range(0, part.Length).ToArray();
            Array.Sort(position, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
            int[] sorted = position.Select(p => part[p]).ToArray();
            for (int b = 0; b < sorted.Length; b += batchSize)
                batches.Add(sorted[b..Math.Min(sorted.Length, b + batchSize)]);
        }
        // Shuffle batch order so training does not see short-to-long sweeps within each chunk.
        var shuffled = batches.ToArray();
        random.Shuffle(shuffled);
        return [.. shuffled];
    }

    /// <summary>
    /// Bucketed batches of <paramref name="sequences"/>, built with <see cref="SequenceBatch.Create"/> or, when
    /// <paramref name="decoder"/> is set, <see cref="SequenceBatch.ForDecoder"/>.
    /// </summary>
    public static IEnumerable<SequenceBatch> Batches(IReadOnlyList<int[]> sequences, int batchSize, Random random,
        int chunkBatches = 50, bool decoder = false, int maxLength = int.MaxValue)
    {
        // Checked here, not in the iterator, so bad arguments fail at the call rather than at the first MoveNext.
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(random);
        var lengths = sequences.Select(s => s?.Length ?? 0).ToArray();
        return Enumerate(sequences, BatchIndices(lengths, batchSize, chunkBatches, random), decoder, maxLength);
    }

    private static IEnumerable<SequenceBatch> Enumerate(IReadOnlyList<int[]> sequences, IReadOnlyList<int[]> batches,
        bool decoder, int maxLength)
    {
        foreach (int[] indices in batches)
        {
            yield return decoder
                ? SequenceBatch.ForDecoder(sequences, indices, maxLength)
                : SequenceBatch.Create(sequences, indices, maxLength);
        }
    }
}
