using Engine.Data;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Data;

[Trait("Layer", "Data")]
public sealed class StratifiedSplitTests
{
    private static int[] RandomLabels(Random random, int count, int classes) =>
        Enumerable.Range(0, count).Select(_ => random.Next(classes) * 3).ToArray();   // labels need not be 0..k-1

    [Property(MaxTest = 100)]
    public Property KFold_PartitionsEveryIndex_WithBalancedSizesAndClasses() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            var labels = RandomLabels(random, random.Next(2, 120), random.Next(1, 6));
            int k = random.Next(2, Math.Min(10, labels.Length) + 1);
            var folds = StratifiedSplit.KFold(labels, k, seed);
            Assert.Equal(k, folds.Length);
            Assert.Equal(Enumerable.Range(0, labels.Length), folds.SelectMany(f => f).Order());
            Assert.True(folds.Max(f => f.Length) - folds.Min(f => f.Length) <= 1, "fold sizes differ by more than one");
            foreach (int label in labels.Distinct())
            {
                var counts = folds.Select(f => f.Count(i => labels[i] == label)).ToArray();
                Assert.True(counts.Max() - counts.Min() <= 1, $"class {label}: {string.Join(",", counts)} per fold");
            }
            Assert.All(folds, f => Assert.Equal(f.Order(), f));
            Assert.Equal(labels.Length - folds[0].Length, StratifiedSplit.Complement(labels.Length, folds[0]).Length);
            Assert.Equal(folds, StratifiedSplit.KFold(labels, k, seed));
        });

    [Property(MaxTest = 100)]
    public Property Holdout_KeepsEveryClassOnBothSides_InProportion() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            var labels = RandomLabels(random, random.Next(1, 200), random.Next(1, 5));
            double fraction = 0.05 + 0.5 * random.NextDouble();
            var (kept, heldOut) = StratifiedSplit.Holdout(labels, fraction, seed);
            Assert.Equal(Enumerable.Range(0, labels.Length), kept.Concat(heldOut).Order());
            foreach (var group in labels.Select((l, i) => (l, i)).GroupBy(t => t.l))
            {
                int n = group.Count(), held = group.Count(t => heldOut.Contains(t.i));
                if (n == 1) Assert.Equal(0, held);
                else Assert.InRange(held, 1, n - 1);
                if (n >= 2) Assert.True(Math.Abs(held - fraction * n) <= 1, $"class {group.Key}: {held} of {n} held out at {fraction:F2}");
            }
        });

    [Fact]
    public void BadArguments_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => StratifiedSplit.KFold([0, 1, 0], 1, 1));
        Assert.Throws<ArgumentException>(() => StratifiedSplit.KFold([0, 1, 0], 4, 1));
        Assert.Contains("label 1 is -2", Assert.Throws<ArgumentException>(() => StratifiedSplit.KFold([0, -2, 0], 2, 1)).Message);
        Assert.Throws<ArgumentException>(() => StratifiedSplit.Holdout([0, 1], 1.0, 1));
        Assert.Throws<ArgumentException>(() => StratifiedSplit.Holdout([0, 1], double.NaN, 1));
    }
}
