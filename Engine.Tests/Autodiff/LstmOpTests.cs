using Engine.Autodiff;
using Engine.Autodiff.Ops;
using Engine.Kernels;
using Engine.Tensors;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Autodiff;

/// <summary>A random padded batch: sizes, per-sequence lengths, direction and seed.</summary>
public sealed record LstmPaddedCase(int Batch, int Steps, int In, int Hidden, int[] Lengths, bool Reverse, int Seed);

/// <summary>Generators of small padded batches (lengths 0..T, so empty and full sequences both occur).</summary>
public static class LstmPaddedArbitraries
{
    /// <summary>Random cases.</summary>
    public static Arbitrary<LstmPaddedCase> Cases()
    {
        var gen =
            from b in Gen.Choose(1, 4)
            from t in Gen.Choose(1, 6)
            from i in Gen.Choose(1, 4)
            from h in Gen.Choose(1, 5)
            from lengths in Gen.ArrayOf(Gen.Choose(0, t), b)
            from reverse in Gen.Elements(false, true)
            from seed in Gen.Choose(0, int.MaxValue)
            select new LstmPaddedCase(b, t, i, h, lengths, reverse, seed);
        return gen.ToArbitrary();
    }
}

/// <summary>The leaves of one LSTM call.</summary>
internal sealed record LstmLeaves(Tensor X, Tensor H0, Tensor C0, Tensor Wi, Tensor Wh, Tensor Bi, Tensor Bh)
{
    public static LstmLeaves Make(int seed, int batch, int steps, int inF, int hidden)
    {
        var r = new Random(seed);
        Tensor Leaf(float scale, params int[] shape)
        {
            var t = Tensor.Uniform(r, -scale, scale, shape);
            t.RequiresGrad = true;
            return t;
        }
        int g = 4 * hidden;
        return new LstmLeaves(Leaf(1f, batch, steps, inF), Leaf(0.8f, batch, hidden), Leaf(0.8f, batch, hidden),
            Leaf(0.6f, g, inF), Leaf(0.6f, g, hidden), Leaf(0.4f, g), Leaf(0.4f, g));
    }

    public IReadOnlyList<Tensor> All => [X, H0, C0, Wi, Wh, Bi, Bh];

    public LstmResult Run(int[]? lengths = null, bool reverse = false) => Op.Lstm(X, H0, C0, Wi, Wh, Bi, Bh, lengths, reverse);

    public void ZeroGrad()
    {
        foreach (var t in All) t.Grad = null;
    }
}

[Trait("Layer", "Autodiff")]
public sealed class LstmOpTests
{
    // L = Σ w₁·output + Σ w₂·h_n + Σ w₃·c_n, with fixed weights, so all three outputs carry gradient.
    private static Tensor AllOutputs(LstmResult r, int seed)
    {
        var rand = new Random(seed);
        return Op.Sum(r.Output * Tensor.Uniform(rand, -1, 1, r.Output.Shape.ToArray()))
            + Op.Sum(r.Hidden * Tensor.Uniform(rand, -1, 1, r.Hidden.Shape.ToArray()))
            + Op.Sum(r.Cell * Tensor.Uniform(rand, -1, 1, r.Cell.Shape.ToArray()));
    }

    [Theory]
    [InlineData(1, 1, 1, 1, null, false)]
    [InlineData(2, 3, 2, 3, null, false)]
    [InlineData(3, 5, 4, 5, null, false)]
    [InlineData(3, 5, 4, 5, null, true)]
    [InlineData(3, 5, 3, 4, new[] { 5, 2, 0 }, false)]
    [InlineData(2, 4, 2, 2, new[] { 1, 4 }, true)]
    [InlineData(3, 3, 1, 5, new[] { 3, 3, 1 }, false)]
    public void Lstm_FullUnroll_PassesGradCheckForEveryInput(int batch, int steps, int inF, int hidden, int[]? lengths, bool reverse)
    {
        var p = LstmLeaves.Make(batch * 100 + steps * 10 + inF, batch, steps, inF, hidden);
        var all = GradCheck.Run("Lstm(all outputs)", () => AllOutputs(p.Run(lengths, reverse), 9), p.All);
        Assert.True(all.Passed, all.Report);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(new[] { 2, 4, 3 })]
    public void Lstm_GradientsFromOutputOnly_AndFromFinalStateOnly_PassGradCheck(int[]? lengths)
    {
        var p = LstmLeaves.Make(5, 3, 4, 3, 4);
        var output = GradCheck.Run("Lstm(output)", () => p.Run(lengths).Output, p.All);
        Assert.True(output.Passed, output.Report);
        var hidden = GradCheck.Run("Lstm(h_n)", () => p.Run(lengths).Hidden, p.All);
        Assert.True(hidden.Passed, hidden.Report);
        var cell = GradCheck.Run("Lstm(c_n)", () => p.Run(lengths).Cell, p.All);
        Assert.True(cell.Passed, cell.Report);
    }

