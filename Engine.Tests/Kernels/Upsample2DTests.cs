using Engine.Kernels;
using Engine.Tests.Testing;
using FsCheck.Xunit;
using static Engine.Tests.Kernels.ConvData;

namespace Engine.Tests.Kernels;

[Trait("Layer", "Kernels")]
[Collection("Parallelism")]
public sealed class Upsample2DTests
{
    // PoolCase's Kernel (1-3) serves as the scale factor.
    [Property(Arbitrary = [typeof(ConvArbitraries)], MaxTest = 80)]
    public void Forward_And_Backward_MatchReference_AndAreAdjoint(PoolCase p)
    {
        var random = new Random(p.Seed);
        int s = p.Kernel, small = p.N * p.C * p.H * p.W, large = small * s * s;
        float[] x = Uniform(random, small), g = Uniform(random, large);
        float[] expected = new float[large], actual = new float[large];
        Upsample2DKernel.ForwardReference(x, p.N, p.C, p.H, p.W, s, expected);
        Upsample2DKernel.Forward(x, p.N, p.C, p.H, p.W, s, actual);
        TensorAssert.BitwiseEqual(expected, actual, $"Forward {p}");

        float[] start = Uniform(random, small);
        float[] gradRef = (float[])start.Clone(), grad = (float[])start.Clone();
        Upsample2DKernel.BackwardReference(g, p.N, p.C, p.H, p.W, s, gradRef);
        Upsample2DKernel.Backward(g, p.N, p.C, p.H, p.W, s, grad);
        TensorAssert.AllClose(gradRef, grad, Tolerance.Kernel, Tolerance.KernelAbsolute, $"Backward {p}");

        // <up(x), g> = <x, up'(g)>; the forward is linear, so this is the whole finite-difference story too.
        var adjoint = new float[small];
        Upsample2DKernel.Backward(g, p.N, p.C, p.H, p.W, s, adjoint);
        AssertAdjoint(actual, g, x, adjoint, $"adjoint {p}");
    }

    [Fact]
    public void Forward_CopiesEachPixelIntoAnSBySBlock()
    {
        float[] x = [1, 2, 3, 4];
        var y = new float[16];
        Upsample2DKernel.Forward(x, 1, 1, 2, 2, 2, y);
        Assert.Equal([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4], y);
    }

    [Fact]
    public void Kernels_AreBitwiseIdentical_ForAnyThreadCount()
    {
        var random = new Random(Seeds.Default);
        const int n = 3, c = 7, h = 9, w = 10, s = 3;
        float[] x = Uniform(random, n * c * h * w), g = Uniform(random, n * c * h * w * s * s);
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            float[] y1 = new float[g.Length], g1 = new float[x.Length];
            Upsample2DKernel.Forward(x, n, c, h, w, s, y1);
            Upsample2DKernel.Backward(g, n, c, h, w, s, g1);
            foreach (int threads in new[] { 2, 3 })
            {
                Parallelism.MaxThreads = threads;
                float[] y = new float[g.Length], grad = new float[x.Length];
                Upsample2DKernel.Forward(x, n, c, h, w, s, y);
                Upsample2DKernel.Backward(g, n, c, h, w, s, grad);
                TensorAssert.BitwiseEqual(y1, y, $"Forward with {threads} threads");
                TensorAssert.BitwiseEqual(g1, grad, $"Backward with {threads} threads");
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
        var e = Assert.Throws<ArgumentException>(() => Upsample2DKernel.Forward(new float[4], 1, 1, 2, 2, 0, new float[4]));
        Assert.Contains("Upsample2DKernel.Forward", e.Message);
        Assert.Contains("scale", e.Message);
        e = Assert.Throws<ArgumentException>(() => Upsample2DKernel.Forward(new float[4], 1, 1, 2, 2, 2, new float[15]));
        Assert.Contains("output", e.Message);
        e = Assert.Throws<ArgumentException>(() => Upsample2DKernel.Backward(new float[16], 1, 1, 2, 2, 2, new float[3]));
        Assert.Contains("gradInput", e.Message);
    }
}
