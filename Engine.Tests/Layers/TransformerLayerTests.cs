using Engine.Autodiff;
using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Tensors;
using Engine.Tests.Autodiff;
using Engine.Tests.Testing;

namespace Engine.Tests.Layers;

/// <summary>
/// The Transformer layers against PyTorch 1.13 (weights loaded by name from Fixtures/attention_fixture.json),
/// GradCheck of both blocks, mask and causality guarantees at the block level, dropout only in training mode.
/// </summary>
[Trait("Layer", "Layers")]
public sealed class TransformerLayerTests
{
    // Float32 vs PyTorch float32: both round differently along the way, so allow a few ulps of the outputs' scale.
    private const float PyTorchTolerance = 1e-5f;

    private static readonly AttentionFixture Fixture = AttentionFixture.Load();

    [Fact]
    public void MultiheadAttention_Self_MatchesPyTorch()
    {
        var mha = new MultiheadAttention(8, 2, new Random(1));
        AttentionFixture.LoadInto(mha, Fixture.Group("mha_self", "params"));
        var x = Fixture.Tensor("mha_self", "x");
        var y = mha.Forward(x, x, x, Fixture.Tensor("mha_self", "mask"));
        TensorAssert.AllClose(Fixture.Tensor("mha_self", "output").ReadOnlySpan, y.ReadOnlySpan, PyTorchTolerance,
            PyTorchTolerance, "mha self-attention");
    }

    [Fact]
    public void MultiheadAttention_CrossWithSeparateKeyAndValue_MatchesPyTorch()
    {
        var mha = new MultiheadAttention(8, 2, new Random(1));
        AttentionFixture.LoadInto(mha, Fixture.Group("mha_cross", "params"));
        var y = mha.Forward(Fixture.Tensor("mha_cross", "query"), Fixture.Tensor("mha_cross", "key"),
            Fixture.Tensor("mha_cross", "value"), Fixture.Tensor("mha_cross", "mask"));
        TensorAssert.AllClose(Fixture.Tensor("mha_cross", "output").ReadOnlySpan, y.ReadOnlySpan, PyTorchTolerance,
            PyTorchTolerance, "mha cross-attention");
    }

    [Fact]
    public void EncoderBlock_OutputAndGradients_MatchPyTorch()
    {
        var block = new TransformerEncoderBlock(8, 2, 16, new Random(1), dropout: 0f);
        AttentionFixture.LoadInto(block, Fixture.Group("encoder", "params"));
        var x = Fixture.Tensor("encoder", "x");
        x.RequiresGrad = true;
        var y = block.Forward(x, Fixture.Tensor("encoder", "mask"));
        TensorAssert.AllClose(Fixture.Tensor("encoder", "output").ReadOnlySpan, y.ReadOnlySpan, PyTorchTolerance,
            PyTorchTolerance, "encoder output");
        y.Backward(Fixture.Tensor("encoder", "seed"));
        TensorAssert.AllClose(Fixture.Tensor("encoder", "grad_x").ReadOnlySpan, x.Grad!.ReadOnlySpan,
            PyTorchTolerance, PyTorchTolerance, "encoder d/dx");
        var grads = Fixture.Group("encoder", "grads");
        foreach (var (name, p) in block.NamedParameters())
            TensorAssert.AllClose(grads[name].ReadOnlySpan, p.Grad!.ReadOnlySpan, PyTorchTolerance, PyTorchTolerance,
                $"encoder d/d{name}");
    }

    [Fact]
    public void DecoderBlock_MatchesPyTorch()
    {
        var block = new TransformerDecoderBlock(8, 2, 16, new Random(1), dropout: 0f);
        AttentionFixture.LoadInto(block, Fixture.Group("decoder", "params"));
        var y = block.Forward(Fixture.Tensor("decoder", "x"), Fixture.Tensor("decoder", "memory"),
            Fixture.Tensor("decoder", "memory_mask"));
        TensorAssert.AllClose(Fixture.Tensor("decoder", "output").ReadOnlySpan, y.ReadOnlySpan, PyTorchTolerance,
            PyTorchTolerance, "decoder output");
    }

    private static Tensor Input(int seed, params int[] shape) => OpGen.Tensor(new Random(seed), OpGen.Uniform(-1, 1), shape);

    [Fact]
    public void EncoderBlock_PassesGradCheck()
    {
        var block = new TransformerEncoderBlock(4, 2, 6, new Random(3), dropout: 0f);
        var x = Input(4, 2, 3, 4);
        x.RequiresGrad = true;
        var mask = Tensor.FromArray([1f, 1f, 1f, 1f, 1f, 0f], 2, 3);
        var result = GradCheck.Run("encoder block", () => block.Forward(x, mask), [x, .. block.Parameters()]);
        Assert.True(result.Passed, result.Report);
    }

    [Fact]
    public void DecoderBlock_PassesGradCheck()
    {
        var block = new TransformerDecoderBlock(4, 2, 6, new Random(3), dropout: 0f);
        var x = Input(4, 2, 3, 4);
        var memory = Input(5, 2, 2, 4);
        x.RequiresGrad = true;
        memory.RequiresGrad = true;
        var memoryMask = Tensor.FromArray([1f, 1f, 1f, 0f], 2, 2);
        var result = GradCheck.Run("decoder block", () => block.Forward(x, memory, memoryMask),
            [x, memory, .. block.Parameters()]);
        Assert.True(result.Passed, result.Report);
    }

