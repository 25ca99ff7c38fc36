using System.Text.Json;
using Engine.Autodiff;
using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Tensors;
using Engine.Tests.Testing;

namespace Engine.Tests.Layers;

[Trait("Layer", "Layers")]
public sealed class LstmTests
{
    private const float FixtureTolerance = 1e-5f;

    [Fact]
    public void Lstm_ParameterNamesShapesAndInit_MatchPyTorch()
    {
        var lstm = new Lstm(3, 4, new Random(Seeds.Default), numLayers: 2, bidirectional: true);
        string[] expected =
        [
            "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
            "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
            "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
            "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse",
        ];
        var named = lstm.NamedParameters().ToList();
        Assert.Equal(expected, named.Select(p => p.Name));
        Assert.Equal(new Shape(16, 3), named[0].Parameter.Shape);
        Assert.Equal(new Shape(16, 8), named[8].Parameter.Shape); // layer 1 reads [forward | backward]
        Assert.Equal(new Shape(16, 4), named[9].Parameter.Shape);
        Assert.Equal(new Shape(16), named[10].Parameter.Shape);
        var all = named.SelectMany(p => p.Parameter.ToArray()).ToArray();
        Assert.All(all, v => Assert.InRange(v, -0.5f, 0.5f)); // U(±1/√H), H = 4
        Assert.True(all.Max() > 0.4f && all.Min() < -0.4f, "init does not fill the U(±1/√H) range");
    }

    public static TheoryData<string> FixtureCases() => ["single_layer_full", "single_layer_lengths", "two_layer_bidirectional_lengths"];

