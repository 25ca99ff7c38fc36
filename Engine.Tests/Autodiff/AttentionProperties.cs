using Engine.Autodiff.Ops;
using Engine.Tensors;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Autodiff;

/// <summary>One random attention case: sizes, which masks, and the seed of the data.</summary>
public sealed record AttentionCase(int B, int H, int Tq, int Tk, int D, int Dv, bool Padding, bool Causal, int Seed)
{
    /// <summary>Printed by FsCheck on failure.</summary>
    public override string ToString() =>
        $"B {B}, H {H}, Tq {Tq}, Tk {Tk}, D {D}, Dv {Dv}, padding {Padding}, causal {Causal}, seed {Seed}";
}

/// <summary>
/// ScaledDotProductAttention against a naive per-head loop in double, and the mask guarantees: no gradient
/// reaches a masked key or value, masked keys and values cannot change the output, fully masked rows are zeros.
/// </summary>
[Trait("Layer", "Autodiff")]
public sealed class AttentionProperties
{
    private static readonly int[] Sizes = [1, 2, 3, 5, 7, 16, 17];

    private static Arbitrary<AttentionCase> Cases(int[] sizes) =>
        (from b in Gen.Choose(1, 3)
         from h in Gen.Choose(1, 3)
         from tq in Gen.Elements(sizes)
         from tk in Gen.Elements(sizes)
         from d in Gen.Elements(sizes)
         from dv in Gen.Elements(sizes)
         from padding in Gen.Elements(true, false)
         from causal in Gen.Elements(true, false)
         from seed in OpGen.Seed
         select new AttentionCase(b, h, tq, tk, d, dv, padding, causal, seed)).ToArbitrary();

    internal static (Tensor Q, Tensor K, Tensor V, Tensor? Mask) Inputs(AttentionCase c, bool requiresGrad = false)
    {
        var r = new Random(c.Seed);
        var q = OpGen.Tensor(r, OpGen.Uniform(-1, 1), c.B, c.H, c.Tq, c.D);
        var k = OpGen.Tensor(r, OpGen.Uniform(-1, 1), c.B, c.H, c.Tk, c.D);
        var v = OpGen.Tensor(r, OpGen.Uniform(-1, 1), c.B, c.H, c.Tk, c.Dv);
        (q.RequiresGrad, k.RequiresGrad, v.RequiresGrad) = (requiresGrad, requiresGrad, requiresGrad);
        Tensor? mask = null;
        if (c.Padding)
        {
            // About a third of the keys padded; some rows may end up fully masked.
            mask = Tensor.Zeros(c.B, c.Tk);
            for (int i = 0; i < mask.Size; i++) mask.Span[i] = r.Next(3) == 0 ? 0f : 1f;
        }
        return (q, k, v, mask);
    }

