using Engine.Autodiff.Ops;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;
using Engine.Tests.Testing;
using Engine.Training;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Tensors;

/// <summary>
/// The tensor pool is bounded by the work, not by its history (issue 14): whatever number of distinct shapes the
/// steps have, the bytes it holds stay under a bound set by the largest step; it trims back when steps shrink, empties
/// on request and when its thread goes idle, and a loop of identical steps allocates nothing after the first.
/// </summary>
[Trait("Layer", "Tensors")]
public sealed class TensorPoolTests(ITestOutputHelper output)
{
    [Property(MaxTest = 300)]
    public Property SizeClass_RoundsUpByLessThanAQuarter_AndIsMonotone() =>
        Prop.ForAll(Gen.Choose(1, SizeClass.MaxLength).ToArbitrary(), n =>
        {
            int index = SizeClass.Index(n), length = SizeClass.Length(index);
            Assert.InRange(index, 0, SizeClass.Count - 1);
            Assert.True(length >= n, $"class {index} of {n} is only {length} long");
            Assert.True(n <= 8 ? length == n : length < 1.25 * n, $"{n} is rounded up to {length}");
            Assert.Equal(index, SizeClass.Index(length));
            Assert.True(index == 0 || SizeClass.Length(index - 1) < n, $"{n} fits the smaller class {index - 1}");
        });

    [Fact]
    public void SizeClass_CoversOneTo2Pow28_InAFewClasses()
    {
        Assert.Equal(SizeClass.Count - 1, SizeClass.Index(SizeClass.MaxLength));
        Assert.Equal(SizeClass.MaxLength, SizeClass.Length(SizeClass.Count - 1));
        Assert.True(SizeClass.Count <= 110, $"{SizeClass.Count} classes");
        for (int i = 1; i < SizeClass.Count; i++) Assert.True(SizeClass.Length(i) > SizeClass.Length(i - 1));
    }

    // A synthetic step shaped like a sequence model's: arrays that grow with the length (activations B·T·w) and
    // arrays per time step (B·h), all borrowed until the step ends.
    private static readonly int[] Widths = [24, 96, 7, 130];
    private const int Batch = 16, PerStepWidth = 64;

    private static IEnumerable<int> StepSizes(int length) =>
        Widths.Select(w => Batch * length * w).Concat(Enumerable.Repeat(Batch * PerStepWidth, length));

    private static void SyntheticStep(TensorPool pool, int length)
    {
        using var scope = TensorScope.Begin(pool);
        foreach (int size in StepSizes(length)) scope.Rent(size);
    }

    private static long ClassBytes(IEnumerable<int> sizes) => sizes.Sum(s => 4L * SizeClass.Length(SizeClass.Index(s)));

    [Property(MaxTest = 60)]
    public Property PooledBytes_StayUnderABound_ThatTheNumberOfDistinctShapesDoesNotChange() =>
        Prop.ForAll(Gen.ListOf(Gen.Choose(1, 40)).Select(l => l.ToArray()).Where(l => l.Length > 0).ToArbitrary(), lengths =>
        {
            var pool = new TensorPool();
            foreach (int length in lengths) SyntheticStep(pool, length);
            var stats = pool.Stats;
            // Free arrays ≤ Slack × demand after a step; the demand ≤ twice the largest step's (a request may take
            // an array up to four classes up); the arrays one step allocates ≤ that step. None of it depends on
            // how many distinct lengths came before. (The exact-length pool this replaced held every length's arrays.)
            long largest = ClassBytes(StepSizes(lengths.Max()));
            long bound = (2 * TensorPool.Slack + 1) * largest;
            Assert.True(stats.PeakHeldBytes <= bound,
                $"{lengths.Distinct().Count()} distinct lengths of {lengths.Length}: the pool held {stats.PeakHeldBytes:N0} bytes, more than {bound:N0}");
            Assert.True(stats.FreeBytes <= TensorPool.Slack * stats.DemandBytes);
        });

    [Fact]
    public void ManyDistinctLengths_HoldLessThanTheSumOfTheirSteps()
    {
        // What the exact-length pool held after these steps (every length's arrays) against what this one holds.
        var pool = new TensorPool();
        int[] lengths = [.. Enumerable.Range(1, 40).Reverse()];
        foreach (int length in lengths) SyntheticStep(pool, length);
        long everyLength = lengths.Sum(l => ClassBytes(StepSizes(l)));
        long held = pool.Stats.PeakHeldBytes, largest = ClassBytes(StepSizes(40));
        output.WriteLine($"held {held:N0} bytes; largest step {largest:N0}; all steps together {everyLength:N0}");
        Assert.True(held < everyLength / 4, $"held {held:N0} of {everyLength:N0}");
    }

    [Fact]
    public void IdenticalSteps_AllocateNothingAfterTheFirst()
    {
        var pool = new TensorPool();
        SyntheticStep(pool, 30);
        long first = pool.Stats.AllocatedBytes;
        for (int i = 0; i < 3 * TensorPool.WindowSteps; i++) SyntheticStep(pool, 30);
        Assert.Equal(first, pool.Stats.AllocatedBytes);
        Assert.Equal(first, pool.Stats.FreeBytes);
    }

