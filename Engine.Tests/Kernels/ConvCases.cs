using Engine.Kernels;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace Engine.Tests.Kernels;

/// <summary>A random convolution shape plus the seed for its data.</summary>
public sealed record ConvCase(Conv2DShape Shape, int Seed)
{
    public override string ToString() => $"{Shape}, seed {Seed}";
}

/// <summary>A random transposed-convolution shape plus the seed for its data.</summary>
public sealed record ConvTransposeCase(ConvTranspose2DShape Shape, int Seed)
{
    public override string ToString() => $"{Shape}, seed {Seed}";
}

/// <summary>A random pooling / upsampling shape plus the seed for its data.</summary>
public sealed record PoolCase(int N, int C, int H, int W, int Kernel, int Stride, int Padding, int Seed);

/// <summary>FsCheck generators for the small random shapes the convolution-family properties run on.</summary>
public static class ConvArbitraries
{
    public static Arbitrary<ConvCase> Conv() => ConvShapes(Gen.Choose(1, 4), Gen.Choose(1, 4), 9, 3).ToArbitrary();

    /// <summary>
    /// Random convolutions: batch 1–3, the given channel counts, sizes 1–<paramref name="maxSize"/>, kernels
    /// 1–<paramref name="maxKernel"/>, strides 1–3, padding 0–2 (only shapes with an output).
    /// </summary>
    public static Gen<ConvCase> ConvShapes(Gen<int> channels, Gen<int> outChannels, int maxSize, int maxKernel) =>
        from n in Gen.Choose(1, 3)
        from c in channels
        from h in Gen.Choose(1, maxSize)
        from w in Gen.Choose(1, maxSize)
        from oc in outChannels
        from kh in Gen.Choose(1, maxKernel)
        from kw in Gen.Choose(1, maxKernel)
        from sh in Gen.Choose(1, 3)
        from sw in Gen.Choose(1, 3)
        from ph in Gen.Choose(0, 2)
        from pw in Gen.Choose(0, 2)
        from seed in Gen.Choose(0, int.MaxValue)
        where h + 2 * ph >= kh && w + 2 * pw >= kw
        select new ConvCase(new Conv2DShape(n, c, h, w, oc, kh, kw, sh, sw, ph, pw), seed);

    public static Arbitrary<ConvTransposeCase> ConvTranspose() =>
        ConvTransposeShapes(Gen.Choose(1, 4), Gen.Choose(1, 4), 9, 3).ToArbitrary();

    /// <summary>
    /// Random transposed convolutions: batch 1–3, the given channel counts, sizes 1–<paramref name="maxSize"/>,
    /// kernels 1–<paramref name="maxKernel"/>, stride 1–3, padding 0–2, output padding below the stride.
    /// </summary>
    public static Gen<ConvTransposeCase> ConvTransposeShapes(Gen<int> channels, Gen<int> outChannels, int maxSize,
        int maxKernel) =>
        from n in Gen.Choose(1, 3)
        from c in channels
        from h in Gen.Choose(1, maxSize)
        from w in Gen.Choose(1, maxSize)
        from oc in outChannels
        from kh in Gen.Choose(1, maxKernel)
        from kw in Gen.Choose(1, maxKernel)
        from stride in Gen.Choose(1, 3)
        from p in Gen.Choose(0, 2)
        from op in Gen.Choose(0, stride - 1)
        from seed in Gen.Choose(0, int.MaxValue)
        let shape = new ConvTranspose2DShape(n, c, h, w, oc, kh, kw, stride, p, op)
        where shape.OH >= 1 && shape.OW >= 1
        select new ConvTransposeCase(shape, seed);

    public static Arbitrary<PoolCase> Pool() =>
        (from n in Gen.Choose(1, 3)
         from c in Gen.Choose(1, 4)
         from h in Gen.Choose(1, 9)
         from w in Gen.Choose(1, 9)
         from k in Gen.Choose(1, 3)
         from s in Gen.Choose(1, 3)
         from p in Gen.Choose(0, k / 2)
         from seed in Gen.Choose(0, int.MaxValue)
         where h + 2 * p >= k && w + 2 * p >= k
         select new PoolCase(n, c, h, w, k, s, p, seed)).ToArbitrary();
}

/// <summary>Random data and the inner products the adjoint and finite-difference checks need.</summary>
public static class ConvData
{
    public static float[] Uniform(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += (double)a[i] * b[i];
        return sum;
    }

    /// <summary>Σ |a_i·b_i|: the scale against which rounding in <see cref="Dot"/> is judged.</summary>
    public static double AbsDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += Math.Abs((double)a[i] * b[i]);
        return sum;
    }

    /// <summary>
    /// Checks <paramref name="analytic"/> against central differences of <c>loss</c> at up to
    /// <paramref name="samples"/> random indices of <paramref name="x"/> (perturbed in place and restored).
    /// </summary>
    public static void CheckGradient(Func<double> loss, float[] x, ReadOnlySpan<float> analytic, float step,
        Random random, int samples, string what)
    {
        for (int s = 0; s < Math.Min(samples, x.Length); s++)
        {
            int i = samples >= x.Length ? s : random.Next(x.Length);
            float saved = x[i];
            x[i] = saved + step;
            double plus = loss();
            x[i] = saved - step;
            double minus = loss();
            x[i] = saved;
            double numeric = (plus - minus) / ((double)(saved + step) - (saved - step));
            double diff = Math.Abs(numeric - analytic[i]);
            Assert.True(diff <= Tolerance.GradCheck * (1 + Math.Abs(numeric)),
                $"{what}[{i}]: analytic {analytic[i]:R}, numeric {numeric:R}, diff {diff:E3} " +
                $"(tolerance {Tolerance.GradCheck} relative + absolute).");
        }
    }

    /// <summary>Asserts an adjoint identity &lt;a, b&gt; = &lt;c, d&gt; up to float rounding.</summary>
    public static void AssertAdjoint(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c,
        ReadOnlySpan<float> d, string what)
    {
        double left = Dot(a, b), right = Dot(c, d);
        double scale = Math.Max(AbsDot(a, b), AbsDot(c, d));
        // Both sides are dot products of float32 kernel outputs, each a sum of up to ~10³ float32 terms, so rounding
        // of order (terms · 6e-8) relative to Σ|terms| is expected; 1e-5 failed on a 3-image bias case at 1.05e-5
        // (FsCheck replay 7755620016750539938,8001554661126217841,36). A wrong kernel errs by O(1), far above 1e-4.
        Assert.True(Math.Abs(left - right) <= 1e-4 * scale + 1e-12,
            $"{what}: <forward(x), y> = {left:R} but <x, adjoint(y)> = {right:R} (scale {scale:R}).");
    }
}
