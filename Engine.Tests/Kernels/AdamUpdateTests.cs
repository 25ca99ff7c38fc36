using Engine.Kernels;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Kernels;

/// <summary>One random Adam update: parameter length, step number, weight-decay mode and the seed of its data.</summary>
public sealed record AdamCase(int Length, int Step, int Decay, int Seed)
{
    /// <summary>Printed by FsCheck on failure.</summary>
    public override string ToString() => $"length {Length}, step {Step}, decay mode {Decay}, seed {Seed}";
}

/// <summary>Lengths: 0, 1, odd and prime sizes, around the vector widths (8, 16) and past the parallel block (32768).</summary>
public static class AdamArbitraries
{
    private static readonly int[] Lengths = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 97, 32767, 32768, 70001];

    /// <summary>Random cases.</summary>
    public static Arbitrary<AdamCase> Cases() =>
        (from length in Gen.OneOf(Gen.Elements(Lengths), Gen.Choose(0, 200))
         from step in Gen.Choose(1, 5000)
         from decay in Gen.Choose(0, 2)
         from seed in Gen.Choose(0, int.MaxValue - 1)
         select new AdamCase(length, step, decay, seed)).ToArbitrary();
}

[Trait("Layer", "Kernels")]
[Collection(ParallelismCollection.Name)]
public sealed class AdamUpdateTests
{
    private static float[] Random(Random r, int n, float lo, float hi)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * r.NextSingle();
        return a;
    }

    // The SIMD path uses the reference's operations lane by lane (no FMA), so the two agree to the bit, and the
    // split across threads changes nothing because elements are independent.
    [Property(Arbitrary = [typeof(AdamArbitraries)], MaxTest = 60)]
    public void Update_RandomLengths_BitwiseEqualsReferenceOnOneAndTwoThreads(AdamCase t)
    {
        var r = new Random(t.Seed);
        var gradient = Random(r, t.Length, -2f, 2f);
        var theta = Random(r, t.Length, -1f, 1f);
        var m = Random(r, t.Length, -0.5f, 0.5f);
        var v = Random(r, t.Length, 0f, 0.5f);
        var step = new AdamStep(1e-3f, 0.9f, 0.999f, 1e-8f, t.Decay == 0 ? 0f : 0.01f, t.Decay == 2, t.Step);
        var (eTheta, eM, eV) = ((float[])theta.Clone(), (float[])m.Clone(), (float[])v.Clone());
        AdamUpdate.UpdateReference(gradient, step, eTheta, eM, eV);
        int saved = Parallelism.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Parallelism.MaxThreads = threads;
                var (aTheta, aM, aV) = ((float[])theta.Clone(), (float[])m.Clone(), (float[])v.Clone());
                AdamUpdate.Update(gradient, step, aTheta, aM, aV);
                TensorAssert.BitwiseEqual(eTheta, aTheta, $"θ, {t}, {threads} thread(s)");
                TensorAssert.BitwiseEqual(eM, aM, $"m, {t}, {threads} thread(s)");
                TensorAssert.BitwiseEqual(eV, aV, $"v, {t}, {threads} thread(s)");
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    // The reference itself against the paper's formula in double (Kingma & Ba, Algorithm 1; AdamW's decoupled decay).
    [Property(Arbitrary = [typeof(AdamArbitraries)], MaxTest = 60)]
    public void UpdateReference_MatchesThePaperInDouble(AdamCase t)
    {
        int n = Math.Min(t.Length, 64);
        var r = new Random(t.Seed);
        var gradient = Random(r, n, -2f, 2f);
        var theta = Random(r, n, -1f, 1f);
        var m = Random(r, n, -0.5f, 0.5f);
        var v = Random(r, n, 0.01f, 0.5f);
        float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = t.Decay == 0 ? 0f : 0.01f;
        var (aTheta, aM, aV) = ((float[])theta.Clone(), (float[])m.Clone(), (float[])v.Clone());
        AdamUpdate.UpdateReference(gradient, new AdamStep(lr, b1, b2, eps, wd, t.Decay == 2, t.Step), aTheta, aM, aV);
        for (int i = 0; i < n; i++)
        {
            double g = gradient[i] + (t.Decay == 1 ? wd * (double)theta[i] : 0);
            double th = t.Decay == 2 ? theta[i] * (1 - (double)lr * wd) : theta[i];
            double mi = b1 * (double)m[i] + (1 - (double)b1) * g;
            double vi = b2 * (double)v[i] + (1 - (double)b2) * g * g;
            double mHat = mi / (1 - Math.Pow(b1, t.Step)), vHat = vi / (1 - Math.Pow(b2, t.Step));
            th -= lr * mHat / (Math.Sqrt(vHat) + eps);
            Assert.Equal(mi, aM[i], Tolerance.KernelAbsolute);
            Assert.Equal(vi, aV[i], Tolerance.KernelAbsolute);
            Assert.Equal(th, aTheta[i], Tolerance.KernelAbsolute);
        }
    }

    [Fact]
    public void Update_MismatchedLengths_ThrowsNamingAdam()
    {
        var step = new AdamStep(1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 1);
        var e = Assert.Throws<ArgumentException>(() => AdamUpdate.Update(new float[3], step, new float[3], new float[2], new float[3]));
        Assert.Contains("Adam", e.Message, StringComparison.Ordinal);
    }
}
