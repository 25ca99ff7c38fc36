using Engine.Autodiff.Ops;
using Engine.Tensors;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Autodiff;

/// <summary>Analytic gradients of the elementwise ops match GradCheck on random shapes (rank 1–3) and values.</summary>
[Trait("Layer", "Autodiff")]
public sealed class ElementwiseGradientProperties
{
    private static void Check(string name, OpCase c, Sampler sampler, Func<Tensor, Tensor> op)
    {
        var x = OpGen.Leaf(new Random(c.Seed), sampler, c.Shape);
        OpGen.AssertGradients(name, () => op(x), x);
    }

    [Property(MaxTest = OpGen.Runs)]
    public Property Neg_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), c => Check("Neg", c, OpGen.Uniform(-2, 2), Op.Neg));

    [Property(MaxTest = OpGen.Runs)]
    public Property Scale_MatchesGradCheck() =>
        Prop.ForAll(OpGen.Cases(), c => Check("Scale", c, OpGen.Uniform(-2, 2), x => Op.Scale(x, -1.75f)));

    [Property(MaxTest = OpGen.Runs)]
    public Property Exp_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), c => Check("Exp", c, OpGen.Uniform(-2, 2), Op.Exp));

    [Property(MaxTest = OpGen.Runs)]
    public Property Log_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), c => Check("Log", c, OpGen.Uniform(0.2f, 3), Op.Log));

    [Property(MaxTest = OpGen.Runs)]
    public Property Sqrt_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), c => Check("Sqrt", c, OpGen.Uniform(0.2f, 3), Op.Sqrt));

    [Property(MaxTest = OpGen.Runs)]
    public Property Pow_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), Gen.Elements(-1.5f, -1f, 0.5f, 1.7f, 2f, 3f).ToArbitrary(),
        (c, p) => Check($"Pow^{p}", c, OpGen.Uniform(0.3f, 2), x => Op.Pow(x, p)));

    [Property(MaxTest = OpGen.Runs)]
    public Property Abs_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), c => Check("Abs", c, OpGen.AwayFromZero(0.05f, 2), Op.Abs));

    [Property(MaxTest = OpGen.Runs)]
    public Property Clamp_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), c =>
    {
        // Both sides of each bound, never within 0.05 of one.
        Sampler sampler = r =>
        {
            float v;
            do v = -1.5f + 3f * r.NextSingle();
            while (Math.Abs(Math.Abs(v) - 0.5f) < 0.05f);
            return v;
        };
        Check("Clamp", c, sampler, x => Op.Clamp(x, -0.5f, 0.5f));
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property Relu_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), c => Check("Relu", c, OpGen.AwayFromZero(0.05f, 2), Op.Relu));

    [Property(MaxTest = OpGen.Runs)]
    public Property Sigmoid_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), c => Check("Sigmoid", c, OpGen.Uniform(-4, 4), Op.Sigmoid));

    [Property(MaxTest = OpGen.Runs)]
    public Property Tanh_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), c => Check("Tanh", c, OpGen.Uniform(-3, 3), Op.Tanh));

    [Property(MaxTest = OpGen.Runs)]
    public Property LeakyRelu_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), Gen.Elements(0.01f, 0.2f, 1.5f).ToArbitrary(),
        (c, slope) => Check("LeakyRelu", c, OpGen.AwayFromZero(0.05f, 2), x => Op.LeakyRelu(x, slope)));

    [Property(MaxTest = OpGen.Runs)]
    public Property Elu_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), Gen.Elements(0.5f, 1f, 2f).ToArbitrary(),
        (c, alpha) => Check("Elu", c, OpGen.AwayFromZero(0.05f, 3), x => Op.Elu(x, alpha)));

    [Property(MaxTest = OpGen.Runs)]
    public Property Softplus_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), c => Check("Softplus", c, OpGen.Uniform(-6, 6), Op.Softplus));

    [Property(MaxTest = OpGen.Runs)]
    public Property Dropout_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), Gen.Elements(0.1f, 0.5f, 0.9f).ToArbitrary(),
        (c, p) =>
        {
            // A fresh Random with the same seed per call: every forward pass of the check draws the same mask.
            Check("Dropout", c, OpGen.Uniform(-2, 2), x => Op.Dropout(x, p, new Random(c.Seed ^ 0x5EED), training: true));
        });
}
