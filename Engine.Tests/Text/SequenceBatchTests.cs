using Engine.Tests.Testing;
using Engine.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Text;

[Trait("Layer", "Text")]
public sealed class SequenceBatchTests
{
    private static readonly int[][] Example = [[5, 6, 7], [8], [9, 10]];

    [Fact]
    public void Create_PadsWithPadAndMasksPadding()
    {
        var batch = SequenceBatch.Create(Example);
        Assert.Equal(3, batch.BatchSize);
        Assert.Equal(3, batch.MaxLength);
        Assert.Equal([5, 6, 7, 8, 0, 0, 9, 10, 0], batch.Ids);
        Assert.Equal([1f, 1, 1, 1, 0, 0, 1, 1, 0], batch.Mask);
        Assert.Equal([3, 1, 2], batch.Lengths);
        Assert.Null(batch.TargetIds);
        Assert.Equal(10, batch.IdAt(2, 1));
    }

    [Fact]
    public void ForDecoder_ShiftsInputAndTarget()
    {
        var batch = SequenceBatch.ForDecoder(Example, indices: [1, 0]);
        int bos = Vocabulary.BosId, eos = Vocabulary.EosId;
        Assert.Equal([bos, 8, 0, 0, bos, 5, 6, 7], batch.Ids);
        Assert.Equal([8, eos, 0, 0, 5, 6, 7, eos], batch.TargetIds!);
        Assert.Equal([2, 4], batch.Lengths);
        Assert.Equal([1, 0], batch.SourceIndices);
    }

    [Fact]
    public void Truncation_RespectsMaxLength()
    {
        Assert.Equal([5, 6, 8, 0, 9, 10], SequenceBatch.Create(Example, maxLength: 2).Ids);
        var decoder = SequenceBatch.ForDecoder(Example, maxLength: 2);
        Assert.Equal(2, decoder.MaxLength);
        Assert.Equal([5, Vocabulary.EosId], decoder.TargetIds!.Take(2));
    }

    [Fact]
    public void BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => SequenceBatch.Create([]));
        Assert.Throws<ArgumentException>(() => SequenceBatch.Create(Example, indices: [3]));
        Assert.Throws<ArgumentException>(() => SequenceBatch.ForDecoder(Example, maxLength: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceBatch.Create(Example).IdAt(0, 3));
    }

    private static Arbitrary<int[][]> Sequences() =>
        Gen.Choose(4, 50).ArrayOf().Select(a => a).ArrayOf()
            .Where(rows => rows.Length > 0).ToArbitrary();

    [Property(MaxTest = 200)]
    public Property Mask_SumsToLengths_AndPaddingIsPad() =>
        Prop.ForAll(Sequences(), ArbMap.Default.ArbFor<bool>(), (sequences, decoder) =>
        {
            var batch = decoder ? SequenceBatch.ForDecoder(sequences) : SequenceBatch.Create(sequences);
            for (int b = 0; b < batch.BatchSize; b++)
            {
                int expectedLength = sequences[b].Length + (decoder ? 1 : 0);
                var mask = batch.Mask.AsSpan(b * batch.MaxLength, batch.MaxLength);
                float sum = 0;
                foreach (float m in mask)
                    sum += m;
                if (batch.Lengths[b] != expectedLength || sum != expectedLength)
                    return false;
                for (int t = 0; t < batch.MaxLength; t++)
                {
                    bool real = t < expectedLength;
                    if (mask[t] != (real ? 1f : 0f))
                        return false;
                    if (!real && (batch.IdAt(b, t) != Vocabulary.PadId
                        || (decoder && batch.TargetIds![b * batch.MaxLength + t] != Vocabulary.PadId)))
                        return false;
                    // Real positions hold the sequence (shifted by <bos> for decoder input).
                    if (real && batch.IdAt(b, t) != (decoder
                            ? (t == 0 ? Vocabulary.BosId : sequences[b][t - 1])
                            : sequences[b][t]))
                        return false;
                }
            }
            return true;
        });

    [Fact]
    public void Bucketing_CoversEveryIndexOnce_IsSeeded_AndPadsLessThanRandomBatches()
    {
        var random = new Random(Seeds.Default);
        int[] lengths = Enumerable.Range(0, 1000).Select(_ => random.Next(1, 40)).ToArray();

        var bucketed = LengthBucketing.BatchIndices(lengths, 16, 20, new Random(7));
        var again = LengthBucketing.BatchIndices(lengths, 16, 20, new Random(7));
        var unbucketed = LengthBucketing.BatchIndices(lengths, 16, 1, new Random(7));

        Assert.Equal(Enumerable.Range(0, 1000), bucketed.SelectMany(b => b).Order());
        Assert.Equal(bucketed.Select(b => string.Join(',', b)), again.Select(b => string.Join(',', b)));
        Assert.All(bucketed, b => Assert.InRange(b.Length, 1, 16));

        long Padding(List<int[]> batches) => batches.Sum(b => (long)b.Length * b.Max(i => lengths[i]) -
            b.Sum(i => lengths[i]));
        // Sorting chunks of 320 sequences by length leaves far less padding than shuffled batches.
        Assert.True(Padding(bucketed) * 4 < Padding(unbucketed),
            $"bucketed padding {Padding(bucketed)}, unbucketed {Padding(unbucketed)}");
    }

    [Fact]
    public void Batches_BuildsDecoderBatchesFromBuckets()
    {
        int[][] sequences = Enumerable.Range(1, 37).Select(n => Enumerable.Repeat(4, n % 9 + 1).ToArray()).ToArray();
        var batches = LengthBucketing.Batches(sequences, 8, new Random(3), decoder: true).ToList();
        Assert.Equal(37, batches.Sum(b => b.BatchSize));
        Assert.All(batches, b => Assert.NotNull(b.TargetIds));
        Assert.All(batches, b => Assert.All(Enumerable.Range(0, b.BatchSize), r =>
            Assert.Equal(sequences[b.SourceIndices[r]].Length + 1, b.Lengths[r])));
    }
}
