using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Tensors;
using Engine.Tests.Testing;
using Engine.Kernels;

namespace Engine.Tests.Layers;

/// <summary>
/// Sequential runs a Linear followed by an Activation as one fused op; the result and every gradient must equal the
/// layers applied one by one.
/// </summary>
[Trait("Layer", "Layers")]
public sealed class SequentialFusionTests
{
    [Theory]
    [InlineData(ActivationKind.Relu)]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.Tanh)]
    [InlineData(ActivationKind.Identity)]
    public void LinearThenActivation_EqualsTheLayersOneByOne(ActivationKind kind)
    {
        var random = new Random(Seeds.Default);
        var stack = new Sequential(new Linear(19, 33, random), new Activation(kind), new Linear(33, 17, random),
            new Activation(ActivationKind.Sigmoid), new Activation(kind));
        var input = Tensor.Uniform(random, -1, 1, 5, 19);
        var upstream = Tensor.Uniform(random, -1, 1, 5, 17);

        float[][] Run(Func<Tensor, Tensor> forward)
        {
            stack.ZeroGrad();
            var y = forward(input);
            Op.Sum(Op.Mul(y, upstream)).Backward();
            return [y.ToArray(), .. stack.Parameters().Select(p => p.Grad!.ToArray())];
        }

        var fused = Run(stack.Forward);
        var oneByOne = Run(x =>
        {
            foreach (var layer in stack.Layers) x = layer.Forward(x);
            return x;
        });
        for (int i = 0; i < fused.Length; i++)
            TensorAssert.AllClose(oneByOne[i], fused[i], Tolerance.Kernel, Tolerance.KernelAbsolute, $"{kind}: output {i}");
    }
}
