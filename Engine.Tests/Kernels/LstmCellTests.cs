using Engine.Kernels;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Kernels;

/// <summary>One random LSTM-cell problem: batch rows, hidden size and the seed of its data.</summary>
public sealed record LstmCellCase(int Batch, int Hidden, int Seed);

/// <summary>Generators: B and H mix 1, odd and prime sizes, and sizes around the vector widths (8 and 16 floats).</summary>
public static class LstmCellArbitraries
{
    private static readonly int[] Batches = [1, 2, 3, 5, 7, 8, 16, 17];
    private static readonly int[] Hiddens = [1, 2, 3, 5, 7, 8, 9, 13, 15, 16, 17, 23, 31, 32, 33, 47, 64, 65];

    /// <summary>Random cases.</summary>
    public static Arbitrary<LstmCellCase> Cases()
    {
        var gen =
            from b in Gen.OneOf(Gen.Elements(Batches), Gen.Choose(1, 20))
            from h in Gen.OneOf(Gen.Elements(Hiddens), Gen.Choose(1, 70))
            from seed in Gen.Choose(0, int.MaxValue)
            select new LstmCellCase(b, h, seed);
        return gen.ToArbitrary();
    }
}

[Trait("Layer", "Kernels")]
public sealed class LstmCellTests
{
    private static float[] Random(Random r, int n, float scale)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (r.NextSingle() * 2 - 1) * scale;
        return a;
    }

    [Property(Arbitrary = [typeof(LstmCellArbitraries)], MaxTest = 80)]
    public void Forward_RandomShapes_MatchesReference(LstmCellCase t)
    {
        var r = new Random(t.Seed);
        int bh = t.Batch * t.Hidden;
        var preact = Random(r, 4 * bh, 4f);
        var cPrev = Random(r, bh, 2f);
        var (g1, c1, tc1, h1) = ((float[])preact.Clone(), new float[bh], new float[bh], new float[bh]);
        var (g2, c2, tc2, h2) = ((float[])preact.Clone(), new float[bh], new float[bh], new float[bh]);
        LstmCell.ForwardReference(cPrev, t.Batch, t.Hidden, g1, c1, tc1, h1);
        LstmCell.Forward(cPrev, t.Batch, t.Hidden, g2, c2, tc2, h2);
        TensorAssert.AllClose(g1, g2, Tolerance.Kernel, Tolerance.KernelAbsolute, "gates");
        TensorAssert.AllClose(c1, c2, Tolerance.Kernel, Tolerance.KernelAbsolute, "cell");
        TensorAssert.AllClose(tc1, tc2, Tolerance.Kernel, Tolerance.KernelAbsolute, "cellTanh");
        TensorAssert.AllClose(h1, h2, Tolerance.Kernel, Tolerance.KernelAbsolute, "hidden");
    }

    [Property(Arbitrary = [typeof(LstmCellArbitraries)], MaxTest = 80)]
    public void Backward_RandomShapes_MatchesReferenceAndAccumulates(LstmCellCase t)
    {
        var r = new Random(t.Seed);
        int bh = t.Batch * t.Hidden;
        var gates = Random(r, 4 * bh, 4f);
        var cPrev = Random(r, bh, 2f);
        var c = new float[bh];
        var tc = new float[bh];
        var h = new float[bh];
        LstmCell.ForwardReference(cPrev, t.Batch, t.Hidden, gates, c, tc, h);
        var gh = Random(r, bh, 1f);
        var gc = Random(r, bh, 1f);
        // Non-zero starting gradients: both kernels must add to them, not overwrite them.
        var gz0 = Random(r, 4 * bh, 1f);
        var gcp0 = Random(r, bh, 1f);
        var (gz1, gcp1) = ((float[])gz0.Clone(), (float[])gcp0.Clone());
        var (gz2, gcp2) = ((float[])gz0.Clone(), (float[])gcp0.Clone());
        LstmCell.BackwardReference(gates, cPrev, tc, gh, gc, t.Batch, t.Hidden, gz1, gcp1);
        LstmCell.Backward(gates, cPrev, tc, gh, gc, t.Batch, t.Hidden, gz2, gcp2);
        TensorAssert.AllClose(gz1, gz2, Tolerance.Kernel, Tolerance.KernelAbsolute, "gradGates");
        TensorAssert.AllClose(gcp1, gcp2, Tolerance.Kernel, Tolerance.KernelAbsolute, "gradCellPrev");

        // Accumulation: from zero the kernel yields the difference.
        var (gz3, gcp3) = (new float[4 * bh], new float[bh]);
        LstmCell.Backward(gates, cPrev, tc, gh, gc, t.Batch, t.Hidden, gz3, gcp3);
        for (int i = 0; i < gz3.Length; i++) gz3[i] += gz0[i];
        TensorAssert.AllClose(gz2, gz3, Tolerance.Kernel, Tolerance.KernelAbsolute, "gradGates accumulated");
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 2, 5)]
    [InlineData(4, 7, 17)]
    public void BackwardReference_MatchesFiniteDifferencesOfForwardReference(int batch, int hidden, int seed)
    {
        // The reference backward is the oracle of the SIMD one, so check it against the forward it differentiates.
        var r = new Random(seed);
        int bh = batch * hidden;
        var preact = Random(r, 4 * bh, 2f);
        var cPrev = Random(r, bh, 1f);
        var wh = Random(r, bh, 1f);
        var wc = Random(r, bh, 1f);
        double Loss(float[] z, float[] cp)
        {
            var (g, c, tc, h) = ((float[])z.Clone(), new float[bh], new float[bh], new float[bh]);
            LstmCell.ForwardReference(cp, batch, hidden, g, c, tc, h);
            double sum = 0;
            for (int i = 0; i < bh; i++) sum += (double)wh[i] * h[i] + (double)wc[i] * c[i];
            return sum;
        }
        var gates = (float[])preact.Clone();
        var (cc, tcc, hh) = (new float[bh], new float[bh], new float[bh]);
        LstmCell.ForwardReference(cPrev, batch, hidden, gates, cc, tcc, hh);
        var gz = new float[4 * bh];
        var gcp = new float[bh];
        LstmCell.BackwardReference(gates, cPrev, tcc, wh, wc, batch, hidden, gz, gcp);
        const float step = 1e-2f;
        for (int i = 0; i < preact.Length; i++)
        {
            var (p, m) = ((float[])preact.Clone(), (float[])preact.Clone());
            p[i] += step;
            m[i] -= step;
            double numeric = (Loss(p, cPrev) - Loss(m, cPrev)) / (p[i] - (double)m[i]);
            Assert.True(Math.Abs(numeric - gz[i]) <= 1e-3 + 1e-2 * Math.Abs(numeric), $"dz[{i}]: analytic {gz[i]}, numeric {numeric}");
        }
        for (int i = 0; i < bh; i++)
        {
            var (p, m) = ((float[])cPrev.Clone(), (float[])cPrev.Clone());
            p[i] += step;
            m[i] -= step;
            double numeric = (Loss(preact, p) - Loss(preact, m)) / (p[i] - (double)m[i]);
            Assert.True(Math.Abs(numeric - gcp[i]) <= 1e-3 + 1e-2 * Math.Abs(numeric), $"dc[{i}]: analytic {gcp[i]}, numeric {numeric}");
        }
    }

    [Property(Arbitrary = [typeof(LstmCellArbitraries)], MaxTest = 30)]
    public void GatePreactivations_MatchNaiveSums(LstmCellCase t)
    {
        var r = new Random(t.Seed);
        int inF = 1 + t.Seed % 9, g = 4 * t.Hidden;
        var x = Random(r, t.Batch * inF, 1f);
        var h = Random(r, t.Batch * t.Hidden, 1f);
        var wi = Random(r, g * inF, 1f);
        var wh = Random(r, g * t.Hidden, 1f);
        var bi = Random(r, g, 1f);
        var bhh = Random(r, g, 1f);
        var expected = new float[t.Batch * g];
        for (int b = 0; b < t.Batch; b++)
            for (int k = 0; k < g; k++)
            {
                double s = bi[k] + (double)bhh[k];
                for (int p = 0; p < inF; p++) s += (double)x[b * inF + p] * wi[k * inF + p];
                for (int p = 0; p < t.Hidden; p++) s += (double)h[b * t.Hidden + p] * wh[k * t.Hidden + p];
                expected[b * g + k] = (float)s;
            }
        var actual = new float[t.Batch * g];
        LstmCell.GatePreactivations(x, h, wi, wh, bi, bhh, t.Batch, inF, t.Hidden, actual);
        TensorAssert.AllClose(expected, actual, Tolerance.Kernel, Tolerance.KernelAbsolute * (inF + t.Hidden), "gates");
    }

    [Property(Arbitrary = [typeof(LstmCellArbitraries)], MaxTest = 30)]
    public void BackwardBias_AccumulatesColumnSums(LstmCellCase t)
    {
        var r = new Random(t.Seed);
        int g = 4 * t.Hidden;
        var dz = Random(r, t.Batch * g, 1f);
        var start = Random(r, g, 1f);
        var expected = new float[g];
        for (int k = 0; k < g; k++)
        {
            double s = start[k];
            for (int b = 0; b < t.Batch; b++) s += dz[b * g + k];
            expected[k] = (float)s;
        }
        LstmCell.BackwardBias(dz, t.Batch, t.Hidden, start);
        TensorAssert.AllClose(expected, start, Tolerance.Kernel, Tolerance.KernelAbsolute * t.Batch, "gradBias");
    }

    [Fact]
    public void Kernels_ShortSpans_ThrowArgumentExceptionNamingTheSpan()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            LstmCell.Forward(new float[6], 2, 3, new float[24], new float[6], new float[5], new float[6]));
        Assert.Contains("cellTanh", ex.Message);
        ex = Assert.Throws<ArgumentException>(() =>
            LstmCell.Backward(new float[24], new float[6], new float[6], new float[6], new float[6], 2, 3, new float[23], new float[6]));
        Assert.Contains("gradGates", ex.Message);
    }
}