    [Theory]
    [MemberData(nameof(FixtureCases))]
    public void Lstm_MatchesPyTorchFixture_OutputsAndGradients(string name)
    {
        var c = LoadFixture().GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        int batch = c.GetProperty("batch").GetInt32(), steps = c.GetProperty("steps").GetInt32();
        int inF = c.GetProperty("input_size").GetInt32(), hidden = c.GetProperty("hidden").GetInt32();
        int layers = c.GetProperty("num_layers").GetInt32();
        bool bi = c.GetProperty("bidirectional").GetBoolean();
        int[]? lengths = c.GetProperty("lengths").ValueKind == JsonValueKind.Null
            ? null : c.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int k = layers * (bi ? 2 : 1), bh = batch * hidden;

        var lstm = new Lstm(inF, hidden, new Random(1), layers, bi);
        foreach (var (pname, p) in lstm.NamedParameters()) Floats(c.GetProperty("params"), pname).CopyTo(p.Span);
        var x = Leaf(Floats(c, "input"), batch, steps, inF);
        var h0 = Floats(c, "h0");
        var c0 = Floats(c, "c0");
        var init = Enumerable.Range(0, k).Select(i => new LstmState(
            Leaf(h0.AsSpan(i * bh, bh).ToArray(), batch, hidden), Leaf(c0.AsSpan(i * bh, bh).ToArray(), batch, hidden))).ToList();

        var run = lstm.Run(x, lengths, init);
        TensorAssert.AllClose(Floats(c, "output"), run.Output.ReadOnlySpan, FixtureTolerance, FixtureTolerance, "output");
        TensorAssert.AllClose(Floats(c, "h_n"), run.FinalStates.SelectMany(s => s.Hidden.ToArray()).ToArray(), FixtureTolerance, FixtureTolerance, "h_n");
        TensorAssert.AllClose(Floats(c, "c_n"), run.FinalStates.SelectMany(s => s.Cell.ToArray()).ToArray(), FixtureTolerance, FixtureTolerance, "c_n");

        var seedH = Floats(c, "seed_h");
        var seedC = Floats(c, "seed_c");
        var loss = Op.Sum(run.Output * Tensor.FromArray(Floats(c, "seed_output"), run.Output.Shape.ToArray()));
        for (int i = 0; i < k; i++)
        {
            loss += Op.Sum(run.FinalStates[i].Hidden * Tensor.FromArray(seedH.AsSpan(i * bh, bh).ToArray(), batch, hidden));
            loss += Op.Sum(run.FinalStates[i].Cell * Tensor.FromArray(seedC.AsSpan(i * bh, bh).ToArray(), batch, hidden));
        }
        loss.Backward();
        var grads = c.GetProperty("grad");
        TensorAssert.AllClose(Floats(grads, "input"), x.Grad!.ReadOnlySpan, FixtureTolerance, FixtureTolerance, "d input");
        TensorAssert.AllClose(Floats(grads, "h0"), init.SelectMany(s => s.Hidden.Grad!.ToArray()).ToArray(), FixtureTolerance, FixtureTolerance, "d h0");
        TensorAssert.AllClose(Floats(grads, "c0"), init.SelectMany(s => s.Cell.Grad!.ToArray()).ToArray(), FixtureTolerance, FixtureTolerance, "d c0");
        foreach (var (pname, p) in lstm.NamedParameters())
            TensorAssert.AllClose(Floats(grads, pname), p.Grad!.ReadOnlySpan, FixtureTolerance, FixtureTolerance, "d " + pname);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(new[] { 3, 5, 1, 4 })]
    public void Lstm_MultiLayerBidirectional_MatchesCompositionOfSingleLayerRuns(int[]? lengths)
    {
        const int batch = 4, steps = 5, inF = 3, hidden = 4;
        var lstm = new Lstm(inF, hidden, new Random(Seeds.Default), numLayers: 2, bidirectional: true);
        var x = Tensor.Uniform(new Random(2), -1, 1, batch, steps, inF);
        using var _ = GradMode.Disable();
        var run = lstm.Run(x, lengths);

        // By hand: the backward direction is a forward LSTM over each sequence reversed within its own length.
        var layerInput = x;
        var finals = new List<Tensor>();
        for (int l = 0; l < 2; l++)
        {
            var (wi, wh, bi, bh) = lstm.Weights(l, 0);
            var fw = Op.Lstm(layerInput, null, null, wi, wh, bi, bh, lengths);
            (wi, wh, bi, bh) = lstm.Weights(l, 1);
            var bw = Op.Lstm(ReverseWithin(layerInput, lengths), null, null, wi, wh, bi, bh, lengths);
            finals.AddRange([fw.Hidden, fw.Cell, bw.Hidden, bw.Cell]);
            layerInput = Interleave(fw.Output, ReverseWithin(bw.Output, lengths));
        }
        TensorAssert.AllClose(layerInput.ReadOnlySpan, run.Output.ReadOnlySpan, Tolerance.Kernel, Tolerance.KernelAbsolute, "output");
        for (int i = 0; i < 4; i++)
        {
            TensorAssert.AllClose(finals[2 * i].ReadOnlySpan, run.FinalStates[i].Hidden.ReadOnlySpan, Tolerance.Kernel, Tolerance.KernelAbsolute, $"h_n[{i}]");
            TensorAssert.AllClose(finals[2 * i + 1].ReadOnlySpan, run.FinalStates[i].Cell.ReadOnlySpan, Tolerance.Kernel, Tolerance.KernelAbsolute, $"c_n[{i}]");
        }
    }

    [Fact]
    public void Lstm_TwoLayerBidirectionalWithLengths_PassesGradCheck()
    {
        var lstm = new Lstm(2, 3, new Random(Seeds.Default), numLayers: 2, bidirectional: true);
        var x = Leaf(Tensor.Uniform(new Random(4), -1, 1, 3, 4, 2).ToArray(), 3, 4, 2);
        var r = GradCheck.Run("Lstm layer", () => lstm.Run(x, [4, 2, 3]).Output, [x, .. lstm.Parameters()],
            new GradCheckOptions { MaxElementsPerInput = 16 });
        Assert.True(r.Passed, r.Report);
    }

