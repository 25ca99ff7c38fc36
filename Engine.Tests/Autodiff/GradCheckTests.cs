using Engine.Autodiff;
using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Tests.Autodiff;

[Trait("Layer", "Autodiff")]
public sealed class GradCheckTests
{
    private static Tensor Leaf(Random r, params int[] shape)
    {
        var t = Tensor.Uniform(r, -1, 1, shape);
        t.RequiresGrad = true;
        return t;
    }

    [Fact]
    public void GradCheck_DetectsAWrongBackward()
    {
        // A deliberately wrong derivative: forward x², backward claims 3x.
        var x = Leaf(new Random(1), 5);
        var result = GradCheck.Run("wrong", () => Op.Unary("WrongSquare", x,
            (xs, ys) => { for (int i = 0; i < xs.Length; i++) ys[i] = xs[i] * xs[i]; },
            (xs, _, gy, gx) => { for (int i = 0; i < xs.Length; i++) gx[i] += 3 * xs[i] * gy[i]; }), [x]);
        Assert.False(result.Passed, result.Report);
        Assert.Contains("WrongSquare".Length > 0 ? "element" : "", result.Report);
    }

    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 3, 4 })]
    [InlineData(new[] { 3, 4 }, new[] { 4 })]
    [InlineData(new[] { 3, 4 }, new[] { 3, 1 })]
    [InlineData(new[] { 3, 4 }, new int[0])]
    [InlineData(new[] { 2, 1, 4 }, new[] { 3, 1 })]
    public void BinaryOps_WithBroadcasting_PassGradCheck(int[] shapeA, int[] shapeB)
    {
        var r = new Random(7);
        var a = Leaf(r, shapeA);
        var b = Leaf(r, shapeB);
        foreach (var v in new[] { b }) // keep divisors away from 0
            for (int i = 0; i < v.Size; i++) v.Span[i] = v.Span[i] >= 0 ? v.Span[i] + 0.5f : v.Span[i] - 0.5f;
        Assert.True(GradCheck.Run("Add", () => a + b, [a, b]).Passed);
        Assert.True(GradCheck.Run("Sub", () => a - b, [a, b]).Passed);
        Assert.True(GradCheck.Run("Mul", () => a * b, [a, b]).Passed);
        var div = GradCheck.Run("Div", () => a / b, [a, b]);
        Assert.True(div.Passed, div.Report);
    }

    [Fact]
    public void MatMul_2D_Batched_AndShared_PassGradCheck()
    {
        var r = new Random(3);
        var a = Leaf(r, 3, 5);
        var b = Leaf(r, 5, 2);
        Assert.True(GradCheck.Run("MatMul2D", () => Op.MatMul(a, b), [a, b]).Passed);
        var a3 = Leaf(r, 2, 3, 4);
        var b3 = Leaf(r, 2, 4, 5);
        Assert.True(GradCheck.Run("MatMulBatched", () => Op.MatMul(a3, b3), [a3, b3]).Passed);
        var shared = Leaf(r, 4, 3);
        Assert.True(GradCheck.Run("MatMulShared", () => Op.MatMul(a3, shared), [a3, shared]).Passed);
    }

    [Fact]
    public void Linear_Activations_Losses_PassGradCheck()
    {
        var r = new Random(4);
        var x = Leaf(r, 4, 6);
        var w = Leaf(r, 3, 6);
        var bias = Leaf(r, 3);
        var target = Tensor.Uniform(r, 0, 1, 4, 3);
        Assert.True(GradCheck.Run("Linear", () => Op.Linear(x, w, bias), [x, w, bias]).Passed);
        Assert.True(GradCheck.Run("Sigmoid", () => Op.Sigmoid(x), [x]).Passed);
        Assert.True(GradCheck.Run("Tanh", () => Op.Tanh(x), [x]).Passed);
        Assert.True(GradCheck.Run("Mse", () => Op.MseLoss(Op.Linear(x, w, bias), target), [x, w, bias]).Passed);
        Assert.True(GradCheck.Run("Bce", () => Op.BceWithLogitsLoss(Op.Linear(x, w, bias), target, Reduction.Sum), [x, w, bias]).Passed);
        Assert.True(GradCheck.Run("Mean", () => Op.Mean(x * x), [x]).Passed);
    }

    [Fact]
    public void Relu_AwayFromTheKink_PassesGradCheck()
    {
        var x = Leaf(new Random(5), 20);
        for (int i = 0; i < x.Size; i++) x.Span[i] += x.Span[i] >= 0 ? 0.1f : -0.1f;
        Assert.True(GradCheck.Run("Relu", () => Op.Relu(x), [x]).Passed);
    }
}
