using Engine.Layers;
using Engine.Tensors;
using Engine.Kernels;

namespace Engine.Tests.Layers;

[Trait("Layer", "Layers")]
public sealed class ModuleTests
{
    [Fact]
    public void Sequential_NamesParametersLikePyTorch()
    {
        var r = new Random(1);
        var model = new Sequential(new Linear(4, 3, r), new Activation(ActivationKind.Relu), new Linear(3, 2, r));
        var names = model.NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], names);
        Assert.Equal(4 * 3 + 3 + 3 * 2 + 2, model.ParameterCount);
        Assert.Contains("0.weight", model.Summary());
    }

    [Fact]
    public void Linear_InitialisesWithinPyTorchBounds()
    {
        var layer = new Linear(100, 50, new Random(2));
        float bound = 1f / MathF.Sqrt(100);
        Assert.All(layer.Weight.ToArray(), w => Assert.InRange(w, -bound, bound));
        Assert.True(layer.Weight.ToArray().Max() > bound * 0.9f, "weights should fill the range");
    }

    [Fact]
    public void TrainEval_PropagatesToChildren()
    {
        var model = new Sequential(new Linear(2, 2, new Random(3)));
        model.Eval();
        Assert.False(model.Layers[0].IsTraining);
        model.Train();
        Assert.True(model.Layers[0].IsTraining);
    }

    [Fact]
    public void Linear_WrongInputShape_NamesBothShapes()
    {
        var layer = new Linear(4, 3, new Random(4));
        var e = Assert.Throws<ArgumentException>(() => layer.Forward(Tensor.Zeros(2, 5)));
        Assert.Contains("(2, 5)", e.Message);
        Assert.Contains("(3, 4)", e.Message);
    }
}

[Trait("Layer", "Layers")]
public sealed class DropoutLayerTests
{
    [Fact]
    public void Dropout_ZeroesAboutP_ScalesSurvivors_AndIsIdentityInEval()
    {
        var layer = new Dropout(0.25f, new Random(1));
        var x = Tensor.Ones(100, 100);
        var y = layer.Forward(x).ToArray();
        double zeroed = y.Count(v => v == 0f) / 10_000.0;
        Assert.InRange(zeroed, 0.22, 0.28);
        Assert.All(y.Where(v => v != 0f), v => Assert.Equal(1f / 0.75f, v, 5));
        layer.Eval();
        Assert.All(layer.Forward(x).ToArray(), v => Assert.Equal(1f, v));
    }
}
