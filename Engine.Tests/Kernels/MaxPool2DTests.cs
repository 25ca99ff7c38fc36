using Engine.Kernels;
using Engine.Tests.Testing;
using FsCheck.Xunit;
using static Engine.Tests.Kernels.ConvData;

namespace Engine.Tests.Kernels;

[Trait("Layer", "Kernels")]
[Collection("Parallelism")]
public sealed class MaxPool2DTests
{
    private static (int Oh, int Ow, int Length) Out(PoolCase p)
    {
        int oh = MaxPool2DKernel.OutputSize(p.H, p.Kernel, p.Stride, p.Padding);
        int ow = MaxPool2DKernel.OutputSize(p.W, p.Kernel, p.Stride, p.Padding);
        return (oh, ow, p.N * p.C * oh * ow);
    }

    // Distinct values 0.01 apart in random order: a finite-difference step of 1e-3 never changes a window's winner.
    private static float[] DistinctValues(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = (i - length / 2) * 0.01f;
        random.Shuffle(values);
        return values;
    }

    [Property(Arbitrary = [typeof(ConvArbitraries)], MaxTest = 80)]
    public void Forward_And_Backward_MatchReference(PoolCase p)
    {
        var random = new Random(p.Seed);
        (_, _, int length) = Out(p);
        float[] x = Uniform(random, p.N * p.C * p.H * p.W);
        // Repeated values exercise the tie rule (first maximum wins).
        for (int i = 0; i < x.Length; i += 3)
            x[i] = 0.5f;
        float[] expected = new float[length], actual = new float[length];
        int[] expectedIdx = new int[length], actualIdx = new int[length];
        MaxPool2DKernel.ForwardReference(x, p.N, p.C, p.H, p.W, p.Kernel, p.Stride, p.Padding, expected, expectedIdx);
        MaxPool2DKernel.Forward(x, p.N, p.C, p.H, p.W, p.Kernel, p.Stride, p.Padding, actual, actualIdx);
        TensorAssert.BitwiseEqual(expected, actual, $"Forward {p}");
        Assert.Equal(expectedIdx, actualIdx);

        float[] g = Uniform(random, length), start = Uniform(random, x.Length);
        float[] gradRef = (float[])start.Clone(), grad = (float[])start.Clone();
        MaxPool2DKernel.BackwardReference(g, expectedIdx, p.N, p.C, p.H, p.W, p.Kernel, p.Stride, p.Padding, gradRef);
        MaxPool2DKernel.Backward(g, actualIdx, p.N, p.C, p.H, p.W, p.Kernel, p.Stride, p.Padding, grad);
        TensorAssert.AllClose(gradRef, grad, Tolerance.Kernel, Tolerance.KernelAbsolute, $"Backward {p}");
    }

    [Property(Arbitrary = [typeof(ConvArbitraries)], MaxTest = 80)]
    public void Backward_MatchesFiniteDifferences(PoolCase p)
    {
        var random = new Random(p.Seed);
        (_, _, int length) = Out(p);
        float[] x = DistinctValues(random, p.N * p.C * p.H * p.W), r = Uniform(random, length);
        float[] y = new float[length];
        int[] idx = new int[length];
        double Loss()
        {
            MaxPool2DKernel.ForwardReference(x, p.N, p.C, p.H, p.W, p.Kernel, p.Stride, p.Padding, y, idx);
            return Dot(r, y);
        }

        Loss();
        var grad = new float[x.Length];
        MaxPool2DKernel.Backward(r, idx, p.N, p.C, p.H, p.W, p.Kernel, p.Stride, p.Padding, grad);
        CheckGradient(Loss, x, grad, 1e-3f, random, 16, $"gradInput {p}");
    }

    [Fact]
    public void Forward_PropagatesNaN_AndIgnoresPadding()
    {
        // 1 plane 2x2, kernel 2, stride 1, padding 1 -> 3x3 windows, each clipped to the image.
        float[] x = [-3, -1, float.NaN, -2];
        float[] y = new float[9];
        int[] idx = new int[9];
        MaxPool2DKernel.Forward(x, 1, 1, 2, 2, 2, 1, 1, y, idx);
        // Top-left window sees only x[0]: padding must not win with 0 or −∞.
        Assert.Equal(-3f, y[0]);
        Assert.Equal(0, idx[0]);
        Assert.Equal(-1f, y[2]);
        Assert.True(float.IsNaN(y[4]), "the window holding the NaN must output NaN");
        Assert.Equal(2, idx[4]);
    }

    [Fact]
    public void Kernels_AreBitwiseIdentical_ForAnyThreadCount()
    {
        var random = new Random(Seeds.Default);
        const int n = 4, c = 5, h = 13, w = 11, k = 3, s = 2, pad = 1;
        int length = n * c * MaxPool2DKernel.OutputSize(h, k, s, pad) * MaxPool2DKernel.OutputSize(w, k, s, pad);
        float[] x = Uniform(random, n * c * h * w), g = Uniform(random, length);
        (float[] Y, float[] Grad) Run()
        {
            float[] y = new float[length], grad = new float[x.Length];
            int[] idx = new int[length];
            MaxPool2DKernel.Forward(x, n, c, h, w, k, s, pad, y, idx);
            MaxPool2DKernel.Backward(g, idx, n, c, h, w, k, s, pad, grad);
            return (y, grad);
        }

        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            var one = Run();
            foreach (int threads in new[] { 2, 3 })
            {
                Parallelism.MaxThreads = threads;
                var many = Run();
                TensorAssert.BitwiseEqual(one.Y, many.Y, $"Forward with {threads} threads");
                TensorAssert.BitwiseEqual(one.Grad, many.Grad, $"Backward with {threads} threads");
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Fact]
    public void Kernels_RejectBadArguments_WithClearMessages()
    {
        float[] x = new float[2 * 3 * 4 * 4], y = new float[2 * 3 * 2 * 2];
        int[] idx = new int[y.Length];
        var e = Assert.Throws<ArgumentException>(() => MaxPool2DKernel.Forward(x, 2, 3, 4, 4, 2, 2, 2, y, idx));
        Assert.Contains("MaxPool2DKernel.Forward", e.Message);
        Assert.Contains("padding", e.Message);
        e = Assert.Throws<ArgumentException>(() => MaxPool2DKernel.Forward(x, 2, 3, 4, 4, 2, 2, 0, y, new int[3]));
        Assert.Contains("indices", e.Message);
        e = Assert.Throws<ArgumentException>(() => MaxPool2DKernel.Forward(x, 2, 3, 4, 4, 2, 0, 0, y, idx));
        Assert.Contains("stride", e.Message);
        idx[5] = 16;
        e = Assert.Throws<ArgumentException>(() => MaxPool2DKernel.Backward(y, idx, 2, 3, 4, 4, 2, 2, 0, x));
        Assert.Contains("indices[5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => MaxPool2DKernel.Backward(y, new int[y.Length], 2, 3, 4, 4, 2, 2, 0, new float[5]));
        Assert.Contains("gradInput", e.Message);
    }
}
