using Engine.Autodiff;
using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Models;
using Engine.Tensors;

namespace Engine.Tests.Layers;

[Trait("Layer", "Layers")]
public sealed class ConvLayerTests
{
    // PyTorch's state_dict of the reference model, written from its naming rules: nn.Sequential children are
    // numbered by position (activations and Flatten/Unflatten take a number but own no parameters), Conv2d weight is
    // (out, in, k, k), ConvTranspose2d weight is (in, out, k, k), Linear weight is (out, in).
    private static readonly (string Name, int[] Shape)[] ReferenceParameters =
    [
        ("encoder.0.weight", [32, 1, 3, 3]), ("encoder.0.bias", [32]),
        ("encoder.2.weight", [64, 32, 3, 3]), ("encoder.2.bias", [64]),
        ("encoder.5.weight", [32, 3136]), ("encoder.5.bias", [32]),
        ("decoder.0.weight", [3136, 32]), ("decoder.0.bias", [3136]),
        ("decoder.3.weight", [64, 32, 3, 3]), ("decoder.3.bias", [32]),
        ("decoder.5.weight", [32, 1, 3, 3]), ("decoder.5.bias", [1]),
    ];

    [Fact]
    public void ConvAutoencoder_ParameterNamesAndShapes_MatchPyTorch()
    {
        var model = new ConvAutoencoder(ConvAutoencoderOptions.Reference(), new Random(1));
        var actual = model.NamedParameters().Select(p => (p.Name, p.Parameter.Shape.ToArray())).ToArray();
        Assert.Equal(ReferenceParameters.Select(p => p.Name), actual.Select(p => p.Item1));
        for (int i = 0; i < actual.Length; i++) Assert.Equal(ReferenceParameters[i].Shape, actual[i].Item2);
        Assert.Equal(241_441, model.ParameterCount); // 320 + 18,496 + 100,384 + 103,488 + 18,464 + 289
    }

