using Engine.Autodiff;
using Engine.Tensors;
using FsCheck;
using FsCheck.Fluent;

namespace Engine.Tests.Autodiff;

/// <summary>One random case of an op property: a shape and the seed that fills its tensors.</summary>
public sealed record OpCase(int[] Shape, int Seed)
{
    /// <summary>Printed by FsCheck on failure, so a case can be rerun by hand.</summary>
    public override string ToString() => $"shape ({string.Join(", ", Shape)}), seed {Seed}";
}

/// <summary>Draws one tensor element; the policy keeps it where the op under test is smooth.</summary>
public delegate float Sampler(Random random);

/// <summary>
/// Generators and value policies for the op properties. GradCheck perturbs an element by up to 1e-2, so every
/// policy keeps values at least 0.05 away from kinks (0 for relu/abs/leaky-relu/elu, clamp bounds, max ties) and
/// from singularities (0 for log/sqrt/division/pow).
/// </summary>
internal static class OpGen
{
    /// <summary>FsCheck cases per property (kept small so the suite stays fast; see docs/derivatives.md for the long run).</summary>
    public const int Runs = 25;

    // Sizes: 1, even, odd, primes, the Vector512 width (16 floats) and one past it. Rank 3 uses the small ones so a
    // GradCheck (4 forward passes per checked element) stays quick.
    private static readonly int[] WideDims = [1, 2, 3, 4, 5, 7, 11, 16, 17];
    private static readonly int[] SmallDims = [1, 2, 3, 5];

    public static Gen<int> Dim => Gen.Elements(WideDims);

    public static Gen<int> SmallDim => Gen.Elements(SmallDims);

    public static Gen<int> Seed => Gen.Choose(0, int.MaxValue - 1);

    public static Gen<int[]> Shape(int minRank = 1, int maxRank = 3) =>
        from rank in Gen.Choose(minRank, maxRank)
        from dims in Gen.ArrayOf(rank == 3 ? SmallDim : Dim, rank)
        select dims;

    public static Arbitrary<OpCase> Cases(int minRank = 1, int maxRank = 3) => CaseGen(minRank, maxRank).ToArbitrary();

    /// <summary>Cases with at most <paramref name="maxSize"/> elements.</summary>
    public static Gen<OpCase> CaseGen(int minRank = 1, int maxRank = 3, int maxSize = int.MaxValue) =>
        from shape in Shape(minRank, maxRank).Where(s => s.Aggregate(1, (a, d) => a * d) <= maxSize)
        from seed in Seed
        select new OpCase(shape, seed);

    /// <summary>
    /// The float32 noise floor of a GradCheck on a one-element output L is about 1.5·ulp(L)/step = 150·ulp(L): every
    /// central difference reads two rounded values of L. To stay well under the 1e-3 absolute tolerance a scalar
    /// output must stay below about 16, so scalar-valued properties (losses with Reduction.Sum, whole-tensor sums) keep
    /// at most this many elements with per-element terms of order 1.
    /// </summary>
    public const int MaxElementsForScalarSum = 16;

    /// <summary>Uniform in [lo, hi).</summary>
    public static Sampler Uniform(float lo, float hi) => r => lo + (hi - lo) * r.NextSingle();

    /// <summary>±[lo, hi): at least lo away from 0 on either side.</summary>
    public static Sampler AwayFromZero(float lo, float hi) =>
        r => (r.Next(2) == 0 ? -1 : 1) * (lo + (hi - lo) * r.NextSingle());

    /// <summary>Multiples of 1/16 in [-2, 2] without 0: every sum and product of a few of them is exact in float.</summary>
    public static Sampler Dyadic => r =>
    {
        int k = r.Next(1, 33);
        return (r.Next(2) == 0 ? -k : k) / 16f;
    };

    public static Tensor Tensor(Random random, Sampler sampler, params int[] shape)
    {
        var t = Engine.Tensors.Tensor.Zeros(shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = sampler(random);
        return t;
    }

    public static Tensor Leaf(Random random, Sampler sampler, params int[] shape)
    {
        var t = Tensor(random, sampler, shape);
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>
    /// A leaf whose elements are all distinct, at least 0.1 apart (a shuffled ladder with jitter below 0.02), so a max
    /// never has a tie within the GradCheck step.
    /// </summary>
    public static Tensor DistinctLeaf(Random random, params int[] shape)
    {
        var t = Engine.Tensors.Tensor.Zeros(shape);
        var order = Enumerable.Range(0, t.Size).OrderBy(_ => random.Next()).ToArray();
        for (int i = 0; i < order.Length; i++) t.Span[i] = (order[i] - t.Size / 2) * 0.12f + 0.02f * random.NextSingle();
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>Runs GradCheck and fails with its report (naming the op, input, element, analytic vs numeric).</summary>
    public static void AssertGradients(string name, Func<Tensor> function, params Tensor[] inputs)
    {
        var result = GradCheck.Run(name, function, inputs);
        Assert.True(result.Passed, result.Report);
        Assert.True(result.CheckedElements > 0 || inputs.All(t => t.Size == 0), $"{name}: nothing was checked.");
    }
}
