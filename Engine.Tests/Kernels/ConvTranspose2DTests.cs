using Engine.Kernels;
using Engine.Tests.Testing;
using FsCheck.Xunit;
using static Engine.Tests.Kernels.ConvData;

namespace Engine.Tests.Kernels;

[Trait("Layer", "Kernels")]
[Collection("Parallelism")]
public sealed class ConvTranspose2DTests
{
    private const int Cases = 60;

    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what) =>
        TensorAssert.AllClose(expected, actual, Tolerance.Kernel, 20 * Tolerance.KernelAbsolute, what);

    private sealed record Data(float[] Input, float[] Weight, float[] Bias, float[] GradOutput, Random Random);

    private static Data Make(ConvTranspose2DShape s, int seed)
    {
        var random = new Random(seed);
        return new Data(Uniform(random, s.InputLength), Uniform(random, s.WeightLength), Uniform(random, s.OC),
            Uniform(random, s.OutputLength), random);
    }

    [Property(Arbitrary = [typeof(ConvArbitraries)], MaxTest = Cases)]
    public void Forward_EqualsConv2DBackwardInput_WithTheSameWeights(ConvTransposeCase c)
    {
        // The defining relation: convᵀ(x) = (∂ conv / ∂ input)ᵀ x, for the convolution (N, OC, OH, OW) -> (N, C, H, W).
        ConvTranspose2DShape s = c.Shape;
        Data d = Make(s, c.Seed);
        Conv2DShape conv = s.ToConv();
        Assert.Equal((s.H, s.W), (conv.OH, conv.OW));

        var viaConv = new float[s.OutputLength];
        Conv2DKernel.BackwardInputReference(d.Input, d.Weight, conv, viaConv);
        var reference = new float[s.OutputLength];
        ConvTranspose2DKernel.ForwardReference(d.Input, d.Weight, [], s, reference);
        Close(viaConv, reference, $"ForwardReference vs Conv2DKernel.BackwardInputReference {c}");
        var fast = new float[s.OutputLength];
        ConvTranspose2DKernel.Forward(d.Input, d.Weight, [], s, fast);
        Close(viaConv, fast, $"Forward vs Conv2DKernel.BackwardInputReference {c}");
    }

    [Property(Arbitrary = [typeof(ConvArbitraries)], MaxTest = Cases)]
    public void AllKernels_MatchReference_AndAccumulate(ConvTransposeCase c)
    {
        ConvTranspose2DShape s = c.Shape;
        Data d = Make(s, c.Seed);
        float[] expected = new float[s.OutputLength], actual = new float[s.OutputLength];
        ConvTranspose2DKernel.ForwardReference(d.Input, d.Weight, d.Bias, s, expected);
        ConvTranspose2DKernel.Forward(d.Input, d.Weight, d.Bias, s, actual);
        Close(expected, actual, $"Forward {c}");

        float[] start = Uniform(d.Random, s.InputLength);
        expected = (float[])start.Clone();
        actual = (float[])start.Clone();
        ConvTranspose2DKernel.BackwardInputReference(d.GradOutput, d.Weight, s, expected);
        ConvTranspose2DKernel.BackwardInput(d.GradOutput, d.Weight, s, actual);
        Close(expected, actual, $"BackwardInput {c}");

        start = Uniform(d.Random, s.WeightLength);
        expected = (float[])start.Clone();
        actual = (float[])start.Clone();
        ConvTranspose2DKernel.BackwardWeightReference(d.Input, d.GradOutput, s, expected);
        ConvTranspose2DKernel.BackwardWeight(d.Input, d.GradOutput, s, actual);
        Close(expected, actual, $"BackwardWeight {c}");

        start = Uniform(d.Random, s.OC);
        expected = (float[])start.Clone();
        actual = (float[])start.Clone();
        ConvTranspose2DKernel.BackwardBiasReference(d.GradOutput, s, expected);
        ConvTranspose2DKernel.BackwardBias(d.GradOutput, s, actual);
        Close(expected, actual, $"BackwardBias {c}");
    }

    [Property(Arbitrary = [typeof(ConvArbitraries)], MaxTest = Cases)]
    public void BackwardReference_MatchesFiniteDifferences(ConvTransposeCase c)
    {
        ConvTranspose2DShape s = c.Shape;
        Data d = Make(s, c.Seed);
        // Loss = <r, convᵀ(x, w) + b> in double; linear in each argument, so a large step is exact.
        float[] r = d.GradOutput, output = new float[s.OutputLength];
        double Loss()
        {
            ConvTranspose2DKernel.ForwardReference(d.Input, d.Weight, d.Bias, s, output);
            return Dot(r, output);
        }

        var gradInput = new float[s.InputLength];
        var gradWeight = new float[s.WeightLength];
        var gradBias = new float[s.OC];
        ConvTranspose2DKernel.BackwardInputReference(r, d.Weight, s, gradInput);
        ConvTranspose2DKernel.BackwardWeightReference(d.Input, r, s, gradWeight);
        ConvTranspose2DKernel.BackwardBiasReference(r, s, gradBias);
        CheckGradient(Loss, d.Input, gradInput, 0.25f, d.Random, 12, $"gradInput {c}");
        CheckGradient(Loss, d.Weight, gradWeight, 0.25f, d.Random, 12, $"gradWeight {c}");
        CheckGradient(Loss, d.Bias, gradBias, 0.25f, d.Random, 12, $"gradBias {c}");
    }

    [Property(Arbitrary = [typeof(ConvArbitraries)], MaxTest = Cases)]
    public void Backward_SatisfiesAdjointIdentities(ConvTransposeCase c)
    {
        ConvTranspose2DShape s = c.Shape;
        Data d = Make(s, c.Seed);
        var y = new float[s.OutputLength];
        ConvTranspose2DKernel.Forward(d.Input, d.Weight, [], s, y);
        var gradInput = new float[s.InputLength];
        var gradWeight = new float[s.WeightLength];
        ConvTranspose2DKernel.BackwardInput(d.GradOutput, d.Weight, s, gradInput);
        ConvTranspose2DKernel.BackwardWeight(d.Input, d.GradOutput, s, gradWeight);
        AssertAdjoint(y, d.GradOutput, d.Input, gradInput, $"input adjoint {c}");
        AssertAdjoint(y, d.GradOutput, d.Weight, gradWeight, $"weight adjoint {c}");
    }

    [Fact]
    public void AllKernels_AreBitwiseIdentical_ForAnyThreadCount()
    {
        var s = new ConvTranspose2DShape(16, 4, 7, 6, 3, 3, 3, 2, 1, 1);
        Data d = Make(s, Seeds.Default);
        float[][] Run()
        {
            float[] y = new float[s.OutputLength], gi = new float[s.InputLength], gw = new float[s.WeightLength],
                gb = new float[s.OC];
            ConvTranspose2DKernel.Forward(d.Input, d.Weight, d.Bias, s, y);
            ConvTranspose2DKernel.BackwardInput(d.GradOutput, d.Weight, s, gi);
            ConvTranspose2DKernel.BackwardWeight(d.Input, d.GradOutput, s, gw);
            ConvTranspose2DKernel.BackwardBias(d.GradOutput, s, gb);
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
        // PyTorch: (H − 1)·s − 2p + K + output_padding: 7 -> 14 and 14 -> 28 for k3, s2, p1, op1; 3 -> 5 for k3, s1, p0.
        Assert.Equal(14, new ConvTranspose2DShape(1, 64, 7, 7, 32, 3, 3, 2, 1, 1).OH);
        Assert.Equal(28, new ConvTranspose2DShape(1, 32, 14, 14, 1, 3, 3, 2, 1, 1).OW);
        Assert.Equal(5, new ConvTranspose2DShape(1, 1, 3, 3, 1, 3, 3, 1, 0, 0).OH);
    }

    [Fact]
    public void Kernels_RejectBadArguments_WithClearMessages()
    {
        var s = new ConvTranspose2DShape(2, 3, 4, 4, 2, 3, 3, 2, 1, 1);
        float[] x = new float[s.InputLength], w = new float[s.WeightLength], y = new float[s.OutputLength];
        var e = Assert.Throws<ArgumentException>(() => ConvTranspose2DKernel.Forward(x, w, [], s with { OutputPadding = 2 }, y));
        Assert.Contains("ConvTranspose2DKernel.Forward", e.Message);
        Assert.Contains("output padding", e.Message);
        e = Assert.Throws<ArgumentException>(() => ConvTranspose2DKernel.Forward(x, w.AsSpan(1), [], s, y));
        Assert.Contains("weight", e.Message);
        e = Assert.Throws<ArgumentException>(() => ConvTranspose2DKernel.BackwardInput(y, w, s, new float[3]));
        Assert.Contains("gradInput", e.Message);
        e = Assert.Throws<ArgumentException>(() => ConvTranspose2DKernel.BackwardWeight(x, y.AsSpan(2), s, w));
        Assert.Contains("gradOutput", e.Message);
        e = Assert.Throws<ArgumentException>(() => ConvTranspose2DKernel.BackwardBias(y, s, new float[1]));
        Assert.Contains("gradBias", e.Message);
        e = Assert.Throws<ArgumentException>(() =>
            ConvTranspose2DKernel.Forward(x, w, [], s with { H = 1, W = 1, Padding = 2, OutputPadding = 0 }, y));
        Assert.Contains("empty", e.Message);
    }
}