    /// <summary>softmax(q·kᵀ/√D with masked entries removed)·v, one head at a time, in double.</summary>
    internal static float[] NaiveAttention(Tensor q, Tensor k, Tensor v, Tensor? mask, bool causal)
    {
        int b = q.Shape[0], h = q.Shape[1], tq = q.Shape[2], d = q.Shape[3], tk = k.Shape[2], dv = v.Shape[3];
        var output = new float[b * h * tq * dv];
        var weights = new double[tk];
        for (int ib = 0; ib < b; ib++)
            for (int ih = 0; ih < h; ih++)
                for (int i = 0; i < tq; i++)
                {
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < tk; j++)
                    {
                        bool visible = (!causal || j <= i) && (mask is null || mask[ib, j] != 0f);
                        double s = 0;
                        for (int e = 0; e < d; e++) s += (double)q[ib, ih, i, e] * k[ib, ih, j, e];
                        weights[j] = visible ? s / Math.Sqrt(d) : double.NegativeInfinity;
                        max = Math.Max(max, weights[j]);
                    }
                    if (double.IsNegativeInfinity(max)) continue; // every key masked: the row stays zero
                    double sum = 0;
                    for (int j = 0; j < tk; j++) sum += weights[j] = Math.Exp(weights[j] - max);
                    for (int e = 0; e < dv; e++)
                    {
                        double acc = 0;
                        for (int j = 0; j < tk; j++) acc += weights[j] / sum * v[ib, ih, j, e];
                        output[((ib * h + ih) * tq + i) * dv + e] = (float)acc;
                    }
                }
        return output;
    }

    // Keys that no query may see: padded ones, and with a causal mask those after the last query.
    private static bool Hidden(AttentionCase c, Tensor? mask, int b, int j) =>
        (mask is not null && mask[b, j] == 0f) || (c.Causal && j >= c.Tq);

    [Property(MaxTest = 60)]
    public Property Forward_MatchesNaivePerHeadLoop() => Prop.ForAll(Cases(Sizes), c =>
    {
        var (q, k, v, mask) = Inputs(c);
        var output = Op.ScaledDotProductAttention(q, k, v, mask, c.Causal);
        Assert.Equal(new Shape(c.B, c.H, c.Tq, c.Dv), output.Shape);
        TensorAssert.AllClose(NaiveAttention(q, k, v, mask, c.Causal), output.ReadOnlySpan, Tolerance.Kernel,
            Tolerance.KernelAbsolute, $"attention {c}");
    });

    [Property(MaxTest = 40)]
    public Property MaskedKeysAndValues_GetNoGradient_AndCannotChangeTheOutput() => Prop.ForAll(Cases(Sizes), c =>
    {
        var (q, k, v, mask) = Inputs(c, requiresGrad: true);
        var output = Op.ScaledDotProductAttention(q, k, v, mask, c.Causal);
        var seed = OpGen.Tensor(new Random(c.Seed + 1), OpGen.Uniform(-1, 1), c.B, c.H, c.Tq, c.Dv);
        output.Backward(seed);

        var k2 = k.Detach().Clone();
        var v2 = v.Detach().Clone();
        var r = new Random(c.Seed + 2);
        for (int b = 0; b < c.B; b++)
            for (int j = 0; j < c.Tk; j++)
            {
                if (!Hidden(c, mask, b, j)) continue;
                for (int h = 0; h < c.H; h++)
                {
                    for (int e = 0; e < c.D; e++)
                    {
                        Assert.True(k.Grad![b, h, j, e] == 0f, $"{c}: dk[{b},{h},{j},{e}] = {k.Grad[b, h, j, e]} at a masked key.");
                        k2.Span[((b * c.H + h) * c.Tk + j) * c.D + e] = 100f * r.NextSingle() - 50f;
                    }
                    for (int e = 0; e < c.Dv; e++)
                    {
                        Assert.True(v.Grad![b, h, j, e] == 0f, $"{c}: dv[{b},{h},{j},{e}] = {v.Grad[b, h, j, e]} at a masked key.");
                        v2.Span[((b * c.H + h) * c.Tk + j) * c.Dv + e] = 100f * r.NextSingle() - 50f;
                    }
                }
            }
        var again = Op.ScaledDotProductAttention(q.Detach(), k2, v2, mask, c.Causal);
        TensorAssert.BitwiseEqual(output.ReadOnlySpan, again.ReadOnlySpan, $"output after changing masked keys/values, {c}");
    });

    [Fact]
    public void FullyMaskedRows_GiveZeros_AndNoNaNGradients()
    {
        var c = new AttentionCase(2, 2, 3, 4, 5, 3, true, false, Seeds.Default);
        var (q, k, v, _) = Inputs(c, requiresGrad: true);
        var mask = Tensor.FromArray([0f, 0f, 0f, 0f, 1f, 0f, 1f, 1f], 2, 4); // batch 0: every key is padding
        var output = Op.ScaledDotProductAttention(q, k, v, mask);
        var seed = OpGen.Tensor(new Random(1), OpGen.Uniform(-1, 1), 2, 2, 3, 3);
        output.Backward(seed);
        int half = output.Size / 2;
        Assert.All(output.ToArray()[..half], x => Assert.Equal(0f, x));
        Assert.Contains(output.ToArray()[half..], x => x != 0f);
        foreach (var t in new[] { q, k, v })
        {
            Assert.All(t.Grad!.ToArray(), x => Assert.True(float.IsFinite(x)));
            Assert.All(t.Grad!.ToArray()[..(t.Size / 2)], x => Assert.Equal(0f, x));
        }
    }

    [Fact]
    public void Causal_FirstQuery_SeesOnlyTheFirstKey()
    {
        var c = new AttentionCase(1, 1, 4, 4, 3, 2, false, true, Seeds.Default);
        var (q, k, v, _) = Inputs(c);
        var output = Op.ScaledDotProductAttention(q, k, v, causal: true);
        // Softmax over one key is 1, so row 0 is exactly v[0].
        TensorAssert.BitwiseEqual(v.ReadOnlySpan[..2], output.ReadOnlySpan[..2], "causal row 0");
    }

    [Property(MaxTest = 12)]
    public Property Gradients_MatchGradCheck() => Prop.ForAll(Cases([1, 2, 3, 5]), c =>
    {
        var (q, k, v, mask) = Inputs(c, requiresGrad: true);
        OpGen.AssertGradients($"attention {c}", () => Op.ScaledDotProductAttention(q, k, v, mask, c.Causal), q, k, v);
    });

    [Fact]
    public void Dropout_GradientsMatchGradCheck_WithTheSameSeededMask()
    {
        var c = new AttentionCase(2, 2, 3, 4, 3, 2, true, true, Seeds.Default);
        var (q, k, v, mask) = Inputs(c, requiresGrad: true);
        // A fresh Random with the same seed on every call, so every GradCheck evaluation drops the same weights.
        OpGen.AssertGradients("attention with dropout",
            () => Op.ScaledDotProductAttention(q, k, v, mask, true, 0.3f, new Random(7)), q, k, v);
    }

    [Fact]
    public void Dropout_ZeroesSomeWeights_AndKeepsTheExpectation()
    {
        var c = new AttentionCase(4, 2, 6, 6, 4, 4, false, false, Seeds.Default);
        var (q, k, v, _) = Inputs(c);
        var plain = Op.ScaledDotProductAttention(q, k, v);
        var mean = new double[plain.Size];
        const int draws = 400;
        var random = new Random(5);
        for (int n = 0; n < draws; n++)
        {
            var dropped = Op.ScaledDotProductAttention(q, k, v, dropout: 0.5f, random: random);
            for (int i = 0; i < mean.Length; i++) mean[i] += dropped.ReadOnlySpan[i] / (double)draws;
        }
        var once = Op.ScaledDotProductAttention(q, k, v, dropout: 0.5f, random: new Random(5));
        Assert.False(once.ToArray().SequenceEqual(plain.ToArray()), "dropout 0.5 changed nothing");
        // Inverted dropout is unbiased: the mean over many masks approaches the plain output (std error ≈ 0.03).
        TensorAssert.AllClose(plain.ReadOnlySpan, mean.Select(x => (float)x).ToArray(), 0f, 0.15f, "mean over masks");
    }

    [Property(MaxTest = OpGen.Runs)]
    public Property SplitHeads_MatchesIndexing_AndGradCheck() => Prop.ForAll(
        (from b in Gen.Choose(1, 3) from t in Gen.Choose(1, 4) from h in Gen.Choose(1, 3) from dh in Gen.Choose(1, 3)
         from extra in Gen.Choose(0, 5) from seed in OpGen.Seed select (b, t, h, dh, extra, seed)).ToArbitrary(),
        c =>
        {
            int width = c.h * c.dh, offset = c.extra / 2, columns = width + c.extra;
            var x = OpGen.Leaf(new Random(c.seed), OpGen.Uniform(-1, 1), c.b, c.t, columns);
            var y = Op.SplitHeads(x, c.h, offset, width);
            Assert.Equal(new Shape(c.b, c.h, c.t, c.dh), y.Shape);
            for (int b = 0; b < c.b; b++)
                for (int h = 0; h < c.h; h++)
                    for (int t = 0; t < c.t; t++)
                        for (int i = 0; i < c.dh; i++)
                            Assert.Equal(x[b, t, offset + h * c.dh + i], y[b, h, t, i]);
            OpGen.AssertGradients("SplitHeads", () => Op.SplitHeads(x, c.h, offset, width), x);
        });

    [Fact]
    public void BadShapes_ThrowArgumentException_NamingTheOp()
    {
        var q = Tensor.Zeros(1, 2, 3, 4);
        var ex = Assert.Throws<ArgumentException>(() => Op.ScaledDotProductAttention(q, Tensor.Zeros(1, 2, 3, 5), q));
        Assert.Contains("ScaledDotProductAttention", ex.Message);
        Assert.Throws<ArgumentException>(() => Op.ScaledDotProductAttention(q, q, q, Tensor.Zeros(1, 4)));
        Assert.Throws<ArgumentException>(() => Op.ScaledDotProductAttention(q, q, q, dropout: 0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => Op.ScaledDotProductAttention(q, q, q, dropout: 1f, random: new Random(1)));
        Assert.Contains("SplitHeads", Assert.Throws<ArgumentException>(() => Op.SplitHeads(Tensor.Zeros(1, 2, 6), 4, 0, 6)).Message);
    }
}
