using Engine.Autodiff;
using Engine.Tensors;
using Engine.Text;

namespace Engine.Models;

/// <summary>
/// The inference loops the sentence autoencoders share: length-sorted batches for encoding and reconstruction
/// (so padding stays small), and one step of greedy decoding.
/// </summary>
internal static class SequenceInference
{
    // Sentences per inference batch; they are sorted by length first so batches carry little padding. The batch
    // bounds memory: greedy decoding of a batch of 64 forty-word sentences by the Transformer borrows ~100 MB.
    private const int InferenceBatch = 64;

    // Row-major (sentences.Count, z) latent vectors; encodeRows maps a batch of sentence indices to (rows, z).
    public static float[] EncodeIds(IReadOnlyList<int[]> sentences, int z, Func<int[], Tensor> encodeRows)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var result = new float[(long)sentences.Count * z];
        using var _ = GradMode.Disable();
        foreach (int[] rows in Batches(sentences))
        {
            // A batch's tensors borrow pooled storage and give it back before the next batch.
            using var scope = TensorScope.Begin();
            var latent = encodeRows(rows).ReadOnlySpan;
            for (int b = 0; b < rows.Length; b++)
                latent.Slice(b * z, z).CopyTo(result.AsSpan(rows[b] * z, z));
        }
        return result;
    }

    // Greedy reconstructions in the input order; decodeRows maps a batch of sentence indices to their decodings.
    public static List<int[]> Reconstruct(IReadOnlyList<int[]> sentences, Func<int[], List<int[]>> decodeRows)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var result = new int[sentences.Count][];
        using var _ = GradMode.Disable();
        foreach (int[] rows in Batches(sentences))
        {
            using var scope = TensorScope.Begin();
            var decoded = decodeRows(rows);
            for (int b = 0; b < rows.Length; b++)
                result[rows[b]] = decoded[b];
        }
        return [.. result];
    }

    /// <summary>
    /// One greedy step for every row: the most likely word of each row's logits (B, V) becomes its next input;
    /// a row finishes at &lt;eos&gt; or when <paramref name="step"/> reaches <paramref name="maxLength"/>, and
    /// keeps its words otherwise. Returns true while some row is unfinished.
    /// </summary>
    public static bool Step(ReadOnlySpan<float> logits, int vocabularySize, int step, int maxLength, int[] previous,
        List<int>[] words, bool[] finished)
    {
        for (int b = 0; b < previous.Length; b++)
        {
            int best = ArgMaxWord(logits.Slice(b * vocabularySize, vocabularySize));
            previous[b] = best;
            if (finished[b]) continue;
            if (best == Vocabulary.EosId || step == maxLength) finished[b] = true;
            else words[b].Add(best);
        }
        return finished.Contains(false);
    }

    // The most likely id among those a sentence can contain (<unk>, <eos> and words); ties go to the lower id.
    private static int ArgMaxWord(ReadOnlySpan<float> logits)
    {
        int best = Vocabulary.UnkId;
        for (int i = best + 1; i < logits.Length; i++)
            if (i != Vocabulary.BosId && logits[i] > logits[best]) best = i;
        return best;
    }

    // Index batches: sentences ordered by length (stable), cut into InferenceBatch-sized groups.
    private static IEnumerable<int[]> Batches(IReadOnlyList<int[]> sentences)
    {
        int[] order = Enumerable.Range(0, sentences.Count).OrderBy(i => sentences[i]?.Length ?? 0).ToArray();
        for (int start = 0; start < order.Length; start += InferenceBatch)
            yield return order[start..Math.Min(order.Length, start + InferenceBatch)];
    }
}