    [Fact]
    public void ConvAutoencoder_WithBatchNorm_StateDictMatchesPyTorch()
    {
        // encoder: Conv, BN, ReLU, Conv, BN, ReLU, Flatten, Linear; decoder: Linear, BN1d, ReLU, Unflatten, ConvT, BN, ReLU, ConvT, Sigmoid.
        var model = new ConvAutoencoder(ConvAutoencoderOptions.Reference() with { BatchNorm = true }, new Random(1));
        string[] bn = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"];
        var expected = new[] { "encoder.0.weight", "encoder.0.bias" }
            .Concat(bn.Select(b => "encoder.1." + b))
            .Concat(["encoder.3.weight", "encoder.3.bias"]).Concat(bn.Select(b => "encoder.4." + b))
            .Concat(["encoder.7.weight", "encoder.7.bias", "decoder.0.weight", "decoder.0.bias"])
            .Concat(bn.Select(b => "decoder.1." + b))
            .Concat(["decoder.4.weight", "decoder.4.bias"]).Concat(bn.Select(b => "decoder.5." + b))
            .Concat(["decoder.7.weight", "decoder.7.bias"])
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, model.StateDict().Select(p => p.Name));
        var state = model.StateDict().ToDictionary(p => p.Name, p => p.Tensor);
        Assert.Equal([3136], state["decoder.1.running_var"].Shape.ToArray());
        Assert.Equal(0, state["encoder.4.num_batches_tracked"].Rank);
    }

    [Fact]
    public void Conv_Init_UsesPyTorchFanIn_WithDimensionOneForTransposed()
    {
        var conv = new Conv2d(32, 64, 3, new Random(2));
        var transposed = new ConvTranspose2d(64, 32, 3, new Random(3));
        float convBound = 1f / MathF.Sqrt(32 * 9), transposedBound = 1f / MathF.Sqrt(32 * 9);
        // 18,432 uniform draws: the largest lies within 0.1% of the bound.
        Assert.InRange(conv.Weight.ToArray().Max(MathF.Abs), convBound * 0.99f, convBound);
        Assert.InRange(transposed.Weight.ToArray().Max(MathF.Abs), transposedBound * 0.99f, transposedBound);
        Assert.True(transposed.Bias!.ToArray().Max(MathF.Abs) <= transposedBound);
        Assert.Equal([64, 32, 3, 3], transposed.Weight.Shape.ToArray());
    }

    [Fact]
    public void BatchNorm_TrainingStep_UpdatesRunningStats_WithMomentumAndUnbiasedVariance()
    {
        var bn = new BatchNorm1d(2, momentum: 0.1f);
        double[] runningMean = [0, 0], runningVar = [1, 1];
        var r = new Random(4);
        for (int step = 0; step < 3; step++)
        {
            var x = Tensor.Uniform(r, -2 + step, 3 + step, 5, 2, 3); // (N, C, L): 15 values per channel
            bn.Forward(x);
            var xs = x.ToArray();
            for (int c = 0; c < 2; c++)
            {
                var values = Enumerable.Range(0, 5).SelectMany(n => xs.Skip((n * 2 + c) * 3).Take(3)).Select(v => (double)v).ToArray();
                double mean = values.Average();
                double unbiased = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
                runningMean[c] = 0.9 * runningMean[c] + 0.1 * mean;
                runningVar[c] = 0.9 * runningVar[c] + 0.1 * unbiased;
            }
        }
        for (int c = 0; c < 2; c++)
        {
            Assert.Equal(runningMean[c], bn.RunningMean.ReadOnlySpan[c], 5);
            Assert.Equal(runningVar[c], bn.RunningVar.ReadOnlySpan[c], 5);
        }
        Assert.Equal(3f, bn.NumBatchesTracked.Item());
    }

    [Fact]
    public void BatchNorm_EvalMode_UsesRunningStats_AndLeavesThemAlone()
    {
        var bn = new BatchNorm2d(3);
        float[] mean = [0.5f, -1f, 2f], variance = [4f, 0.25f, 1f], gamma = [2f, -1f, 0.5f], beta = [0f, 1f, -3f];
        mean.CopyTo(bn.RunningMean.Span);
        variance.CopyTo(bn.RunningVar.Span);
        gamma.CopyTo(bn.Weight!.Span);
        beta.CopyTo(bn.Bias!.Span);
        bn.Eval();
        var x = Tensor.Uniform(new Random(5), -3, 3, 2, 3, 2, 2);
        var y = bn.Forward(x).ToArray();
        var xs = x.ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            int c = i / 4 % 3;
            double expected = gamma[c] * (xs[i] - mean[c]) / Math.Sqrt(variance[c] + 1e-5) + beta[c];
            Assert.Equal(expected, y[i], 4);
        }
        Assert.Equal(mean, bn.RunningMean.ToArray());
        Assert.Equal(variance, bn.RunningVar.ToArray());
        Assert.Equal(0f, bn.NumBatchesTracked.Item());
    }

    public static TheoryData<string> Layers =>
        ["conv", "conv-stride-pad", "conv-transpose", "conv-transpose-op", "maxpool", "upsample", "batchnorm1d",
         "batchnorm1d-seq", "batchnorm2d", "batchnorm2d-eval", "flatten-unflatten"];

    [Theory]
    [MemberData(nameof(Layers))]
    public void Layer_PassesGradCheck_WithRespectToInputAndEveryParameter(string layer)
    {
        var r = new Random(6);
        (Module module, int[] shape) = layer switch
        {
            "conv" => ((Module)new Conv2d(2, 3, 3, r), new[] { 2, 2, 5, 4 }),
            "conv-stride-pad" => (new Conv2d(2, 3, 3, r, stride: 2, padding: 1), new[] { 2, 2, 6, 5 }),
            "conv-transpose" => (new ConvTranspose2d(3, 2, 3, r), new[] { 2, 3, 3, 4 }),
            "conv-transpose-op" => (new ConvTranspose2d(3, 2, 3, r, stride: 2, padding: 1, outputPadding: 1), new[] { 2, 3, 3, 3 }),
            "maxpool" => (new MaxPool2d(2), new[] { 2, 2, 4, 5 }),
            "upsample" => (new Upsample(2), new[] { 2, 2, 3, 2 }),
            "batchnorm1d" => (new BatchNorm1d(3), new[] { 6, 3 }),
            "batchnorm1d-seq" => (new BatchNorm1d(3), new[] { 3, 3, 4 }),
            "batchnorm2d" or "batchnorm2d-eval" => (new BatchNorm2d(2), new[] { 2, 2, 3, 3 }),
            _ => (new Sequential(new Flatten(), new Unflatten(1, 3, 4)), new[] { 2, 3, 2, 2 }),
        };
        if (layer == "batchnorm2d-eval") module.Eval();
        // BatchNorm's γ starts at 1 and β at 0; move them so a swapped gradient would show.
        foreach (var (name, p) in module.NamedParameters().Where(p => module is BatchNorm))
            for (int i = 0; i < p.Size; i++) p.Span[i] = (name == "weight" ? 1.5f : 0.3f) + 0.25f * i;
        var x = layer == "maxpool" ? DistinctLeaf(r, shape) : Tensor.Uniform(r, -2, 2, shape);
        x.RequiresGrad = true;
        var result = GradCheck.Run(layer, () => module.Forward(x), [x, .. module.Parameters()]);
        Assert.True(result.Passed, result.Report);
        Assert.True(result.CheckedElements >= Math.Min(x.Size, new GradCheckOptions().MaxElementsPerInput));
    }

    private static Tensor DistinctLeaf(Random r, int[] shape)
    {
        int size = shape.Aggregate(1, (a, d) => a * d);
        var order = Enumerable.Range(0, size).OrderBy(_ => r.Next()).Select(i => i * 0.15f - 2f).ToArray();
        return Tensor.FromArray(order, shape);
    }

    [Fact]
    public void FlattenAndUnflatten_AreViews_WithPyTorchShapes()
    {
        var x = Tensor.Zeros(2, 64, 7, 7);
        var flat = new Flatten().Forward(x);
        Assert.Equal([2, 3136], flat.Shape.ToArray());
        var back = new Unflatten(1, 64, 7, 7).Forward(flat);
        Assert.Equal([2, 64, 7, 7], back.Shape.ToArray());
        x.Span[100] = 7f; // the views share the storage
        Assert.Equal(7f, flat.ReadOnlySpan[100]);
        Assert.Equal(7f, back.ReadOnlySpan[100]);
        Assert.Equal([2, 64, 49], new Flatten(2).Forward(x).Shape.ToArray());
        Assert.Throws<ArgumentException>(() => new Unflatten(1, 64, 7, 8).Forward(flat));
    }

    [Fact]
    public void ConvStack_Layers_ProduceTheReferenceShapes()
    {
        var r = new Random(7);
        using var _ = GradMode.Disable();
        var x = Tensor.Zeros(3, 1, 28, 28);
        var h = new Conv2d(1, 32, 3, r, 2, 1).Forward(x);
        Assert.Equal([3, 32, 14, 14], h.Shape.ToArray());
        h = new Conv2d(32, 64, 3, r, 2, 1).Forward(h);
        Assert.Equal([3, 64, 7, 7], h.Shape.ToArray());
        h = new ConvTranspose2d(64, 32, 3, r, 2, 1, 1).Forward(h);
        Assert.Equal([3, 32, 14, 14], h.Shape.ToArray());
        Assert.Equal([3, 32, 7, 7], new MaxPool2d(2).Forward(h).Shape.ToArray());
        Assert.Equal([3, 32, 28, 28], new Upsample(2).Forward(h).Shape.ToArray());
        Assert.Equal([3, 32, 14, 14], Op.BatchNorm(h, null, null).Shape.ToArray());
    }
}
