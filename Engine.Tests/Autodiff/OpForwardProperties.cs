using Engine.Autodiff.Ops;
using Engine.Tensors;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Autodiff;

/// <summary>
/// Forward passes of the ops against naive reference loops computed in double, on random shapes and axes.
/// </summary>
[Trait("Layer", "Autodiff")]
public sealed class OpForwardProperties
{
    private static Arbitrary<(OpCase Case, int Axis, bool KeepDim)> AxisCases() =>
        (from c in OpGen.Cases().Generator
         from axis in Gen.Choose(-c.Shape.Length, c.Shape.Length - 1)
         from keep in Gen.Elements(true, false)
         select (c, axis, keep)).ToArbitrary();

    private static int[] StridesOf(int[] dims)
    {
        var strides = new int[dims.Length];
        for (int d = dims.Length - 1, s = 1; d >= 0; s *= dims[d], d--) strides[d] = s;
        return strides;
    }

    private static int[] Unravel(int flat, int[] dims)
    {
        var index = new int[dims.Length];
        for (int d = dims.Length - 1; d >= 0; d--)
        {
            index[d] = flat % dims[d];
            flat /= dims[d];
        }
        return index;
    }

    private static int Ravel(int[] index, int[] dims) => index.Select((v, d) => v * StridesOf(dims)[d]).Sum();

    /// <summary>Reference reduction over one axis with a double accumulator: reduce(values along the axis).</summary>
    private static float[] ReduceReference(Tensor x, int axis, Func<IEnumerable<double>, double> reduce)
    {
        var dims = x.Shape.ToArray();
        int ax = axis < 0 ? axis + dims.Length : axis;
        var outDims = dims.Where((_, d) => d != ax).ToArray();
        var result = new float[outDims.Aggregate(1, (a, d) => a * d)];
        for (int o = 0; o < result.Length; o++)
        {
            var outIndex = Unravel(o, outDims).ToList();
            outIndex.Insert(ax, 0);
            var index = outIndex.ToArray();
            result[o] = (float)reduce(Enumerable.Range(0, dims[ax]).Select(j =>
            {
                index[ax] = j;
                return (double)x.ReadOnlySpan[Ravel(index, dims)];
            }).ToArray());
        }
        return result;
    }

    private static void ExpectShape(Tensor y, int[] dims, int axis, bool keepDim)
    {
        int ax = axis < 0 ? axis + dims.Length : axis;
        var expected = keepDim ? dims.Select((d, i) => i == ax ? 1 : d).ToArray() : dims.Where((_, i) => i != ax).ToArray();
        Assert.Equal(new Shape(expected), y.Shape);
    }

