namespace Engine.Text;

/// <summary>How well decoded sentences match the originals, for sequence autoencoders.</summary>
public static class ReconstructionMetrics
{
    /// <summary>
    /// Token accuracy: each original sentence w1..wn is compared position by position with its reconstruction,
    /// both followed by &lt;eos&gt;, over the n + 1 positions of the original. A reconstruction that stops early
    /// or runs on therefore loses the &lt;eos&gt; position; the result is Σ matches / Σ (n + 1).
    /// </summary>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static double TokenAccuracy(IReadOnlyList<int[]> originals, IReadOnlyList<int[]> reconstructions)
    {
        Check(originals, reconstructions, "TokenAccuracy");
        long matches = 0, total = 0;
        for (int s = 0; s < originals.Count; s++)
        {
            int[] a = originals[s], b = reconstructions[s];
            for (int t = 0; t <= a.Length; t++)
            {
                int expected = t < a.Length ? a[t] : Vocabulary.EosId;
                int actual = t < b.Length ? b[t] : t == b.Length ? Vocabulary.EosId : -1;
                if (expected == actual) matches++;
            }
            total += a.Length + 1;
        }
        return total == 0 ? 0 : (double)matches / total;
    }

    /// <summary>The fraction of sentences reconstructed exactly (same words, same length).</summary>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static double ExactRate(IReadOnlyList<int[]> originals, IReadOnlyList<int[]> reconstructions)
    {
        Check(originals, reconstructions, "ExactRate");
        int exact = 0;
        for (int s = 0; s < originals.Count; s++)
            if (originals[s].AsSpan().SequenceEqual(reconstructions[s])) exact++;
        return originals.Count == 0 ? 0 : (double)exact / originals.Count;
    }

    private static void Check(IReadOnlyList<int[]> originals, IReadOnlyList<int[]> reconstructions, string op)
    {
        ArgumentNullException.ThrowIfNull(originals);
        ArgumentNullException.ThrowIfNull(reconstructions);
        if (originals.Count != reconstructions.Count)
            throw new ArgumentException($"ReconstructionMetrics.{op}: {originals.Count} originals but {reconstructions.Count} reconstructions.");
    }
}
