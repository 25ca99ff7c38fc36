using Engine.Autodiff.Ops;
using Engine.Tensors;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Autodiff;

/// <summary>
/// Analytic gradients of the ops that move or normalise elements (Transpose, Concat, Slice, Split, Softmax,
/// LogSoftmax, Embedding, GatherRows) match GradCheck on random shapes and axes.
/// </summary>
[Trait("Layer", "Autodiff")]
public sealed class ShapeGradientProperties
{
    private static Arbitrary<(OpCase Case, int Axis)> AxisCases(int minRank = 1) =>
        (from c in OpGen.Cases(minRank, 3).Generator
         from axis in Gen.Choose(-c.Shape.Length, c.Shape.Length - 1)
         select (c, axis)).ToArbitrary();

    [Property(MaxTest = OpGen.Runs)]
    public Property Transpose2D_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(2, 2), c =>
    {
        var x = OpGen.Leaf(new Random(c.Seed), OpGen.Uniform(-2, 2), c.Shape);
        OpGen.AssertGradients("Transpose", () => Op.Transpose(x), x);
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property TransposeAxes_MatchesGradCheck() => Prop.ForAll(
        (from rank in Gen.Choose(1, 4) from dims in Gen.ArrayOf(OpGen.SmallDim, rank)
         from i in Gen.Choose(-rank, rank - 1) from j in Gen.Choose(-rank, rank - 1) from seed in OpGen.Seed
         select (dims, i, j, seed)).ToArbitrary(),
        c =>
        {
            var x = OpGen.Leaf(new Random(c.seed), OpGen.Uniform(-2, 2), c.dims);
            OpGen.AssertGradients($"Transpose({c.i}, {c.j})", () => Op.Transpose(x, c.i, c.j), x);
        });

    [Property(MaxTest = OpGen.Runs)]
    public Property Concat_MatchesGradCheck() => Prop.ForAll(AxisCases(), Gen.Choose(1, 3).ToArbitrary(), (c, parts) =>
    {
        var r = new Random(c.Case.Seed);
        int ax = c.Axis < 0 ? c.Axis + c.Case.Shape.Length : c.Axis;
        var inputs = Enumerable.Range(0, parts).Select(_ =>
        {
            var dims = (int[])c.Case.Shape.Clone();
            dims[ax] = r.Next(1, 5);
            return OpGen.Leaf(r, OpGen.Uniform(-2, 2), dims);
        }).ToArray();
        OpGen.AssertGradients("Concat", () => Op.Concat(inputs, c.Axis), inputs);
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property Slice_And_Split_MatchGradCheck() => Prop.ForAll(AxisCases(), c =>
    {
        var r = new Random(c.Case.Seed);
        var x = OpGen.Leaf(r, OpGen.Uniform(-2, 2), c.Case.Shape);
        int n = c.Case.Shape[c.Axis < 0 ? c.Axis + c.Case.Shape.Length : c.Axis];
        int start = r.Next(n), length = r.Next(1, n - start + 1);
        OpGen.AssertGradients("Slice", () => Op.Slice(x, c.Axis, start, length), x);
        // Split, then weight the parts differently so a part routed to the wrong place would show.
        int first = r.Next(n + 1);
        OpGen.AssertGradients("Split", () =>
        {
            var p = Op.Split(x, c.Axis, first, n - first);
            return Op.Concat([p[1], p[0] * 3f], c.Axis);
        }, x);
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property Softmax_MatchesGradCheck() => Prop.ForAll(AxisCases(), c =>
    {
        var x = OpGen.Leaf(new Random(c.Case.Seed), OpGen.Uniform(-3, 3), c.Case.Shape);
        OpGen.AssertGradients("Softmax", () => Op.Softmax(x, c.Axis), x);
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property LogSoftmax_MatchesGradCheck() => Prop.ForAll(AxisCases(), c =>
    {
        var x = OpGen.Leaf(new Random(c.Case.Seed), OpGen.Uniform(-3, 3), c.Case.Shape);
        OpGen.AssertGradients("LogSoftmax", () => Op.LogSoftmax(x, c.Axis), x);
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property Embedding_ScattersIntoRepeatedRows_MatchesGradCheck() => Prop.ForAll(
        (from v in OpGen.Dim from d in OpGen.Dim from count in Gen.Choose(1, 12) from asTensor in Gen.Elements(true, false)
         from seed in OpGen.Seed select (v, d, count, asTensor, seed)).ToArbitrary(),
        c =>
        {
            var r = new Random(c.seed);
            var weight = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.v, c.d);
            var ids = Enumerable.Range(0, c.count).Select(_ => r.Next(c.v)).ToArray(); // repeats are likely
            if (c.asTensor)
            {
                var idTensor = Tensor.FromArray([.. ids.Select(i => (float)i), .. ids.Select(i => (float)i)], 2, c.count);
                OpGen.AssertGradients("Embedding(tensor ids)", () => Op.Embedding(idTensor, weight), weight);
            }
            else
            {
                OpGen.AssertGradients("Embedding", () => Op.Embedding(ids, weight), weight);
            }
        });

    [Property(MaxTest = OpGen.Runs)]
    public Property GatherRows_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), c =>
    {
        var r = new Random(c.Seed);
        var source = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.Shape);
        var rows = Enumerable.Range(0, r.Next(1, 8)).Select(_ => r.Next(c.Shape[0])).ToArray();
        OpGen.AssertGradients("GatherRows", () => Op.GatherRows(source, rows), source);
    });
}
