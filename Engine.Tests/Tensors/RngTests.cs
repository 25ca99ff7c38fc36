using Engine.Data;
using Engine.Tensors;
using Engine.Tests.Testing;

namespace Engine.Tests.Tensors;

/// <summary>The serialisable generator: reference values, exact state round trips, ranges and uniformity.</summary>
[Trait("Layer", "Tensors")]
public sealed class RngTests
{
    [Fact]
    public void Xoshiro256StarStar_MatchesTheReferenceImplementation()
    {
        // From a line-by-line Python transcription of the reference C code (prng.di.unimi.it), state {1, 2, 3, 4}.
        var rng = new Rng(new RngState(1, 2, 3, 4));
        Assert.Equal([11520UL, 0UL, 1509978240UL, 1215971899390074240UL],
            Enumerable.Range(0, 4).Select(_ => rng.NextUInt64()).ToArray());
    }

    [Fact]
    public void State_RoundTripsThroughText_AndRepeatsEveryKindOfDraw()
    {
        var rng = new Rng(Seeds.Default);
        rng.NextBytes(new byte[13]);
        var saved = RngState.Parse(rng.State.ToString());
        var order = Enumerable.Range(0, 50).ToArray();

        double[] first = [rng.NextDouble(), rng.NextSingle(), rng.Next(), rng.Next(7), rng.Next(-5, 5), rng.NextInt64(1L << 40)];
        rng.Shuffle(order);
        var again = new Rng(saved);
        double[] second = [again.NextDouble(), again.NextSingle(), again.Next(), again.Next(7), again.Next(-5, 5), again.NextInt64(1L << 40)];
        var order2 = Enumerable.Range(0, 50).ToArray();
        again.Shuffle(order2);

        Assert.Equal(first, second);
        Assert.Equal(order, order2);
    }

    [Fact]
    public void Next_StaysInRange_AndIsRoughlyUniform()
    {
        var rng = new Rng(5);
        var counts = new int[10];
        for (int i = 0; i < 100_000; i++)
        {
            int v = rng.Next(3, 13);
            Assert.InRange(v, 3, 12);
            counts[v - 3]++;
        }
        // Chi-square with 9 degrees of freedom: 27.9 is the 0.999 quantile.
        double chi = counts.Sum(c => (c - 10_000.0) * (c - 10_000.0) / 10_000.0);
        Assert.True(chi < 27.9, $"chi-square {chi:F1} for counts {string.Join(", ", counts)}");
        Assert.Equal(0, rng.Next(0));
        Assert.InRange(rng.NextDouble(), 0.0, 1.0 - 1e-17);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1-2-3")]
    [InlineData("1-2-3-x")]
    [InlineData("1-2-3-11111111111111111")]
    public void Parse_Malformed_ThrowsFormatException(string text) =>
        Assert.Throws<FormatException>(() => RngState.Parse(text));

    [Fact]
    public void ZeroState_IsRejected() =>
        Assert.Throws<ArgumentException>(() => new Rng(new RngState(0, 0, 0, 0)));

    [Fact]
    public void DataLoaderState_ContinuesTheShuffleSequence_AndRejectsNonPermutations()
    {
        var data = new FloatDataset(Enumerable.Range(0, 30).Select(i => (float)i).ToArray(), 1);
        var loader = new DataLoader(data, 4, shuffleSeed: 2);
        _ = loader.Epoch().ToList();
        var saved = loader.State;
        float[] Next(DataLoader l) => l.Epoch().SelectMany(b => b.Inputs.ToArray()).ToArray();
        float[] expected = Next(loader);

        var fresh = new DataLoader(data, 4, shuffleSeed: 77) { State = saved };
        Assert.Equal(expected, Next(fresh));
        Assert.Equal(expected[8..], fresh.ContinueEpoch(2).SelectMany(b => b.Inputs.ToArray()).ToArray());

        int[] repeated = [.. saved.Order];
        repeated[0] = repeated[1];
        var e = Assert.Throws<ArgumentException>(() => fresh.State = saved with { Order = repeated });
        Assert.Contains("permutation", e.Message);
        Assert.Throws<ArgumentException>(() => new DataLoader(data, 4) { State = saved });
    }
}
