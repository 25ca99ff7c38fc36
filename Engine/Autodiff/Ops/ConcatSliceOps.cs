using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

// Legend: along an axis a tensor is (O, n, I): O = dims before the axis, n = the axis, I = dims after it, so one
// "chunk" of n·I floats per outer index is contiguous. Concat copies chunks side by side; Slice copies a window of
// each chunk. Backward moves the same chunks the other way, ACCUMULATING into the inputs' gradients.

public static partial class Op
{
    /// <summary>
    /// Joins tensors along <paramref name="axis"/>; all must have the same rank and equal dimensions elsewhere.
    /// Each input receives its own part of the gradient.
    /// </summary>
    /// <exception cref="ArgumentException">No tensors, or the shapes do not fit together.</exception>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Concat: at least one tensor is needed.", nameof(tensors));
        var inputs = new Tensor[tensors.Count];
        for (int t = 0; t < inputs.Length; t++)
            inputs[t] = tensors[t] ?? throw new ArgumentNullException(nameof(tensors), $"Concat: tensor {t} is null.");
        var first = inputs[0].Shape;
        if (first.Rank == 0) throw new ArgumentException("Concat: scalars cannot be concatenated; reshape them to (1,) first.", nameof(tensors));
        int ax = first.NormalizeAxis(axis, "Concat");
        var dims = first.ToArray();
        dims[ax] = 0;
        foreach (var t in inputs)
        {
            bool fits = t.Rank == first.Rank;
            for (int d = 0; fits && d < first.Rank; d++) fits = d == ax || t.Shape.Dims[d] == first.Dims[d];
            if (!fits)
                throw new ArgumentException(
                    $"Concat: shapes {string.Join(", ", inputs.Select(s => s.Shape))} do not fit along axis {axis}; all dimensions except the axis must match.", nameof(tensors));
            dims[ax] += t.Shape.Dims[ax];
        }
        var y = Tensor.Zeros(dims);
        int outer = first.SizeBefore(ax), inner = first.SizeAfter(ax), outChunk = dims[ax] * inner;
        int offset = 0;
        foreach (var t in inputs)
        {
            int chunk = t.Shape.Dims[ax] * inner;
            var src = t.ReadOnlySpan;
            var dst = y.Span;
            for (int o = 0; o < outer; o++) src.Slice(o * chunk, chunk).CopyTo(dst.Slice(o * outChunk + offset, chunk));
            offset += chunk;
        }
        return Autograd.IsRecording(inputs) ? Autograd.Record(y, new ConcatNode(inputs, outer, inner, outChunk, ax)) : y;
    }

    /// <summary>
    /// Elements start..start+length−1 along <paramref name="axis"/>, copied. The gradient is added back into that
    /// window of x's gradient.
    /// </summary>
    /// <exception cref="ArgumentException">The window leaves the axis.</exception>
    public static Tensor Slice(Tensor x, int axis, int start, int length)
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = x.Shape.NormalizeAxis(axis, "Slice");
        int n = x.Shape.Dims[ax];
        if (start < 0 || length < 0 || start > n - length)
            throw new ArgumentException($"Slice: start {start}, length {length} is outside axis {axis} (size {n}) of shape {x.Shape}.");
        var dims = x.Shape.ToArray();
        dims[ax] = length;
        var y = Tensor.Zeros(dims);
        int outer = x.Shape.SizeBefore(ax), inner = x.Shape.SizeAfter(ax);
        var src = x.ReadOnlySpan;
        var dst = y.Span;
        for (int o = 0; o < outer; o++)
            src.Slice((o * n + start) * inner, length * inner).CopyTo(dst.Slice(o * length * inner, length * inner));
        return Autograd.IsRecording(x) ? Autograd.Record(y, new SliceNode(x, outer, inner, n, start, length)) : y;
    }

    /// <summary>Cuts x along <paramref name="axis"/> into consecutive parts of the given sizes (each a <see cref="Slice"/>).</summary>
    /// <exception cref="ArgumentException">The sizes are negative or do not add up to the axis length.</exception>
    public static Tensor[] Split(Tensor x, int axis, params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(sizes);
        int n = x.Shape[x.Shape.NormalizeAxis(axis, "Split")];
        if (sizes.Any(s => s < 0) || sizes.Sum() != n)
            throw new ArgumentException($"Split: sizes ({string.Join(", ", sizes)}) must be non-negative and add up to {n}, the length of axis {axis} of {x.Shape}.", nameof(sizes));
        var parts = new Tensor[sizes.Length];
        for (int i = 0, start = 0; i < sizes.Length; start += sizes[i], i++) parts[i] = Slice(x, axis, start, sizes[i]);
        return parts;
    }

    private sealed class ConcatNode(Tensor[] parts, int outer, int inner, int outChunk, int axis) : Node("Concat", parts)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            var g = gradOutput.ReadOnlySpan;
            int offset = 0;
            foreach (var t in Inputs)
            {
                int chunk = t.Shape.Dims[axis] * inner;
                if (GradOf(t) is { IsEmpty: false } gt)
                    for (int o = 0; o < outer; o++)
                        TensorPrimitives.Add(gt.Slice(o * chunk, chunk), g.Slice(o * outChunk + offset, chunk), gt.Slice(o * chunk, chunk));
                offset += chunk;
            }
        }
    }

    private sealed class SliceNode(Tensor x, int outer, int inner, int n, int start, int length) : Node("Slice", x)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(x) is not { IsEmpty: false } gx) return;
            var g = gradOutput.ReadOnlySpan;
            int chunk = length * inner;
            for (int o = 0; o < outer; o++)
            {
                var window = gx.Slice((o * n + start) * inner, chunk);
                TensorPrimitives.Add(window, g.Slice(o * chunk, chunk), window);
            }
        }
    }
}
