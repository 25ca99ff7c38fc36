using Engine.Autodiff.Ops;
using Engine.Tensors;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Autodiff;

/// <summary>
/// Analytic gradients of the arithmetic, matrix and reduction ops match GradCheck: broadcasting variants (same,
/// scalar, row, column, general, either side), 2-D/batched/shared MatMul, Linear with and without bias, Reshape,
/// whole-tensor and per-axis Sum/Mean/Max.
/// </summary>
[Trait("Layer", "Autodiff")]
public sealed class ArithmeticGradientProperties
{
    /// <summary>A broadcast pair: the full shape and a reduced one (scalar/row/column/general), on either side.</summary>
    private static Arbitrary<(int[] A, int[] B, int Seed)> BroadcastPairs() =>
        (from shape in OpGen.Shape(1, 3)
         from kind in Gen.Elements("same", "scalar", "row", "column", "general")
         from keep in Gen.ArrayOf(Gen.Elements(true, false), shape.Length)
         from drop in Gen.Choose(0, shape.Length - 1)
         from swap in Gen.Elements(true, false)
         from seed in OpGen.Seed
         let reduced = kind switch
         {
             "same" => shape,
             "scalar" => [],
             "row" => [shape[^1]],
             "column" => [.. shape[..^1], 1],
             _ => shape.Select((d, i) => keep[i] ? d : 1).Skip(drop).ToArray(),
         }
         select swap ? (reduced, shape, seed) : (shape, reduced, seed)).ToArbitrary();

    private static void CheckBinary(string name, (int[] A, int[] B, int Seed) c, Func<Tensor, Tensor, Tensor> op)
    {
        var r = new Random(c.Seed);
        var a = OpGen.Leaf(r, OpGen.Uniform(-2, 2), c.A);
        var b = OpGen.Leaf(r, OpGen.AwayFromZero(0.5f, 2), c.B); // b is the divisor of Div
        OpGen.AssertGradients(name, () => op(a, b), a, b);
    }

    [Property(MaxTest = OpGen.Runs)]
    public Property Add_Broadcasting_MatchesGradCheck() => Prop.ForAll(BroadcastPairs(), c => CheckBinary("Add", c, Op.Add));

    [Property(MaxTest = OpGen.Runs)]
    public Property Sub_Broadcasting_MatchesGradCheck() => Prop.ForAll(BroadcastPairs(), c => CheckBinary("Sub", c, Op.Sub));

    [Property(MaxTest = OpGen.Runs)]
    public Property Mul_Broadcasting_MatchesGradCheck() => Prop.ForAll(BroadcastPairs(), c => CheckBinary("Mul", c, Op.Mul));

    [Property(MaxTest = OpGen.Runs)]
    public Property Div_Broadcasting_MatchesGradCheck() => Prop.ForAll(BroadcastPairs(), c => CheckBinary("Div", c, Op.Div));

    [Property(MaxTest = OpGen.Runs)]
    public Property MatMul_2D_Batched_Shared_MatchesGradCheck() => Prop.ForAll(
        (from m in OpGen.Dim from k in OpGen.Dim from n in OpGen.Dim from batch in Gen.Choose(1, 3)
         from mode in Gen.Elements("2d", "batched", "shared") from seed in OpGen.Seed
         select (m, k, n, batch, mode, seed)).ToArbitrary(),
        c =>
        {
            var r = new Random(c.seed);
            var a = c.mode == "2d" ? OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.m, c.k) : OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.batch, c.m, c.k);
            var b = c.mode == "batched" ? OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.batch, c.k, c.n) : OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.k, c.n);
            OpGen.AssertGradients($"MatMul {c.mode}", () => Op.MatMul(a, b), a, b);
        });

    [Property(MaxTest = OpGen.Runs)]
    public Property Linear_MatchesGradCheck() => Prop.ForAll(
        (from lead in OpGen.Shape(0, 2) from inF in OpGen.Dim from outF in OpGen.Dim from bias in Gen.Elements(true, false)
         from seed in OpGen.Seed select (lead, inF, outF, bias, seed)).ToArbitrary(),
        c =>
        {
            var r = new Random(c.seed);
            var x = OpGen.Leaf(r, OpGen.Uniform(-1, 1), [.. c.lead, c.inF]);
            var w = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.outF, c.inF);
            var b = c.bias ? OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.outF) : null;
            OpGen.AssertGradients("Linear", () => Op.Linear(x, w, b), b is null ? [x, w] : [x, w, b]);
        });

    [Property(MaxTest = OpGen.Runs)]
    public Property Reshape_MatchesGradCheck() => Prop.ForAll(OpGen.Cases(), c =>
    {
        var x = OpGen.Leaf(new Random(c.Seed), OpGen.Uniform(-2, 2), c.Shape);
        // View as (-1, last) then square, so the gradient that comes back through the view is not constant.
        OpGen.AssertGradients("Reshape", () => { var v = Op.Reshape(x, -1, c.Shape[^1]); return v * v; }, x);
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property SumAll_And_MeanAll_MatchGradCheck() => Prop.ForAll(OpGen.Cases(), c =>
    {
        // Zero-mean values keep |Σx| of order √n, under the scalar noise floor (see OpGen.MaxElementsForScalarSum);
        // the mean of squares stays below 1.
        var x = OpGen.Leaf(new Random(c.Seed), OpGen.Uniform(-1, 1), c.Shape);
        OpGen.AssertGradients("Sum", () => Op.Sum(x), x);
        OpGen.AssertGradients("Mean", () => Op.Mean(x * x), x);
    });

    private static Arbitrary<(OpCase Case, int Axis, bool KeepDim)> AxisCases() =>
        (from c in OpGen.Cases().Generator
         from axis in Gen.Choose(-c.Shape.Length, c.Shape.Length - 1)
         from keep in Gen.Elements(true, false)
         select (c, axis, keep)).ToArbitrary();

    [Property(MaxTest = OpGen.Runs)]
    public Property SumAxis_MatchesGradCheck() => Prop.ForAll(AxisCases(), c =>
    {
        var x = OpGen.Leaf(new Random(c.Case.Seed), OpGen.Uniform(-2, 2), c.Case.Shape);
        OpGen.AssertGradients("SumAxis", () => Op.Sum(x, c.Axis, c.KeepDim), x);
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property MeanAxis_MatchesGradCheck() => Prop.ForAll(AxisCases(), c =>
    {
        var x = OpGen.Leaf(new Random(c.Case.Seed), OpGen.Uniform(-2, 2), c.Case.Shape);
        OpGen.AssertGradients("MeanAxis", () => Op.Mean(x, c.Axis, c.KeepDim), x);
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property MaxAxis_MatchesGradCheck() => Prop.ForAll(AxisCases(), c =>
    {
        var x = OpGen.DistinctLeaf(new Random(c.Case.Seed), c.Case.Shape);
        OpGen.AssertGradients("MaxAxis", () => Op.Max(x, c.Axis, c.KeepDim), x);
    });
}
