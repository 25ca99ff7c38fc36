using Engine.Autodiff.Ops;
using Engine.Kernels;
using Engine.Tensors;
using Engine.Tests.Testing;

namespace Engine.Tests.Autodiff;

/// <summary>
/// Attention (with dropout), LayerNorm and GELU give bitwise identical outputs and gradients on 1 and 2 threads,
/// at sizes large enough for the parallel paths.
/// </summary>
[Trait("Layer", "Autodiff")]
[Collection(ParallelismCollection.Name)]
public sealed class TransformerOpsDeterminismTests
{
    private static float[][] Run(int threads)
    {
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = threads;
            var r = new Random(Seeds.Default);
            var q = OpGen.Leaf(r, OpGen.Uniform(-1, 1), 3, 4, 33, 16);
            var k = OpGen.Leaf(r, OpGen.Uniform(-1, 1), 3, 4, 31, 16);
            var v = OpGen.Leaf(r, OpGen.Uniform(-1, 1), 3, 4, 31, 16);
            var mask = OpGen.Tensor(r, s => s.Next(4) == 0 ? 0f : 1f, 3, 31);
            var x = OpGen.Leaf(r, OpGen.Uniform(-3, 3), 257, 65);
            var weight = OpGen.Leaf(r, OpGen.Uniform(0.5f, 1.5f), 65);
            var bias = OpGen.Leaf(r, OpGen.Uniform(-1, 1), 65);
            var attention = Op.ScaledDotProductAttention(q, k, v, mask, true, 0.2f, new Random(3));
            var norm = Op.LayerNorm(x, weight, bias);
            var gelu = Op.Gelu(norm);
            var loss = Op.Sum(Op.Mul(attention, attention)) + Op.Sum(Op.Mul(gelu, gelu));
            loss.Backward();
            return [attention.ToArray(), gelu.ToArray(), q.Grad!.ToArray(), k.Grad!.ToArray(), v.Grad!.ToArray(),
                x.Grad!.ToArray(), weight.Grad!.ToArray(), bias.Grad!.ToArray()];
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Fact]
    public void OneAndTwoThreads_GiveBitwiseIdenticalResults()
    {
        var one = Run(1);
        var two = Run(2);
        string[] names = ["attention", "gelu", "dq", "dk", "dv", "dx", "dweight", "dbias"];
        for (int i = 0; i < one.Length; i++) TensorAssert.BitwiseEqual(one[i], two[i], names[i]);
    }
}
