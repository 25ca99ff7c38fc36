namespace Engine.Text;

/// <summary>
/// A batch of variable-length id sequences padded to a rectangle: ids (batch, maxLen) row-major, filled with
/// <see cref="Vocabulary.PadId"/> past each sequence's end, a float mask of the same shape (1 = real token,
/// 0 = padding) and the lengths. Decoder batches also carry shifted targets for teacher forcing.
/// </summary>
public sealed class SequenceBatch
{
    private SequenceBatch(int batchSize, int maxLength, int[] ids, int[]? targetIds, float[] mask, int[] lengths,
        int[] sourceIndices)
    {
        BatchSize = batchSize;
        MaxLength = maxLength;
        Ids = ids;
        TargetIds = targetIds;
        Mask = mask;
        Lengths = lengths;
        SourceIndices = sourceIndices;
    }

    /// <summary>Number of sequences (rows).</summary>
    public int BatchSize { get; }

    /// <summary>Length of the longest sequence (columns).</summary>
    public int MaxLength { get; }

    /// <summary>Input ids, shape (BatchSize, MaxLength), row-major, <c>&lt;pad&gt;</c> after each length.</summary>
    public int[] Ids { get; }

    /// <summary>
    /// For <see cref="ForDecoder"/> batches: target ids (BatchSize, MaxLength), <c>w1..wn &lt;eos&gt;</c> against
    /// inputs <c>&lt;bos&gt; w1..wn</c>; null for plain batches.
    /// </summary>
    public int[]? TargetIds { get; }

    /// <summary>Mask (BatchSize, MaxLength): 1 where <see cref="Ids"/> holds a real token, 0 on padding.</summary>
    public float[] Mask { get; }

    /// <summary>Number of real tokens in each row.</summary>
    public int[] Lengths { get; }

    /// <summary>For each row, the index of its sequence in the list the batch was made from.</summary>
    public int[] SourceIndices { get; }

    /// <summary>The input id at row <paramref name="row"/>, step <paramref name="step"/>.</summary>
    public int IdAt(int row, int step) => Ids[Offset(row, step)];

    /// <summary>
    /// The flat positions (row · MaxLength + step) of the real tokens, in row-major order, and the target id at
    /// each: what a masked loss gathers before the vocabulary projection, so padding costs nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The batch has no targets (it was not made by <see cref="ForDecoder"/>).</exception>
    public (int[] Positions, int[] Targets) RealTargets()
    {
        if (TargetIds is null)
            throw new InvalidOperationException("SequenceBatch.RealTargets: this batch has no targets; build it with ForDecoder.");
        var positions = new List<int>();
        var targets = new List<int>();
        for (int i = 0; i < Mask.Length; i++)
        {
            if (Mask[i] == 0) continue;
            positions.Add(i);
            targets.Add(TargetIds[i]);
        }
        return ([.. positions], [.. targets]);
    }

    /// <summary>
    /// Pads <paramref name="sequences"/> (the rows picked by <paramref name="indices"/>, or all of them) into a
    /// batch. Sequences longer than <paramref name="maxLength"/> are truncated.
    /// </summary>
    /// <exception cref="ArgumentException">No rows, an index out of range, or <paramref name="maxLength"/> &lt; 1.</exception>
    public static SequenceBatch Create(IReadOnlyList<int[]> sequences, IReadOnlyList<int>? indices = null,
        int maxLength = int.MaxValue) =>
        Build(sequences, indices, maxLength, decoder: false);

    /// <summary>
    /// Builds a teacher-forcing batch: for words w1..wn the input row is <c>&lt;bos&gt; w1..wn</c> and the target
    /// row is <c>w1..wn &lt;eos&gt;</c>, both of length n + 1 and sharing one mask. Sequences are truncated to
    /// <paramref name="maxLength"/> - 1 words so that the wrapped rows fit in <paramref name="maxLength"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No rows, an index out of range, or <paramref name="maxLength"/> &lt; 2.</exception>
    public static SequenceBatch ForDecoder(IReadOnlyList<int[]> sequences, IReadOnlyList<int>? indices = null,
        int maxLength = int.MaxValue) =>
        Build(sequences, indices, maxLength, decoder: true);

    private static SequenceBatch Build(IReadOnlyList<int[]> sequences, IReadOnlyList<int>? indices, int maxLength,
        bool decoder)
    {
        string op = decoder ? "SequenceBatch.ForDecoder" : "SequenceBatch.Create";
        ArgumentNullException.ThrowIfNull(sequences);
        if (maxLength < (decoder ? 2 : 1))
            throw new ArgumentException($"{op}: maxLength must be at least {(decoder ? 2 : 1)}, got {maxLength}.",
                nameof(maxLength));
        int[] rows = indices?.ToArray() ?? Enumerable.Range(0, sequences.Count).ToArray();
        if (rows.Length == 0)
            throw new ArgumentException($"{op}: a batch needs at least one sequence.", nameof(sequences));

        // Lengths after truncation; decoder rows gain one token (<bos> in front, <eos> behind).
        int extra = decoder ? 1 : 0;
        var lengths = new int[rows.Length];
        for (int b = 0; b < rows.Length; b++)
        {
            if ((uint)rows[b] >= (uint)sequences.Count)
                throw new ArgumentException($"{op}: index {rows[b]} is outside 0..{sequences.Count - 1}.",
                    nameof(indices));
            int[] sequence = sequences[rows[b]] ?? throw new ArgumentException(
                $"{op}: sequence {rows[b]} is null.", nameof(sequences));
            lengths[b] = Math.Min(sequence.Length, maxLength - extra) + extra;
        }
        int width = Math.Max(1, lengths.Max());
        long cells = (long)rows.Length * width;
        if (cells > Array.MaxLength)
            throw new ArgumentException($"{op}: {rows.Length} x {width} ids do not fit in one array.",
                nameof(sequences));

        // Arrays start zeroed, which is <pad> (id 0) and mask 0.
        var ids = new int[cells];
        var targets = decoder ? new int[cells] : null;
        var mask = new float[cells];
        for (int b = 0; b < rows.Length; b++)
        {
            var words = sequences[rows[b]].AsSpan(0, lengths[b] - extra);
            var row = ids.AsSpan(b * width, width);
            if (decoder)
            {
                row[0] = Vocabulary.BosId;
                words.CopyTo(row[1..]);
                var target = targets.AsSpan(b * width, width);
                words.CopyTo(target);
                target[words.Length] = Vocabulary.EosId;
            }
            else
            {
                words.CopyTo(row);
            }
            mask.AsSpan(b * width, lengths[b]).Fill(1f);
        }
        return new SequenceBatch(rows.Length, width, ids, targets, mask, lengths, rows);
    }

    private int Offset(int row, int step)
    {
        if ((uint)row >= (uint)BatchSize || (uint)step >= (uint)MaxLength)
            throw new ArgumentOutOfRangeException(nameof(row),
                $"SequenceBatch.IdAt: ({row}, {step}) is outside ({BatchSize}, {MaxLength}).");
        return row * MaxLength + step;
    }
}
