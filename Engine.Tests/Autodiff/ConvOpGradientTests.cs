using Engine.Autodiff.Ops;
using Engine.Tensors;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Autodiff;

/// <summary>One random convolution-family case: sizes, stride, padding and output padding, and the seed of its tensors.</summary>
public sealed record ConvOpCase(int N, int C, int OC, int H, int W, int K, int Stride, int Padding, int OutputPadding, int Seed)
{
    /// <summary>Printed by FsCheck on failure.</summary>
    public override string ToString() =>
        $"N {N}, C {C}, OC {OC}, H {H}, W {W}, K {K}, stride {Stride}, padding {Padding}, output padding {OutputPadding}, seed {Seed}";
}

/// <summary>
/// Analytic gradients of the convolution-family ops (Conv2D, ConvTranspose2D, MaxPool2D, Upsample2D, BatchNorm)
/// match GradCheck on small random shapes with stride, padding and output-padding variants.
/// </summary>
[Trait("Layer", "Autodiff")]
public sealed class ConvOpGradientTests
{
    private const int Runs = 20;

    private static Gen<ConvOpCase> Cases(bool transposed) =>
        from n in Gen.Elements(1, 2)
        from c in Gen.Elements(1, 2, 3)
        from oc in Gen.Elements(1, 2, 3)
        from h in Gen.Choose(1, 6)
        from w in Gen.Choose(1, 6)
        from k in Gen.Elements(1, 2, 3)
        from stride in Gen.Elements(1, 2, 3)
        from padding in Gen.Choose(0, k - 1)
        from outputPadding in Gen.Choose(0, transposed ? stride - 1 : 0)
        from seed in OpGen.Seed
        select new ConvOpCase(n, c, oc, h, w, k, stride, padding, outputPadding, seed);

    // A plain convolution needs the kernel to fit the padded input; a transposed one needs a non-empty output.
    private static bool ConvFits(ConvOpCase c) => c.H + 2 * c.Padding >= c.K && c.W + 2 * c.Padding >= c.K;

    private static bool TransposedFits(ConvOpCase c) =>
        (c.H - 1) * c.Stride - 2 * c.Padding + c.K + c.OutputPadding >= 1 &&
        (c.W - 1) * c.Stride - 2 * c.Padding + c.K + c.OutputPadding >= 1;

