using Engine.Autodiff;
using Engine.Autodiff.Ops;
using Engine.Tensors;
using Engine.Tests.Testing;

namespace Engine.Tests.Autodiff;

[Trait("Layer", "Autodiff")]
public sealed class AutogradTests
{
    private static Tensor Param(params float[] values)
    {
        var t = Tensor.FromArray(values);
        t.RequiresGrad = true;
        return t;
    }

    [Fact]
    public void Backward_ProductRule_MatchesHandDerivative()
    {
        // y = sum(a * b + a): dy/da = b + 1, dy/db = a.
        var a = Param(1, 2, 3);
        var b = Param(4, 5, 6);
        Op.Sum(a * b + a).Backward();
        TensorAssert.AllClose([5, 6, 7], a.Grad!.ReadOnlySpan, 0, 0);
        TensorAssert.AllClose([1, 2, 3], b.Grad!.ReadOnlySpan, 0, 0);
    }

    [Fact]
    public void Backward_TensorUsedTwice_AccumulatesBothPaths()
    {
        var x = Param(3);
        Op.Sum(x * x).Backward(); // d(x²)/dx = 2x = 6
        Assert.Equal(6f, x.Grad!.Item());
    }

    [Fact]
    public void Backward_Twice_AccumulatesIntoLeafGradients_UntilZeroGrad()
    {
        var x = Param(2);
        Op.Sum(x * x).Backward();
        Op.Sum(x * x).Backward();
        Assert.Equal(8f, x.Grad!.Item());
        x.ZeroGrad();
        Assert.Equal(0f, x.Grad!.Item());
    }

    [Fact]
    public void Backward_ThroughReleasedGraph_ThrowsClearError()
    {
        var x = Param(2);
        var y = Op.Sum(x * x);
        y.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("released", e.Message);
    }

    [Fact]
    public void Backward_RetainGraph_AllowsSecondPass()
    {
        var x = Param(2);
        var y = Op.Sum(x * x);
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.Equal(8f, x.Grad!.Item());
    }

    [Fact]
    public void Backward_FromNonScalarWithoutSeed_ThrowsClearError()
    {
        var x = Param(1, 2);
        var e = Assert.Throws<InvalidOperationException>(() => (x * x).Backward());
        Assert.Contains("(2,)", e.Message);
    }

    [Fact]
    public void Backward_LongChain_DoesNotOverflowTheStack()
    {
        var x = Param(1);
        var y = x;
        for (int i = 0; i < 20_000; i++) y = y * 1.0001f;
        Op.Sum(y).Backward();
        Assert.Equal(MathF.Pow(1.0001f, 20_000), x.Grad!.Item(), 1e-2f);
    }

    [Fact]
    public void NoGrad_RecordsNothing()
    {
        var x = Param(1, 2);
        Tensor y;
        using (GradMode.Disable()) y = x * x;
        Assert.False(y.RequiresGrad);
        Assert.True(y.IsLeaf);
    }

    [Fact]
    public void Detach_StopsGradient_ButSharesStorage()
    {
        var x = Param(1, 2);
        var d = x.Detach();
        Assert.False(d.RequiresGrad);
        d.Span[0] = 5;
        Assert.Equal(5f, x.Span[0]);
    }

    [Fact]
    public void IntermediateGradients_AreReleasedAfterBackward()
    {
        var x = Param(1, 2);
        var h = x * x;
        Op.Sum(h).Backward();
        Assert.Null(h.Grad);
        Assert.NotNull(x.Grad);
    }

    [Fact]
    public void Add_ShapeMismatch_NamesOpAndBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3) + Tensor.Zeros(4));
        Assert.Contains("Add", e.Message);
        Assert.Contains("(2, 3)", e.Message);
        Assert.Contains("(4,)", e.Message);
    }

    [Fact]
    public void MatMul_ShapeMismatch_NamesOpAndBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Op.MatMul(Tensor.Zeros(2, 3), Tensor.Zeros(4, 5)));
        Assert.Contains("MatMul", e.Message);
        Assert.Contains("(2, 3)", e.Message);
        Assert.Contains("(4, 5)", e.Message);
    }

    [Fact]
    public void Reshape_IsAView()
    {
        var x = Tensor.Arange(0, 6);
        var y = x.Reshape(2, -1);
        Assert.Equal(new Shape(2, 3), y.Shape);
        y[1, 2] = 42;
        Assert.Equal(42f, x[5]);
    }
}