    [Fact]
    public void LstmCellModule_StepByStep_MatchesTheSequenceOpAndRecordsNothingUnderDisable()
    {
        const int batch = 3, steps = 6, inF = 2, hidden = 5;
        var cell = new LstmCellModule(inF, hidden, new Random(Seeds.Default));
        Assert.Equal(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], cell.NamedParameters().Select(p => p.Name));
        var x = Tensor.Uniform(new Random(8), -1, 1, batch, steps, inF);
        using var _ = GradMode.Disable();
        var whole = Op.Lstm(x, null, null, cell.WeightIh, cell.WeightHh, cell.BiasIh, cell.BiasHh);
        LstmState? state = null;
        for (int t = 0; t < steps; t++)
        {
            var xt = Tensor.Zeros(batch, inF);
            for (int b = 0; b < batch; b++)
                x.ReadOnlySpan.Slice((b * steps + t) * inF, inF).CopyTo(xt.Span.Slice(b * inF, inF));
            state = cell.Step(xt, state);
            Assert.False(state.Hidden.RequiresGrad);
            for (int b = 0; b < batch; b++)
                TensorAssert.AllClose(whole.Output.ReadOnlySpan.Slice((b * steps + t) * hidden, hidden),
                    state.Hidden.ReadOnlySpan.Slice(b * hidden, hidden), Tolerance.Kernel, Tolerance.KernelAbsolute, $"h at step {t}");
        }
        TensorAssert.AllClose(whole.Cell.ReadOnlySpan, state!.Cell.ReadOnlySpan, Tolerance.Kernel, Tolerance.KernelAbsolute, "final c");
    }

    [Fact]
    public void LstmCellModule_ThousandRecordedSteps_BackwardWithoutStackOverflow()
    {
        var cell = new LstmCellModule(2, 3, new Random(Seeds.Default));
        var x = Tensor.Uniform(new Random(1), -1, 1, 1, 2);
        x.RequiresGrad = true;
        LstmState? state = null;
        for (int t = 0; t < 1000; t++) state = cell.Step(x, state);
        Op.Sum(state!.Hidden).Backward();
        Assert.All(cell.Parameters(), p => Assert.True(p.Grad!.ToArray().All(float.IsFinite) && p.Grad.ToArray().Any(v => v != 0)));
        Assert.True(x.Grad!.ToArray().All(float.IsFinite));
    }

    private static Tensor Leaf(float[] values, params int[] shape)
    {
        var t = Tensor.FromArray(values, shape);
        t.RequiresGrad = true;
        return t;
    }

    private static float[] Floats(JsonElement e, string name) =>
        e.GetProperty(name).EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    // out[b, t] = in[b, len_b - 1 - t] for t < len_b, zero past it.
    private static Tensor ReverseWithin(Tensor x, int[]? lengths)
    {
        int batch = x.Shape[0], steps = x.Shape[1], f = x.Shape[2];
        var y = Tensor.Zeros(x.Shape);
        for (int b = 0; b < batch; b++)
        {
            int len = lengths?[b] ?? steps;
            for (int t = 0; t < len; t++)
                x.ReadOnlySpan.Slice((b * steps + len - 1 - t) * f, f).CopyTo(y.Span.Slice((b * steps + t) * f, f));
        }
        return y;
    }

    private static Tensor Interleave(Tensor a, Tensor b)
    {
        int rows = a.Shape[0] * a.Shape[1], h = a.Shape[2];
        var y = Tensor.Zeros(a.Shape[0], a.Shape[1], 2 * h);
        for (int r = 0; r < rows; r++)
        {
            a.ReadOnlySpan.Slice(r * h, h).CopyTo(y.Span.Slice(2 * r * h, h));
            b.ReadOnlySpan.Slice(r * h, h).CopyTo(y.Span.Slice((2 * r + 1) * h, h));
        }
        return y;
    }

    // The fixture is committed next to its generator; tests find it in the output folder or up the source tree.
    private static JsonElement LoadFixture()
    {
        const string file = "lstm_fixture.json";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "Fixtures", file), Path.Combine(dir.FullName, "Engine.Tests", "Fixtures", file) })
                if (File.Exists(candidate))
                    return JsonDocument.Parse(File.ReadAllText(candidate)).RootElement;
        }
        throw new FileNotFoundException($"{file} not found above {AppContext.BaseDirectory}; run Engine.Tests/Fixtures/make_lstm_fixture.py.");
    }
}