    [Fact]
    public void Pool_TrimsBack_WhenTheStepsShrink()
    {
        var pool = new TensorPool();
        for (int i = 0; i < 5; i++) SyntheticStep(pool, 40);
        long big = pool.Stats.FreeBytes;
        // Two windows of short steps: the long steps' demand has left the window, and so have their arrays.
        for (int i = 0; i < 2 * TensorPool.WindowSteps; i++) SyntheticStep(pool, 2);
        var stats = pool.Stats;
        long small = ClassBytes(StepSizes(2));
        Assert.True(stats.DemandBytes <= 2 * small, $"demand {stats.DemandBytes:N0} after short steps of {small:N0}");
        Assert.True(stats.FreeBytes <= TensorPool.Slack * stats.DemandBytes,
            $"free {stats.FreeBytes:N0} > {TensorPool.Slack} x demand {stats.DemandBytes:N0}");
        Assert.True(stats.FreeBytes < big / 5, $"free {stats.FreeBytes:N0} of the long steps' {big:N0}");
    }

    [Fact]
    public void Trim_DropsEveryFreeArray_AndLeavesBorrowedOnesAlone()
    {
        var pool = new TensorPool();
        SyntheticStep(pool, 10);
        using (var scope = TensorScope.Begin(pool))
        {
            var kept = scope.Rent(1000);
            pool.Trim();
            Assert.Equal(0, pool.Stats.FreeBytes);
            Assert.Equal(4L * SizeClass.Length(SizeClass.Index(1000)), pool.Stats.BorrowedBytes);
            Assert.True(kept.Length >= 1000);
        }
        Assert.Equal(0, pool.Stats.BorrowedBytes);
    }

    [Fact]
    public void APoolWhoseThreadWentIdle_IsEmptiedByAnotherThreadsStep()
    {
        var idle = new TensorPool();
        var thread = new Thread(() => SyntheticStep(idle, 20));
        thread.Start();
        thread.Join();
        Assert.True(idle.Stats.FreeBytes > 0);
        Thread.Sleep(TensorPool.IdleMilliseconds + 200);
        // The sweep runs at most once per IdleMilliseconds, so two steps that far apart are sure to trigger it.
        var busy = new TensorPool();
        SyntheticStep(busy, 1);
        if (idle.Stats.FreeBytes > 0)
        {
            Thread.Sleep(TensorPool.IdleMilliseconds + 200);
            SyntheticStep(busy, 1);
        }
        Assert.Equal(0, idle.Stats.FreeBytes);
    }

    [Fact]
    public void Backward_GivesIntermediateGradientsBack_BeforeTheStepEnds()
    {
        // A chain of 20 elementwise ops on (256, 256): with every gradient kept to the end, the step would borrow
        // 40 arrays at its peak; returned as backward goes, about 22 (the activations and the gradients in flight).
        var pool = new TensorPool();
        var x = Tensor.Ones(256, 256);
        x.RequiresGrad = true;
        using (TensorScope.Begin(pool))
        {
            var y = x;
            for (int i = 0; i < 20; i++) y = y * 1.01f;
            Op.Sum(y).Backward();
        }
        long array = 4L * 256 * 256;
        Assert.True(pool.Stats.PeakBorrowedBytes < 25 * array,
            $"peak {pool.Stats.PeakBorrowedBytes / array} arrays of (256, 256)");
        Assert.All(x.Grad!.ToArray(), g => Assert.Equal(MathF.Pow(1.01f, 20), g, 1e-4f));
    }

    [Property(MaxTest = 6)]
    public Property TextTraining_OnSentencesOfManyLengths_HoldsAtMostTwiceTheSlackOfItsLongestBatch() =>
        Prop.ForAll(Gen.Choose(0, 1 << 20).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            int maxLength = random.Next(12, 25);
            // Reference: every sentence as long as the longest, so every batch has the largest shapes.
            long longest = TrainAndMeasure(ToyText.Sentences(new Random(seed), 48, maxLength, maxLength), maxLength, seed).PeakBorrowedBytes;
            var mixed = TrainAndMeasure(ToyText.Sentences(random, 48, 1, maxLength), maxLength, seed);
            long bound = (2 * TensorPool.Slack + 1) * longest;
            output.WriteLine($"seed {seed}, lengths 1..{maxLength}: held {mixed.PeakHeldBytes:N0}, longest batch borrows {longest:N0}");
            Assert.True(mixed.PeakHeldBytes <= bound,
                $"seed {seed}: the pool held {mixed.PeakHeldBytes:N0} bytes, more than {bound:N0} ({2 * TensorPool.Slack + 1} x the longest batch's {longest:N0})");
        });

    // Trains a small LSTM autoencoder on a pool of its own; batch 4, so 12 batches of many lengths per epoch.
    private static TensorPoolStats TrainAndMeasure(List<int[]> sentences, int maxLength, int seed)
    {
        var saved = TensorPool.Current;
        TensorPool.Current = new TensorPool();
        try
        {
            var model = new LstmTextAutoencoder(ToyText.TenWords, new LstmTextAutoencoderOptions
            {
                EmbeddingSize = 8, HiddenSize = 16, LatentSize = 8, MaxLength = maxLength,
            }, new Random(seed));
            new TextTrainer(new TrainerOptions { Epochs = 3, BatchSize = 4, Seed = seed }, chunkBatches: 1)
                .Fit(model, new Adam(model.Parameters(), 1e-3f), sentences);
            return TensorPool.Current.Stats;
        }
        finally
        {
            TensorPool.Current = saved;
        }
    }
}