    [Property(Arbitrary = [typeof(LstmPaddedArbitraries)], MaxTest = 40)]
    public void Lstm_PaddedPositions_GiveZeroOutputZeroGradientAndChangeNothing(LstmPaddedCase c)
    {
        var p = LstmLeaves.Make(c.Seed, c.Batch, c.Steps, c.In, c.Hidden);
        var r = p.Run(c.Lengths, c.Reverse);
        AllOutputs(r, c.Seed).Backward();
        var gradX = p.X.Grad!.ToArray();
        for (int b = 0; b < c.Batch; b++)
            for (int t = c.Lengths[b]; t < c.Steps; t++)
            {
                for (int k = 0; k < c.Hidden; k++) Assert.Equal(0f, r.Output[b, t, k]);
                for (int k = 0; k < c.In; k++) Assert.Equal(0f, gradX[(b * c.Steps + t) * c.In + k]);
            }

        // Garbage in the padded positions changes nothing, bit for bit.
        var noisy = p.X.Detach().Clone();
        for (int b = 0; b < c.Batch; b++)
            for (int t = c.Lengths[b]; t < c.Steps; t++)
                for (int k = 0; k < c.In; k++) noisy[b, t, k] = 1000f + k;
        using (GradMode.Disable())
        {
            var r2 = Op.Lstm(noisy, p.H0, p.C0, p.Wi, p.Wh, p.Bi, p.Bh, c.Lengths, c.Reverse);
            TensorAssert.BitwiseEqual(r.Output.ReadOnlySpan, r2.Output.ReadOnlySpan, "output");
            TensorAssert.BitwiseEqual(r.Hidden.ReadOnlySpan, r2.Hidden.ReadOnlySpan, "h_n");
            TensorAssert.BitwiseEqual(r.Cell.ReadOnlySpan, r2.Cell.ReadOnlySpan, "c_n");

            // Each sequence run alone, cut to its own length, gives the same outputs and final state.
            for (int b = 0; b < c.Batch; b++)
            {
                int len = c.Lengths[b];
                var h0 = p.H0.Detach().Rows(b, 1);
                var c0 = p.C0.Detach().Rows(b, 1);
                if (len == 0)
                {
                    TensorAssert.BitwiseEqual(h0.ReadOnlySpan, r.Hidden.Rows(b, 1).ReadOnlySpan, "h_n of an empty sequence");
                    continue;
                }
                var alone = Tensor.Zeros(1, len, c.In);
                p.X.ReadOnlySpan.Slice(b * c.Steps * c.In, len * c.In).CopyTo(alone.Span);
                var single = Op.Lstm(alone, h0, c0, p.Wi, p.Wh, p.Bi, p.Bh, reverse: c.Reverse);
                TensorAssert.AllClose(single.Output.ReadOnlySpan, r.Output.ReadOnlySpan.Slice(b * c.Steps * c.Hidden, len * c.Hidden),
                    Tolerance.Kernel, Tolerance.KernelAbsolute, $"output of sequence {b}");
                TensorAssert.AllClose(single.Hidden.ReadOnlySpan, r.Hidden.Rows(b, 1).ReadOnlySpan, Tolerance.Kernel, Tolerance.KernelAbsolute, $"h_n of {b}");
                TensorAssert.AllClose(single.Cell.ReadOnlySpan, r.Cell.Rows(b, 1).ReadOnlySpan, Tolerance.Kernel, Tolerance.KernelAbsolute, $"c_n of {b}");
            }
        }
    }

