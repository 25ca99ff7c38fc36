using Engine.Kernels;
using Engine.Tests.Testing;
using FsCheck.Xunit;
using static Engine.Tests.Kernels.ConvData;

namespace Engine.Tests.Kernels;

/// <summary>
/// Conv2DKernel.Backward (input and weight gradients in one pass over the batch) must give the same bits as the two
/// separate kernels, accumulate, skip an empty gradient, and match its reference.
/// </summary>
[Trait("Layer", "Kernels")]
[Collection(ParallelismCollection.Name)]
public sealed class Conv2DFusedBackwardTests
{
    [Property(Arbitrary = [typeof(ConvArbitraries)], MaxTest = 40)]
    public void Backward_BitwiseEqualsSeparateKernels_AndMatchesReference(ConvCase c)
    {
        Conv2DShape s = c.Shape;
        var random = new Random(c.Seed);
        float[] input = Uniform(random, s.InputLength), weight = Uniform(random, s.WeightLength),
            gradOutput = Uniform(random, s.OutputLength);
        float[] startInput = Uniform(random, s.InputLength), startWeight = Uniform(random, s.WeightLength);

        float[] separateInput = (float[])startInput.Clone(), separateWeight = (float[])startWeight.Clone();
        Conv2DKernel.BackwardInput(gradOutput, weight, s, separateInput);
        Conv2DKernel.BackwardWeight(input, gradOutput, s, separateWeight);

        float[] fusedInput = (float[])startInput.Clone(), fusedWeight = (float[])startWeight.Clone();
        Conv2DKernel.Backward(input, gradOutput, weight, s, fusedInput, fusedWeight);
        TensorAssert.BitwiseEqual(separateInput, fusedInput, $"gradInput {c}");
        TensorAssert.BitwiseEqual(separateWeight, fusedWeight, $"gradWeight {c}");

        float[] onlyWeight = (float[])startWeight.Clone();
        Conv2DKernel.Backward(input, gradOutput, weight, s, default, onlyWeight);
        TensorAssert.BitwiseEqual(separateWeight, onlyWeight, $"gradWeight alone {c}");

        float[] referenceInput = (float[])startInput.Clone(), referenceWeight = (float[])startWeight.Clone();
        Conv2DKernel.BackwardReference(input, gradOutput, weight, s, referenceInput, referenceWeight);
        TensorAssert.AllClose(referenceInput, fusedInput, Tolerance.Kernel, 20 * Tolerance.KernelAbsolute, $"reference gradInput {c}");
        TensorAssert.AllClose(referenceWeight, fusedWeight, Tolerance.Kernel, 20 * Tolerance.KernelAbsolute, $"reference gradWeight {c}");
    }

    [Fact]
    public void Backward_ShortGradient_ThrowsNamingTheOp()
    {
        var s = new Conv2DShape(2, 3, 5, 5, 4, 3, 3, 1, 1);
        var e = Assert.Throws<ArgumentException>(() => Conv2DKernel.Backward(new float[s.InputLength],
            new float[s.OutputLength], new float[s.WeightLength], s, new float[s.InputLength - 1], new float[s.WeightLength]));
        Assert.Contains("Conv2DKernel.Backward", e.Message, StringComparison.Ordinal);
    }
}
