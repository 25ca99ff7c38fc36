using Engine.Kernels;
using Engine.Tests.Testing;
using FsCheck.Xunit;
using static Engine.Tests.Kernels.ConvData;

namespace Engine.Tests.Kernels;

[Trait("Layer", "Kernels")]
[Collection("Parallelism")]
public sealed class Conv2DTests
{
    private const int Cases = 60;

    // Fast-vs-reference tolerance: the GEMM reassociates sums of up to C·KH·KW·N·OH·OW products of values in [-1, 1].
    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what) =>
        TensorAssert.AllClose(expected, actual, Tolerance.Kernel, 20 * Tolerance.KernelAbsolute, what);

    private sealed record Data(float[] Input, float[] Weight, float[] Bias, float[] GradOutput, Random Random);

    private static Data Make(Conv2DShape s, int seed)
    {
        var random = new Random(seed);
        return new Data(Uniform(random, s.InputLength), Uniform(random, s.WeightLength), Uniform(random, s.OC),
            Uniform(random, s.OutputLength), random);
    }

    [Property(Arbitrary = [typeof(ConvArbitraries)], MaxTest = Cases)]
    public void Forward_MatchesReference(ConvCase c)
    {
        Data d = Make(c.Shape, c.Seed);
        var expected = new float[c.Shape.OutputLength];
        var actual = new float[c.Shape.OutputLength];
        Conv2DKernel.ForwardReference(d.Input, d.Weight, d.Bias, c.Shape, expected);
        Conv2DKernel.Forward(d.Input, d.Weight, d.Bias, c.Shape, actual);
        Close(expected, actual, $"Forward {c}");

        Conv2DKernel.ForwardReference(d.Input, d.Weight, [], c.Shape, expected);
        Conv2DKernel.Forward(d.Input, d.Weight, [], c.Shape, actual);
        Close(expected, actual, $"Forward without bias {c}");
    }

    [Property(Arbitrary = [typeof(ConvArbitraries)], MaxTest = Cases)]
    public void Backward_MatchesReference_AndAccumulates(ConvCase c)
    {
        Conv2DShape s = c.Shape;
        Data d = Make(s, c.Seed);
        // Start from non-zero gradients: the kernels must add to them, not overwrite.
        float[] start = Uniform(d.Random, s.InputLength), startW = Uniform(d.Random, s.WeightLength),
            startB = Uniform(d.Random, s.OC);

        float[] expected = (float[])start.Clone(), actual = (float[])start.Clone();
        Conv2DKernel.BackwardInputReference(d.GradOutput, d.Weight, s, expected);
        Conv2DKernel.BackwardInput(d.GradOutput, d.Weight, s, actual);
        Close(expected, actual, $"BackwardInput {c}");

        expected = (float[])startW.Clone();
        actual = (float[])startW.Clone();
        Conv2DKernel.BackwardWeightReference(d.Input, d.GradOutput, s, expected);
        Conv2DKernel.BackwardWeight(d.Input, d.GradOutput, s, actual);
        Close(expected, actual, $"BackwardWeight {c}");

        expected = (float[])startB.Clone();
        actual = (float[])startB.Clone();
        Conv2DKernel.BackwardBiasReference(d.GradOutput, s, expected);
        Conv2DKernel.BackwardBias(d.GradOutput, s, actual);
        Close(expected, actual, $"BackwardBias {c}");
    }

    [Property(Arbitrary = [typeof(ConvArbitraries)], MaxTest = Cases)]
    public void BackwardReference_MatchesFiniteDifferences(ConvCase c)
    {
        Conv2DShape s = c.Shape;
        Data d = Make(s, c.Seed);
        // Loss = <r, conv(x, w) + b> for a random projection r, summed in double. The convolution is linear in
        // each argument, so a large step loses nothing to truncation and keeps rounding noise small.
        float[] r = d.GradOutput, output = new float[s.OutputLength];
        double Loss()
        {
            Conv2DKernel.ForwardReference(d.Input, d.Weight, d.Bias, s, output);
            return Dot(r, output);
        }

        var gradInput = new float[s.InputLength];
        var gradWeight = new float[s.WeightLength];
        var gradBias = new float[s.OC];
        Conv2DKernel.BackwardInputReference(r, d.Weight, s, gradInput);
        Conv2DKernel.BackwardWeightReference(d.Input, r, s, gradWeight);
        Conv2DKernel.BackwardBiasReference(r, s, gradBias);
        CheckGradient(Loss, d.Input, gradInput, 0.25f, d.Random, 12, $"gradInput {c}");
        CheckGradient(Loss, d.Weight, gradWeight, 0.25f, d.Random, 12, $"gradWeight {c}");
        CheckGradient(Loss, d.Bias, gradBias, 0.25f, d.Random, 12, $"gradBias {c}");
    }

    [Property(Arbitrary = [typeof(ConvArbitraries)], MaxTest = Cases)]
    public void Backward_SatisfiesAdjointIdentities(ConvCase c)
    {
        Conv2DShape s = c.Shape;
        Data d = Make(s, c.Seed);
        var y = new float[s.OutputLength];
        Conv2DKernel.Forward(d.Input, d.Weight, [], s, y);

        // <conv(x, w), g> = <x, BackwardInput(g)> = <w, BackwardWeight(x, g)>
        var gradInput = new float[s.InputLength];
        var gradWeight = new float[s.WeightLength];
        Conv2DKernel.BackwardInput(d.GradOutput, d.Weight, s, gradInput);
        Conv2DKernel.BackwardWeight(d.Input, d.GradOutput, s, gradWeight);
        AssertAdjoint(y, d.GradOutput, d.Input, gradInput, $"input adjoint {c}");
        AssertAdjoint(y, d.GradOutput, d.Weight, gradWeight, $"weight adjoint {c}");

        // <b broadcast over (N, OH, OW), g> = <b, BackwardBias(g)>
        var withBias = new float[s.OutputLength];
        Conv2DKernel.Forward(d.Input, d.Weight, d.Bias, s, withBias);
        var biasPart = new float[s.OutputLength];
        for (int i = 0; i < biasPart.Length; i++)
            biasPart[i] = withBias[i] - y[i];
        var gradBias = new float[s.OC];
        Conv2DKernel.BackwardBias(d.GradOutput, s, gradBias);
        AssertAdjoint(biasPart, d.GradOutput, d.Bias, gradBias, $"bias adjoint {c}");
    }

    public static TheoryData<int, int, int, int, int, int, int> LargerShapes => new()
    {
        // Several GEMM chunks with a short last one, widths around the 16-float vector, stride 2 with padding.
        { 5, 2, 20, 20, 3, 1, 1 },
        { 3, 3, 16, 17, 5, 2, 1 },
        { 2, 1, 33, 15, 4, 3, 2 },
    };

    [Theory]
    [MemberData(nameof(LargerShapes))]
    public void AllKernels_MatchReference_OnLargerShapes(int n, int c, int h, int w, int oc, int stride, int pad)
    {
        var s = new Conv2DShape(n, c, h, w, oc, 3, 3, stride, pad);
        Data d = Make(s, Seeds.Default);
        float[] expected = new float[s.OutputLength], actual = new float[s.OutputLength];
        Conv2DKernel.ForwardReference(d.Input, d.Weight, d.Bias, s, expected);
        Conv2DKernel.Forward(d.Input, d.Weight, d.Bias, s, actual);
        Close(expected, actual, "Forward");

        float[] gi = new float[s.InputLength], giRef = new float[s.InputLength];
        Conv2DKernel.BackwardInputReference(d.GradOutput, d.Weight, s, giRef);
        Conv2DKernel.BackwardInput(d.GradOutput, d.Weight, s, gi);
        Close(giRef, gi, "BackwardInput");

        float[] gw = new float[s.WeightLength], gwRef = new float[s.WeightLength];
        Conv2DKernel.BackwardWeightReference(d.Input, d.GradOutput, s, gwRef);
        Conv2DKernel.BackwardWeight(d.Input, d.GradOutput, s, gw);
        TensorAssert.AllClose(gwRef, gw, Tolerance.Kernel, 200 * Tolerance.KernelAbsolute, "BackwardWeight");
    }

    [Fact]
    public void AllKernels_AreBitwiseIdentical_ForAnyThreadCount()
    {
        // Big enough for several chunks and for every parallel loop to split.
        var s = new Conv2DShape(16, 3, 12, 11, 5, 3, 3, 1, 1);
        Data d = Make(s, Seeds.Default);
        float[][] Run()
        {
            float[] y = new float[s.OutputLength], gi = new float[s.InputLength], gw = new float[s.WeightLength],
                gb = new float[s.OC];
            Conv2DKernel.Forward(d.Input, d.Weight, d.Bias, s, y);
            Conv2DKernel.BackwardInput(d.GradOutput, d.Weight, s, gi);
            Conv2DKernel.BackwardWeight(d.Input, d.GradOutput, s, gw);
            Conv2DKernel.BackwardBias(d.GradOutput, s, gb);
            return [y, gi, gw, gb];
        }

        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            float[][] one = Run();
            foreach (int threads in new[] { 2, 3 })
            {
                Parallelism.MaxThreads = threads;
                float[][] many = Run();
                for (int i = 0; i < one.Length; i++)
                    TensorAssert.BitwiseEqual(one[i], many[i], $"output {i} with {threads} threads");
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Fact]
    public void Shape_ComputesPyTorchOutputSize()
    {
        // PyTorch: floor((H + 2p − K) / s) + 1, e.g. 28x28, k3, s2, p1 -> 14x14; 14 -> 7; 5x6, k2, s3, p0 -> 2x2.
        Assert.Equal((14, 14), (new Conv2DShape(1, 1, 28, 28, 1, 3, 3, 2, 1).OH, new Conv2DShape(1, 1, 28, 28, 1, 3, 3, 2, 1).OW));
        Assert.Equal(7, new Conv2DShape(1, 1, 14, 14, 1, 3, 3, 2, 1).OH);
        var odd = new Conv2DShape(1, 1, 5, 6, 1, 2, 2, 3, 3, 0, 0);
        Assert.Equal((2, 2), (odd.OH, odd.OW));
    }

    [Fact]
    public void Kernels_RejectBadArguments_WithClearMessages()
    {
        var s = new Conv2DShape(2, 3, 5, 5, 4, 3, 3, 1, 1);
        float[] x = new float[s.InputLength], w = new float[s.WeightLength], y = new float[s.OutputLength];

        var e = Assert.Throws<ArgumentException>(() => Conv2DKernel.Forward(x.AsSpan(1), w, [], s, y));
        Assert.Contains("Conv2DKernel.Forward", e.Message);
        Assert.Contains("input", e.Message);
        e = Assert.Throws<ArgumentException>(() => Conv2DKernel.Forward(x, w, new float[3], s, y));
        Assert.Contains("bias", e.Message);
        e = Assert.Throws<ArgumentException>(() => Conv2DKernel.BackwardInput(y, w, s, new float[1]));
        Assert.Contains("gradInput", e.Message);
        e = Assert.Throws<ArgumentException>(() => Conv2DKernel.BackwardWeight(x, y, s, new float[1]));
        Assert.Contains("gradWeight", e.Message);
        e = Assert.Throws<ArgumentException>(() => Conv2DKernel.BackwardBias(y, s, new float[5]));
        Assert.Contains("gradBias", e.Message);
        e = Assert.Throws<ArgumentException>(() => Conv2DKernel.Forward(x, w, [], s with { StrideH = 0 }, y));
        Assert.Contains("stride", e.Message);
        e = Assert.Throws<ArgumentException>(() => Conv2DKernel.Forward(x, w, [], s with { PadW = -1 }, y));
        Assert.Contains("padding", e.Message);
        e = Assert.Throws<ArgumentException>(() =>
            Conv2DKernel.Forward(x, w, [], s with { H = 1, W = 1, PadH = 0, PadW = 0 }, y));
        Assert.Contains("larger than the padded input", e.Message);
        e = Assert.Throws<ArgumentException>(() => Conv2DKernel.ForwardReference(x, w, [], s with { N = 0 }, y));
        Assert.Contains("Conv2DKernel.ForwardReference", e.Message);
    }
}
