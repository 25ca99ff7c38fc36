using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

// Legend: reducing axis k views x as (O, n, I): O = dims before k, n = dims[k], I = dims after k; y is (O, I)
// (or (O, 1, I) with keepDim). Sums run over j = 0..n−1 in that fixed order, one SIMD row add of I floats per j.
// Backward: Sum  dx[o, j, i] += dy[o, i];  Mean  the same divided by n;  Max  dx[o, argmax, i] += dy[o, i].

public static partial class Op
{
    /// <summary>Sums over one axis (negative counts from the end); keepDim leaves it in place with size 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range.</exception>
    public static Tensor Sum(Tensor x, int axis, bool keepDim = false) => AxisSum("Sum", x, axis, keepDim, mean: false);

    /// <summary>Averages over one axis; keepDim leaves it in place with size 1. The mean over an empty axis is NaN.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range.</exception>
    public static Tensor Mean(Tensor x, int axis, bool keepDim = false) => AxisSum("Mean", x, axis, keepDim, mean: true);

    /// <summary>
    /// The maximum over one axis; keepDim leaves it in place with size 1. The gradient goes to the first position
    /// holding the maximum (ties: the lowest index gets it all, as in PyTorch's max with indices).
    /// </summary>
    /// <exception cref="ArgumentException">The axis is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range.</exception>
    public static Tensor Max(Tensor x, int axis, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var (ax, outer, n, inner) = AxisLayout(x.Shape, axis, "Max");
        if (n == 0) throw new ArgumentException($"Max: axis {axis} of {x.Shape} is empty; the maximum is undefined.", nameof(axis));
        var y = Tensor.Zeros(ReducedShape(x.Shape, ax, keepDim));
        var argmax = new int[outer * inner];
        var xs = x.ReadOnlySpan;
        var ys = y.Span;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int best = 0, baseIndex = o * n * inner + i;
                float bestValue = xs[baseIndex];
                for (int j = 1; j < n; j++)
                {
                    float v = xs[baseIndex + j * inner];
                    if (v > bestValue) (best, bestValue) = (j, v);
                }
                ys[o * inner + i] = bestValue;
                argmax[o * inner + i] = best;
            }
        return Autograd.IsRecording(x) ? Autograd.Record(y, new MaxNode(x, argmax, n, inner)) : y;
    }

    private static Tensor AxisSum(string op, Tensor x, int axis, bool keepDim, bool mean)
    {
        ArgumentNullException.ThrowIfNull(x);
        var (ax, outer, n, inner) = AxisLayout(x.Shape, axis, op);
        var y = Tensor.Zeros(ReducedShape(x.Shape, ax, keepDim));
        var xs = x.ReadOnlySpan;
        var ys = y.Span;
        for (int o = 0; o < outer; o++)
        {
            var row = ys.Slice(o * inner, inner);
            if (inner == 1) row[0] = TensorPrimitives.Sum(xs.Slice(o * n, n)); // contiguous: one SIMD reduction
            else
                for (int j = 0; j < n; j++) TensorPrimitives.Add(row, xs.Slice((o * n + j) * inner, inner), row);
        }
        float scale = mean ? 1f / n : 1f;
        if (mean) TensorPrimitives.Multiply(ys, scale, ys);
        return Autograd.IsRecording(x) ? Autograd.Record(y, new AxisSumNode(op, x, outer, n, inner, scale)) : y;
    }

    private static (int Axis, int Outer, int N, int Inner) AxisLayout(Shape s, int axis, string op)
    {
        int ax = s.NormalizeAxis(axis, op);
        return (ax, s.SizeBefore(ax), s.Dims[ax], s.SizeAfter(ax));
    }

    private static Shape ReducedShape(Shape s, int ax, bool keepDim)
    {
        var dims = s.ToArray().ToList();
        if (keepDim) dims[ax] = 1;
        else dims.RemoveAt(ax);
        return new Shape(dims.ToArray());
    }

    private sealed class AxisSumNode(string op, Tensor x, int outer, int n, int inner, float scale) : Node(op, x)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(x) is not { IsEmpty: false } gx) return;
            var g = gradOutput.ReadOnlySpan;
            for (int o = 0; o < outer; o++)
            {
                var gRow = g.Slice(o * inner, inner);
                for (int j = 0; j < n; j++)
                {
                    var target = gx.Slice((o * n + j) * inner, inner);
                    TensorPrimitives.MultiplyAdd(gRow, scale, target, target);
                }
            }
        }
    }

    private sealed class MaxNode(Tensor x, int[] argmax, int n, int inner) : Node("Max", x)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(x) is not { IsEmpty: false } gx) return;
            var g = gradOutput.ReadOnlySpan;
            for (int k = 0; k < argmax.Length; k++)
            {
                int o = k / inner, i = k % inner;
                gx[(o * n + argmax[k]) * inner + i] += g[k];
            }
        }
    }
}