    [Property(MaxTest = Runs)]
    public Property Conv2D_MatchesGradCheck_ForInputWeightAndBias() => Prop.ForAll(Cases(false).Where(ConvFits).ToArbitrary(), c =>
    {
        var r = new Random(c.Seed);
        var x = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.N, c.C, c.H, c.W);
        var weight = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.OC, c.C, c.K, c.K);
        var bias = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.OC);
        OpGen.AssertGradients($"Conv2D({c})", () => Op.Conv2D(x, weight, bias, c.Stride, c.Padding), x, weight, bias);
    });

    [Property(MaxTest = Runs)]
    public Property Conv2D_WithoutBias_MatchesGradCheck() => Prop.ForAll(Cases(false).Where(ConvFits).ToArbitrary(), c =>
    {
        var r = new Random(c.Seed);
        var x = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.N, c.C, c.H, c.W);
        var weight = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.OC, c.C, c.K, c.K);
        OpGen.AssertGradients($"Conv2D no bias ({c})", () => Op.Conv2D(x, weight, null, c.Stride, c.Padding), x, weight);
    });

    [Property(MaxTest = Runs)]
    public Property ConvTranspose2D_MatchesGradCheck_ForInputWeightAndBias() => Prop.ForAll(
        Cases(true).Where(TransposedFits).ToArbitrary(), c =>
        {
            var r = new Random(c.Seed);
            var x = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.N, c.C, c.H, c.W);
            var weight = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.C, c.OC, c.K, c.K);
            var bias = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.OC);
            OpGen.AssertGradients($"ConvTranspose2D({c})",
                () => Op.ConvTranspose2D(x, weight, bias, c.Stride, c.Padding, c.OutputPadding), x, weight, bias);
        });

    [Property(MaxTest = Runs)]
    public Property MaxPool2D_AwayFromTies_MatchesGradCheck() => Prop.ForAll(
        Cases(false).Select(c => c with { Padding = Math.Min(c.Padding, c.K / 2) })
            .Where(c => c.H + 2 * c.Padding >= c.K && c.W + 2 * c.Padding >= c.K).ToArbitrary(), c =>
        {
            // Distinct values 0.1 apart: no window has two maxima within the GradCheck step.
            var x = OpGen.DistinctLeaf(new Random(c.Seed), c.N, c.C, c.H, c.W);
            OpGen.AssertGradients($"MaxPool2D({c})", () => Op.MaxPool2D(x, c.K, c.Stride, c.Padding), x);
        });

    [Property(MaxTest = Runs)]
    public Property Upsample2D_MatchesGradCheck() => Prop.ForAll(Cases(false).ToArbitrary(), c =>
    {
        var x = OpGen.Leaf(new Random(c.Seed), OpGen.Uniform(-2, 2), c.N, c.C, c.H, c.W);
        OpGen.AssertGradients($"Upsample2D({c})", () => Op.Upsample2D(x, c.Stride), x);
    });

    /// <summary>Shapes (N, C), (N, C, L) and (N, C, H, W) with at least 4 values per channel.</summary>
    private static Arbitrary<(int[] Shape, int Seed)> BatchNormCases() =>
        (from rank in Gen.Choose(2, 4)
         from dims in Gen.ArrayOf(OpGen.SmallDim, rank)
         from seed in OpGen.Seed
         where dims.Aggregate(1, (a, d) => a * d) / dims[1] >= 4
         select (dims, seed)).ToArbitrary();

    // Values whose channels all have a standard deviation of at least 0.5, so 1/σ stays moderate and a 1e-2 step
    // stays in the region where the normalisation is close to linear.
    private static Tensor BatchNormInput(Random r, int[] shape)
    {
        while (true)
        {
            var x = OpGen.Leaf(r, OpGen.Uniform(-2, 2), shape);
            int n = shape[0], c = shape[1], s = x.Size / (n * c);
            bool spread = Enumerable.Range(0, c).All(ch =>
            {
                var values = Enumerable.Range(0, n).SelectMany(b => x.ToArray().Skip((b * c + ch) * s).Take(s)).ToArray();
                double mean = values.Average();
                return values.Average(v => (v - mean) * (v - mean)) >= 0.25;
            });
            if (spread) return x;
        }
    }

    [Property(MaxTest = Runs)]
    public Property BatchNorm_TrainingMode_MatchesGradCheck_ForInputGammaAndBeta() => Prop.ForAll(BatchNormCases(), c =>
    {
        var r = new Random(c.Seed);
        var x = BatchNormInput(r, c.Shape);
        var gamma = OpGen.Leaf(r, OpGen.AwayFromZero(0.5f, 1.5f), c.Shape[1]);
        var beta = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.Shape[1]);
        string shape = string.Join(", ", c.Shape);
        OpGen.AssertGradients($"BatchNorm(({shape}), seed {c.Seed})", () => Op.BatchNorm(x, gamma, beta, 1e-5f), x, gamma, beta);
        OpGen.AssertGradients($"BatchNorm without affine (({shape}), seed {c.Seed})", () => Op.BatchNorm(x, null, null, 1e-5f), x);
    });

    [Property(MaxTest = Runs)]
    public Property BatchNormInference_MatchesGradCheck_ForInputGammaAndBeta() => Prop.ForAll(BatchNormCases(), c =>
    {
        var r = new Random(c.Seed);
        var x = OpGen.Leaf(r, OpGen.Uniform(-2, 2), c.Shape);
        var gamma = OpGen.Leaf(r, OpGen.AwayFromZero(0.5f, 1.5f), c.Shape[1]);
        var beta = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.Shape[1]);
        var mean = OpGen.Tensor(r, OpGen.Uniform(-1, 1), c.Shape[1]);
        var variance = OpGen.Tensor(r, OpGen.Uniform(0.5f, 2), c.Shape[1]);
        OpGen.AssertGradients("BatchNormInference", () => Op.BatchNormInference(x, gamma, beta, mean, variance), x, gamma, beta);
    });

    [Property(MaxTest = Runs)]
    public Property BatchNorm_Forward_GivesZeroMeanUnitVariance_PerChannel() => Prop.ForAll(BatchNormCases(), c =>
    {
        var r = new Random(c.Seed);
        var x = BatchNormInput(r, c.Shape);
        var y = Op.BatchNorm(x, null, null, 0f, out var batchMean, out var batchVariance).ToArray();
        var xs = x.ToArray();
        int n = c.Shape[0], ch = c.Shape[1], s = x.Size / (n * ch);
        for (int k = 0; k < ch; k++)
        {
            var idx = Enumerable.Range(0, n).SelectMany(b => Enumerable.Range((b * ch + k) * s, s)).ToArray();
            double mx = idx.Average(i => (double)xs[i]);
            double vx = idx.Average(i => (xs[i] - mx) * (xs[i] - mx));
            double my = idx.Average(i => (double)y[i]);
            double vy = idx.Average(i => (y[i] - my) * (y[i] - my));
            Assert.True(Math.Abs(my) < 1e-5, $"channel {k}: mean {my}");
            Assert.True(Math.Abs(vy - 1) < 1e-4, $"channel {k}: variance {vy}");
            Assert.True(Math.Abs(batchMean.ReadOnlySpan[k] - mx) < 1e-5, $"channel {k}: batch mean {batchMean.ReadOnlySpan[k]} vs {mx}");
            Assert.True(Math.Abs(batchVariance.ReadOnlySpan[k] - vx) < 1e-4, $"channel {k}: batch variance {batchVariance.ReadOnlySpan[k]} vs {vx}");
        }
    });

    [Fact]
    public void Ops_RejectMismatchedShapes_WithClearMessages()
    {
        var x = Tensor.Zeros(2, 3, 5, 5);
        Assert.Contains("Conv2D", Assert.Throws<ArgumentException>(() => Op.Conv2D(x, Tensor.Zeros(4, 2, 3, 3), null)).Message);
        Assert.Contains("ConvTranspose2D", Assert.Throws<ArgumentException>(() => Op.ConvTranspose2D(x, Tensor.Zeros(3, 4, 3, 3), null, 2, 0, 2)).Message);
        Assert.Contains("MaxPool2D", Assert.Throws<ArgumentException>(() => Op.MaxPool2D(Tensor.Zeros(2, 3, 5), 2)).Message);
        Assert.Contains("Upsample2D", Assert.Throws<ArgumentException>(() => Op.Upsample2D(x, 0)).Message);
        Assert.Contains("BatchNorm", Assert.Throws<ArgumentException>(() => Op.BatchNorm(x, Tensor.Ones(4), null)).Message);
        Assert.Contains("one value per channel", Assert.Throws<ArgumentException>(() => Op.BatchNorm(Tensor.Zeros(1, 3), null, null)).Message);
    }
}
