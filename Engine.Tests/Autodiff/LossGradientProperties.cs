using Engine.Autodiff.Ops;
using Engine.Tensors;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Autodiff;

/// <summary>
/// Analytic gradients of the losses and the VAE ops match GradCheck with both reductions; targets, epsilon,
/// class indices and weights are data and must receive no gradient.
/// </summary>
[Trait("Layer", "Autodiff")]
public sealed class LossGradientProperties
{
    // A summed loss over many elements is a large float32 number whose rounding swamps the finite differences, so
    // Sum cases stay small (OpGen.MaxElementsForScalarSum) and every generator keeps per-element terms of order 1.
    private static Arbitrary<(OpCase Case, Reduction Reduction)> Cases() =>
        (from red in Gen.Elements(Reduction.Mean, Reduction.Sum)
         from c in OpGen.CaseGen(maxSize: red == Reduction.Sum ? OpGen.MaxElementsForScalarSum : int.MaxValue)
         select (c, red)).ToArbitrary();

    private static Tensor Data(Random r, Sampler sampler, int[] shape) => OpGen.Tensor(r, sampler, shape);

    [Property(MaxTest = OpGen.Runs)]
    public Property MseLoss_MatchesGradCheck() => Prop.ForAll(Cases(), c =>
    {
        var r = new Random(c.Case.Seed);
        var p = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.Case.Shape);
        var t = Data(r, OpGen.Uniform(-1, 1), c.Case.Shape);
        for (int i = 0; i < t.Size; i++) t.Span[i] = p.Span[i] + 0.5f * t.Span[i]; // (p − t)² ≤ 1/4
        OpGen.AssertGradients("MseLoss", () => Op.MseLoss(p, t, c.Reduction), p);
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property BceWithLogitsLoss_MatchesGradCheck() => Prop.ForAll(Cases(), c =>
    {
        var r = new Random(c.Case.Seed);
        var z = OpGen.Leaf(r, OpGen.Uniform(-2, 2), c.Case.Shape);
        var t = Data(r, OpGen.Uniform(0, 1), c.Case.Shape);
        OpGen.AssertGradients("BceWithLogitsLoss", () => Op.BceWithLogitsLoss(z, t, c.Reduction), z);
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property L1Loss_MatchesGradCheck() => Prop.ForAll(Cases(), c =>
    {
        var r = new Random(c.Case.Seed);
        var t = Data(r, OpGen.Uniform(-1, 1), c.Case.Shape);
        // prediction = target ± [0.1, 1): never at the kink |p − t| = 0.
        var p = OpGen.Leaf(r, OpGen.AwayFromZero(0.1f, 1), c.Case.Shape);
        p.Span.Clear();
        var offsets = Data(r, OpGen.AwayFromZero(0.1f, 1), c.Case.Shape);
        for (int i = 0; i < p.Size; i++) p.Span[i] = t.Span[i] + offsets.Span[i];
        OpGen.AssertGradients("L1Loss", () => Op.L1Loss(p, t, c.Reduction), p);
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property BceLoss_MatchesGradCheck() => Prop.ForAll(Cases(), c =>
    {
        var r = new Random(c.Case.Seed);
        var p = OpGen.Leaf(r, OpGen.Uniform(0.1f, 0.9f), c.Case.Shape);
        var t = Data(r, OpGen.Uniform(0, 1), c.Case.Shape);
        OpGen.AssertGradients("BceLoss", () => Op.BceLoss(p, t, c.Reduction), p);
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property CrossEntropyLoss_WithIgnoreAndWeights_MatchesGradCheck() => Prop.ForAll(
        (from red in Gen.Elements(Reduction.Mean, Reduction.Sum)
         from n in red == Reduction.Sum ? Gen.Elements(1, 2, 3, 5, 7) : OpGen.Dim from classes in OpGen.Dim
         from ignore in Gen.Elements(true, false) from weighted in Gen.Elements(true, false) from seed in OpGen.Seed
         select (n, classes, red, ignore, weighted, seed)).ToArbitrary(),
        c =>
        {
            var r = new Random(c.seed);
            // Per-row loss ≤ log C + 2 ≈ 5: a summed loss over ≤ 7 rows stays under the scalar noise floor.
            var z = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.n, c.classes);
            int? ignoreIndex = c.ignore ? -100 : null;
            var targets = Enumerable.Range(0, c.n).Select(_ => c.ignore && r.Next(3) == 0 ? -100 : r.Next(c.classes)).ToArray();
            var weights = c.weighted ? Data(r, OpGen.Uniform(0, 2), [c.n]) : null;
            OpGen.AssertGradients("CrossEntropyLoss", () => Op.CrossEntropyLoss(z, targets, c.red, ignoreIndex, weights), z);
        });

    [Property(MaxTest = OpGen.Runs)]
    public Property GaussianKl_MatchesGradCheck() => Prop.ForAll(Cases(), c =>
    {
        var r = new Random(c.Case.Seed);
        // Per-element KL term ≤ 0.86 on [-1, 1]²; Mean divides only by the batch, so rows stay short enough.
        var mu = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.Case.Shape);
        var logVar = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.Case.Shape);
        OpGen.AssertGradients("GaussianKl", () => Op.GaussianKl(mu, logVar, c.Reduction), mu, logVar);
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property Reparameterize_MatchesGradCheck_AndLeavesEpsilonAlone() => Prop.ForAll(OpGen.Cases(), c =>
    {
        var r = new Random(c.Seed);
        var mu = OpGen.Leaf(r, OpGen.Uniform(-2, 2), c.Shape);
        var logVar = OpGen.Leaf(r, OpGen.Uniform(-2, 2), c.Shape);
        var epsilon = Tensor.Normal(r, 0, 1, c.Shape);
        OpGen.AssertGradients("Reparameterize", () => Op.Reparameterize(mu, logVar, epsilon), mu, logVar);
        Assert.Null(epsilon.Grad);
    });
}
