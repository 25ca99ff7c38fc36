namespace Engine.Text;

/// <summary>
/// Word dropout, the denoising corruption for text: each real word id becomes <see cref="Vocabulary.UnkId"/> with
/// probability p. Padding and the special tokens &lt;bos&gt;/&lt;eos&gt; are never touched.
/// </summary>
public static class WordDropout
{
    /// <summary>
    /// Replaces, in place, ids of <paramref name="ids"/> (rows of width <paramref name="width"/>, the first
    /// <c>lengths[r]</c> of row r real) by &lt;unk&gt; with probability <paramref name="p"/>. One draw is made per
    /// real position in row-major order, so a seed fixes the corruption. Returns how many ids were replaced.
    /// </summary>
    /// <exception cref="ArgumentException">p outside [0, 1], or the lengths do not fit the ids.</exception>
    public static int Apply(int[] ids, int width, IReadOnlyList<int> lengths, float p, Random random)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(random);
        if (!(p >= 0 && p <= 1))
            throw new ArgumentException($"WordDropout.Apply: p must be in [0, 1], got {p}.", nameof(p));
        if (width < 1 || (long)lengths.Count * width != ids.Length)
            throw new ArgumentException(
                $"WordDropout.Apply: {ids.Length} ids do not form {lengths.Count} rows of width {width}.", nameof(ids));
        int replaced = 0;
        for (int r = 0; r < lengths.Count; r++)
        {
            if ((uint)lengths[r] > (uint)width)
                throw new ArgumentException($"WordDropout.Apply: length {lengths[r]} of row {r} exceeds width {width}.",
                    nameof(lengths));
            for (int t = 0; t < lengths[r]; t++)
            {
                ref int id = ref ids[r * width + t];
                bool draw = random.NextSingle() < p;
                if (draw && id >= Vocabulary.SpecialCount)
                {
                    id = Vocabulary.UnkId;
                    replaced++;
                }
            }
        }
        return replaced;
    }
}