    [Fact]
    public void Lstm_BackwardTwiceWithRetainedGraph_DoublesEveryGradient()
    {
        var p = LstmLeaves.Make(11, 3, 4, 2, 3);
        var loss = AllOutputs(p.Run([4, 1, 3]), 1);
        loss.Backward(retainGraph: true);
        var once = p.All.Select(t => t.Grad!.ToArray()).ToList();
        loss.Backward();
        for (int i = 0; i < once.Count; i++)
            TensorAssert.BitwiseEqual(once[i].Select(v => 2 * v).ToArray(), p.All[i].Grad!.ReadOnlySpan, $"leaf {i}");
    }

    [Fact]
    public void Lstm_ThousandStepUnroll_BackpropagatesToTheFirstStep()
    {
        var p = LstmLeaves.Make(3, 2, 1000, 3, 4);
        var r = p.Run();
        Op.Sum(r.Hidden).Backward();
        Assert.All(p.All, t => Assert.True(t.Grad!.ToArray().All(float.IsFinite), "non-finite gradient"));
        // The last step's input always matters; a finite, well-defined gradient reached the first step too.
        Assert.Contains(p.X.Grad!.ToArray().AsSpan(0, 3 * 1000).Slice(999 * 3, 3).ToArray(), v => v != 0f);
    }

    [Fact]
    public void Lstm_UnderGradModeDisable_RecordsNothing()
    {
        var p = LstmLeaves.Make(1, 2, 3, 2, 2);
        using var _ = GradMode.Disable();
        var r = p.Run();
        Assert.False(r.Output.RequiresGrad);
        Assert.False(r.Hidden.RequiresGrad);
        Assert.False(r.Cell.RequiresGrad);
    }

    [Fact]
    public void Lstm_BadShapesOrLengths_ThrowArgumentExceptionNamingTheProblem()
    {
        var p = LstmLeaves.Make(1, 2, 3, 3, 2);
        var ex = Assert.Throws<ArgumentException>(() => Op.Lstm(p.X, p.H0, p.C0, p.Wh, p.Wh, p.Bi, p.Bh));
        Assert.Contains("weight_ih", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Op.Lstm(p.X, Tensor.Zeros(3, 2), null, p.Wi, p.Wh, p.Bi, p.Bh));
        Assert.Contains("h0", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => p.Run([1, 4]));
        Assert.Contains("lengths[1] = 4", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => p.Run([1]));
        Assert.Contains("lengths", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Op.Lstm(Tensor.Zeros(2, 2), null, null, p.Wi, p.Wh, p.Bi, p.Bh));
        Assert.Contains("(B, T, I)", ex.Message);
    }
}

[Trait("Layer", "Autodiff")]
[Collection(ParallelismCollection.Name)]
public sealed class LstmOpDeterminismTests
{
    [Fact]
    public void Lstm_ForwardAndBackward_AreBitwiseIdenticalForOneAndTwoThreads()
    {
        int saved = Parallelism.MaxThreads;
        try
        {
            var results = new List<float[][]>();
            foreach (int threads in new[] { 1, 2, 1 })
            {
                Parallelism.MaxThreads = threads;
                var p = LstmLeaves.Make(77, 9, 7, 40, 48);
                var r = p.Run([7, 3, 7, 1, 5, 6, 7, 2, 4]);
                var rand = new Random(5);
                (Op.Sum(r.Output * Tensor.Uniform(rand, -1, 1, 9, 7, 48)) + Op.Sum(r.Hidden * r.Cell)).Backward();
                results.Add([r.Output.ToArray(), r.Hidden.ToArray(), r.Cell.ToArray(), .. p.All.Select(t => t.Grad!.ToArray())]);
            }
            for (int run = 1; run < results.Count; run++)
                for (int i = 0; i < results[0].Length; i++)
                    TensorAssert.BitwiseEqual(results[0][i], results[run][i], $"tensor {i}, run {run}");
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }
}