    [Fact]
    public void EncoderBlock_RealPositions_IgnorePaddedInputs()
    {
        var block = new TransformerEncoderBlock(8, 2, 12, new Random(6), dropout: 0f);
        var x = Input(7, 2, 5, 8);
        var mask = Tensor.FromArray([1f, 1f, 1f, 1f, 1f, 1f, 1f, 0f, 0f, 0f], 2, 5);
        var y = block.Forward(x, mask);
        var changed = x.Clone();
        for (int t = 2; t < 5; t++)
            for (int e = 0; e < 8; e++) changed.Span[(5 + t) * 8 + e] = 9f * (e - 3);
        var y2 = block.Forward(changed, mask);
        TensorAssert.BitwiseEqual(y.ReadOnlySpan[..(7 * 8)], y2.ReadOnlySpan[..(7 * 8)], "real positions");
        Assert.False(y.ReadOnlySpan[(7 * 8)..].SequenceEqual(y2.ReadOnlySpan[(7 * 8)..]), "padded positions should change");
    }

    [Fact]
    public void DecoderBlock_IsCausal()
    {
        var block = new TransformerDecoderBlock(8, 2, 12, new Random(6), dropout: 0f);
        var x = Input(8, 1, 4, 8);
        var memory = Input(9, 1, 3, 8);
        var y = block.Forward(x, memory);
        var changed = x.Clone();
        for (int e = 0; e < 8; e++) changed.Span[3 * 8 + e] += 1f; // change only the last step
        var y2 = block.Forward(changed, memory);
        TensorAssert.BitwiseEqual(y.ReadOnlySpan[..(3 * 8)], y2.ReadOnlySpan[..(3 * 8)], "steps before the change");
    }

    [Fact]
    public void Dropout_ActsInTrainingOnly()
    {
        var withDropout = new TransformerEncoderBlock(8, 2, 12, new Random(11), dropout: 0.5f);
        var without = new TransformerEncoderBlock(8, 2, 12, new Random(11), dropout: 0f);
        var x = Input(12, 2, 4, 8);
        var training = withDropout.Forward(x).ToArray();
        withDropout.Eval();
        TensorAssert.BitwiseEqual(without.Forward(x).ReadOnlySpan, withDropout.Forward(x).ReadOnlySpan, "eval mode");
        Assert.False(training.SequenceEqual(without.Forward(x).ToArray()), "training mode should drop something");
    }

    [Fact]
    public void ParameterNames_AreNnTransformerEncoderLayers()
    {
        var names = new TransformerEncoderBlock(8, 2, 16, new Random(1)).NamedParameters().Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(
        [
            "linear1.bias", "linear1.weight", "linear2.bias", "linear2.weight", "norm1.bias", "norm1.weight",
            "norm2.bias", "norm2.weight", "self_attn.in_proj_bias", "self_attn.in_proj_weight",
            "self_attn.out_proj.bias", "self_attn.out_proj.weight",
        ], names);
    }

    [Fact]
    public void PositionalEncoding_IsSinusoidal_AndPassesGradientsThrough()
    {
        var pe = new PositionalEncoding(6, 10);
        var x = Tensor.Zeros(2, 4, 6);
        x.RequiresGrad = true;
        var y = pe.Forward(x);
        // Column 0 is sin(t), column 1 cos(t) (frequency 1); columns 4, 5 use frequency 10000^(-4/6).
        for (int t = 0; t < 4; t++)
        {
            Assert.Equal(Math.Sin(t), y[1, t, 0], 1e-6);
            Assert.Equal(Math.Cos(t), y[1, t, 1], 1e-6);
            Assert.Equal(Math.Cos(t / Math.Pow(10000, 4.0 / 6)), y[0, t, 5], 1e-6);
        }
        var seed = Input(13, 2, 4, 6);
        y.Backward(seed);
        TensorAssert.BitwiseEqual(seed.ReadOnlySpan, x.Grad!.ReadOnlySpan, "gradient through the encoding");
        Assert.Empty(pe.Parameters());
        Assert.Throws<ArgumentException>(() => pe.Forward(Tensor.Zeros(1, 11, 6)));
    }

    [Fact]
    public void LearnedPositionalEmbedding_GradientIsTheBatchSum_OfUsedRows()
    {
        var positions = new LearnedPositionalEmbedding(5, 3, new Random(2));
        var x = Input(14, 2, 4, 3);
        var y = positions.Forward(x);
        var seed = Input(15, 2, 4, 3);
        y.Backward(seed);
        var g = positions.Weight.Grad!;
        for (int t = 0; t < 5; t++)
            for (int e = 0; e < 3; e++)
            {
                float expected = t < 4 ? seed[0, t, e] + seed[1, t, e] : 0f;
                Assert.Equal(expected, g[t, e], 6);
                if (t < 4) Assert.Equal(x[1, t, e] + positions.Weight[t, e], y[1, t, e], 6);
            }
    }

    [Fact]
    public void MultiheadAttention_RejectsBadShapes()
    {
        Assert.Throws<ArgumentException>(() => new MultiheadAttention(6, 4, new Random(1)));
        var mha = new MultiheadAttention(4, 2, new Random(1));
        var ex = Assert.Throws<ArgumentException>(() => mha.Forward(Tensor.Zeros(2, 3, 5)));
        Assert.Contains("MultiheadAttention", ex.Message);
    }
}