    [Property(MaxTest = OpGen.Runs)]
    public Property SumMeanMax_PerAxis_MatchLoops() => Prop.ForAll(AxisCases(), c =>
    {
        var x = OpGen.Tensor(new Random(c.Case.Seed), OpGen.Uniform(-3, 3), c.Case.Shape);
        var sum = Op.Sum(x, c.Axis, c.KeepDim);
        var mean = Op.Mean(x, c.Axis, c.KeepDim);
        var max = Op.Max(x, c.Axis, c.KeepDim);
        ExpectShape(sum, c.Case.Shape, c.Axis, c.KeepDim);
        ExpectShape(max, c.Case.Shape, c.Axis, c.KeepDim);
        TensorAssert.AllClose(ReduceReference(x, c.Axis, v => v.Sum()), sum.ReadOnlySpan, Tolerance.Kernel, 20 * Tolerance.KernelAbsolute, "Sum");
        TensorAssert.AllClose(ReduceReference(x, c.Axis, v => v.Average()), mean.ReadOnlySpan, Tolerance.Kernel, 20 * Tolerance.KernelAbsolute, "Mean");
        TensorAssert.BitwiseEqual(ReduceReference(x, c.Axis, v => v.Max()), max.ReadOnlySpan, "Max");
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property Softmax_RowsSumToOne_AndMatchDoubleReference() => Prop.ForAll(AxisCases(), c =>
    {
        // A large offset would overflow a naive exp; the max subtraction must absorb it.
        var x = OpGen.Tensor(new Random(c.Case.Seed), OpGen.Uniform(-5, 5), c.Case.Shape);
        var shifted = x + 1000f;
        var y = Op.Softmax(shifted, c.Axis);
        var logY = Op.LogSoftmax(shifted, c.Axis);
        var dims = c.Case.Shape;
        int ax = c.Axis < 0 ? c.Axis + dims.Length : c.Axis;
        // The reference reads the shifted floats back in double: x + 1000 − 1000 exactly as the op saw it.
        double At(int flat) => shifted.ReadOnlySpan[flat] - 1000.0;
        var expected = new float[x.Size];
        var expectedLog = new float[x.Size];
        for (int flat = 0; flat < x.Size; flat++)
        {
            var index = Unravel(flat, dims);
            double denominator = 0;
            for (int j = 0; j < dims[ax]; j++)
            {
                index[ax] = j;
                denominator += Math.Exp(At(Ravel(index, dims)));
            }
            expected[flat] = (float)(Math.Exp(At(flat)) / denominator);
            expectedLog[flat] = (float)(At(flat) - Math.Log(denominator));
        }
        TensorAssert.AllClose(expected, y.ReadOnlySpan, 4 * Tolerance.Kernel, 1e-12f, "Softmax");
        TensorAssert.AllClose(expectedLog, logY.ReadOnlySpan, Tolerance.Kernel, 2 * Tolerance.KernelAbsolute, "LogSoftmax");
        TensorAssert.AllClose(ReduceReference(y, c.Axis, v => 1.0), ReduceReference(y, c.Axis, v => v.Sum()), 0, 1e-5f, "Softmax sums");
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property TransposeAxes_MovesEveryElement() => Prop.ForAll(
        (from rank in Gen.Choose(1, 4) from dims in Gen.ArrayOf(OpGen.SmallDim, rank)
         from i in Gen.Choose(0, rank - 1) from j in Gen.Choose(0, rank - 1) select (dims, i, j)).ToArbitrary(),
        c =>
        {
            var x = Tensor.Arange(0, c.dims.Aggregate(1, (a, d) => a * d)).Reshape(c.dims);
            var y = Op.Transpose(x, c.i, c.j);
            var yDims = (int[])c.dims.Clone();
            (yDims[c.i], yDims[c.j]) = (yDims[c.j], yDims[c.i]);
            Assert.Equal(new Shape(yDims), y.Shape);
            for (int flat = 0; flat < x.Size; flat++)
            {
                var index = Unravel(flat, c.dims);
                (index[c.i], index[c.j]) = (index[c.j], index[c.i]);
                Assert.Equal(x.ReadOnlySpan[flat], y.ReadOnlySpan[Ravel(index, yDims)]);
            }
        });

    [Property(MaxTest = OpGen.Runs)]
    public Property SplitThenConcat_RoundTrips_AndSliceMatchesLoop() => Prop.ForAll(AxisCases(), c =>
    {
        var r = new Random(c.Case.Seed);
        var x = OpGen.Tensor(r, OpGen.Uniform(-3, 3), c.Case.Shape);
        var dims = c.Case.Shape;
        int ax = c.Axis < 0 ? c.Axis + dims.Length : c.Axis, n = dims[ax];
        int a = r.Next(n + 1), b = r.Next(n - a + 1);
        var parts = Op.Split(x, c.Axis, a, b, n - a - b);
        TensorAssert.BitwiseEqual(x.ReadOnlySpan, Op.Concat(parts, c.Axis).ReadOnlySpan, "Concat(Split(x))");
        var slice = parts[1];
        for (int flat = 0; flat < slice.Size; flat++)
        {
            var index = Unravel(flat, slice.Shape.ToArray());
            index[ax] += a;
            Assert.Equal(x.ReadOnlySpan[Ravel(index, dims)], slice.ReadOnlySpan[flat]);
        }
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property Elementwise_MatchDoubleMath() => Prop.ForAll(OpGen.Cases(), c =>
    {
        var r = new Random(c.Seed);
        var x = OpGen.Tensor(r, OpGen.Uniform(-40, 40), c.Shape);
        var positive = OpGen.Tensor(r, OpGen.Uniform(0.01f, 20), c.Shape);
        void Same(string name, Tensor y, Tensor input, Func<double, double> f)
        {
            var expected = input.ToArray().Select(v => (float)f(v)).ToArray();
            TensorAssert.AllClose(expected, y.ReadOnlySpan, 4 * Tolerance.Kernel, 1e-30f, name);
        }
        Same("Neg", Op.Neg(x), x, v => -v);
        Same("Scale", Op.Scale(x, 0.3f), x, v => 0.3f * v);
        Same("Exp", Op.Exp(Op.Scale(x, 0.25f)), Op.Scale(x, 0.25f), Math.Exp);
        Same("Log", Op.Log(positive), positive, Math.Log);
        Same("Sqrt", Op.Sqrt(positive), positive, Math.Sqrt);
        Same("Pow", Op.Pow(positive, 1.7f), positive, v => Math.Pow(v, 1.7f));
        Same("Abs", Op.Abs(x), x, Math.Abs);
        Same("Clamp", Op.Clamp(x, -2, 3), x, v => Math.Clamp(v, -2, 3));
        Same("LeakyRelu", Op.LeakyRelu(x, 0.1f), x, v => v > 0 ? v : 0.1f * v);
        Same("Elu", Op.Elu(x, 0.7f), x, v => v > 0 ? v : 0.7f * (Math.Exp(v) - 1));
        // Naive log(1 + e) in double loses digits once e = exp(x) is small; a 4-term series is exact to 1e-12 there.
        Same("Softplus", Op.Softplus(x), x, v =>
        {
            double e = Math.Exp(v);
            return e < 1e-3 ? e - e * e / 2 + e * e * e / 3 - e * e * e * e / 4 : Math.Log(1 + e);
        });
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property Losses_MatchDoubleLoops() => Prop.ForAll(OpGen.Cases(), c =>
    {
        var r = new Random(c.Seed);
        var p = OpGen.Tensor(r, OpGen.Uniform(0.01f, 0.99f), c.Shape);
        var t = OpGen.Tensor(r, OpGen.Uniform(0, 1), c.Shape);
        var mu = OpGen.Tensor(r, OpGen.Uniform(-2, 2), c.Shape);
        var logVar = OpGen.Tensor(r, OpGen.Uniform(-2, 2), c.Shape);
        var eps = Tensor.Normal(r, 0, 1, c.Shape);
        int n = p.Size, batch = c.Shape[0];
        double l1 = 0, bce = 0, kl = 0;
        for (int i = 0; i < n; i++)
        {
            double pi = p.ReadOnlySpan[i], ti = t.ReadOnlySpan[i], m = mu.ReadOnlySpan[i], lv = logVar.ReadOnlySpan[i];
            l1 += Math.Abs(pi - ti);
            bce -= ti * Math.Log(pi) + (1 - ti) * Math.Log(1 - pi);
            kl += -0.5 * (1 + lv - m * m - Math.Exp(lv));
        }
        Assert.Equal((float)(l1 / n), Op.L1Loss(p, t).Item(), 1e-5f);
        Assert.Equal((float)l1, Op.L1Loss(p, t, Reduction.Sum).Item(), Math.Max(1e-5f, (float)l1 * 1e-6f));
        Assert.Equal((float)(bce / n), Op.BceLoss(p, t).Item(), 1e-5f);
        Assert.Equal((float)kl, Op.GaussianKl(mu, logVar, Reduction.Sum).Item(), Math.Max(1e-5f, (float)Math.Abs(kl) * 1e-6f));
        Assert.Equal((float)(kl / batch), Op.GaussianKl(mu, logVar).Item(), Math.Max(1e-5f, (float)Math.Abs(kl / batch) * 1e-6f));
        var z = Op.Reparameterize(mu, logVar, eps);
        for (int i = 0; i < n; i++)
            Assert.Equal((float)(mu.ReadOnlySpan[i] + Math.Exp(0.5 * logVar.ReadOnlySpan[i]) * eps.ReadOnlySpan[i]), z.ReadOnlySpan[i], 1e-5f);
    });

    [Property(MaxTest = OpGen.Runs)]
    public Property CrossEntropy_MatchesDoubleReference_WithIgnoreAndWeights() => Prop.ForAll(
        (from rows in OpGen.Dim from classes in OpGen.Dim from seed in OpGen.Seed select (rows, classes, seed)).ToArbitrary(),
        c =>
        {
            var r = new Random(c.seed);
            var z = OpGen.Tensor(r, OpGen.Uniform(-30, 30), c.rows, c.classes); // wide: a naive softmax would lose digits
            var targets = Enumerable.Range(0, c.rows).Select(_ => r.Next(4) == 0 ? -1 : r.Next(c.classes)).ToArray();
            var weights = OpGen.Tensor(r, OpGen.Uniform(0, 2), c.rows);
            double sum = 0, total = 0, weightedSum = 0, weightTotal = 0;
            for (int n = 0; n < c.rows; n++)
            {
                if (targets[n] == -1) continue;
                double lse = Math.Log(Enumerable.Range(0, c.classes).Sum(k => Math.Exp(z[n, k])));
                double nll = lse - z[n, targets[n]];
                sum += nll;
                total += 1;
                weightedSum += weights[n] * nll;
                weightTotal += weights[n];
            }
            float Close(double v) => (float)Math.Max(1e-4, Math.Abs(v) * 1e-5);
            double mean = total == 0 ? 0 : sum / total, weightedMean = weightTotal == 0 ? 0 : weightedSum / weightTotal;
            Assert.Equal((float)mean, Op.CrossEntropyLoss(z, targets, Reduction.Mean, ignoreIndex: -1).Item(), Close(mean));
            Assert.Equal((float)sum, Op.CrossEntropyLoss(z, targets, Reduction.Sum, ignoreIndex: -1).Item(), Close(sum));
            Assert.Equal((float)weightedMean, Op.CrossEntropyLoss(z, targets, Reduction.Mean, -1, weights).Item(), Close(weightedMean));
        });

    [Property(MaxTest = OpGen.Runs)]
    public Property Embedding_CopiesRows_AndDropoutKeepsOrScales() => Prop.ForAll(OpGen.Cases(2, 2), c =>
    {
        var r = new Random(c.Seed);
        var weight = OpGen.Tensor(r, OpGen.Uniform(-1, 1), c.Shape);
        var ids = Enumerable.Range(0, r.Next(1, 10)).Select(_ => r.Next(c.Shape[0])).ToArray();
        var y = Op.Embedding(ids, weight);
        Assert.Equal(new Shape(ids.Length, c.Shape[1]), y.Shape);
        for (int l = 0; l < ids.Length; l++)
            for (int d = 0; d < c.Shape[1]; d++) Assert.Equal(weight[ids[l], d], y[l, d]);

        const float p = 0.3f;
        var dropped = Op.Dropout(weight, p, new Random(c.Seed), training: true);
        var again = Op.Dropout(weight, p, new Random(c.Seed), training: true);
        TensorAssert.BitwiseEqual(dropped.ReadOnlySpan, again.ReadOnlySpan, "same seed, same mask");
        for (int i = 0; i < weight.Size; i++)
        {
            float v = dropped.ReadOnlySpan[i];
            Assert.True(v == 0 || v == weight.ReadOnlySpan[i] * (1f / (1f - p)), $"element {i}: {v} is neither 0 nor x/(1-p)");
        }
        Assert.Same(weight, Op.Dropout(weight, p, r, training: false));
    });
}
