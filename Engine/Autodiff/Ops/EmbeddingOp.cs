using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

// Legend: V = rows of the table (vocabulary), D = floats per row, L = number of ids.
// Forward  y[l, :] = weight[ids[l], :]  (a row copy per id).
// Backward dW[ids[l], :] += dy[l, :] for l = 0..L−1 in order: an id used twice receives both rows (scatter-add).

public static partial class Op
{
    /// <summary>Looks up one row of <paramref name="weight"/> (V, D) per id: the result is (L, D).</summary>
    /// <exception cref="ArgumentException">weight is not 2-D, or an id is outside 0..V−1 (the message names both).</exception>
    public static Tensor Embedding(int[] ids, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2)
            throw new ArgumentException($"Embedding: weight is {weight.Shape}; expected (vocabulary, dimension).", nameof(weight));
        return GatherRows("Embedding", weight, (int[])ids.Clone(), [ids.Length]); // copied: backward must see these ids
    }

    /// <summary>
    /// Looks up one row of <paramref name="weight"/> (V, D) per element of <paramref name="ids"/> (any shape S,
    /// holding whole numbers): the result is (S..., D). ids get no gradient.
    /// </summary>
    /// <exception cref="ArgumentException">weight is not 2-D, or an id is not a whole number in 0..V−1.</exception>
    public static Tensor Embedding(Tensor ids, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2)
            throw new ArgumentException($"Embedding: weight is {weight.Shape}; expected (vocabulary, dimension).", nameof(weight));
        var values = ids.ReadOnlySpan;
        var rows = new int[values.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            float v = values[i];
            if (!(v >= int.MinValue && v <= int.MaxValue) || v != MathF.Floor(v))
                throw new ArgumentException($"Embedding: id {v} at position {i} is not a whole number.", nameof(ids));
            rows[i] = (int)v;
        }
        return GatherRows("Embedding", weight, rows, ids.Shape.ToArray());
    }

    /// <summary>
    /// Rows of <paramref name="source"/> (N, ...) picked by index along the first axis: the result is
    /// (rows.Length, ...). Repeated indices are allowed; their gradients add up.
    /// </summary>
    /// <exception cref="ArgumentException">source is a scalar, or an index is outside 0..N−1.</exception>
    public static Tensor GatherRows(Tensor source, int[] rows)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(rows);
        if (source.Rank == 0) throw new ArgumentException("GatherRows: source is a scalar; it has no rows.", nameof(source));
        return GatherRows("GatherRows", source, (int[])rows.Clone(), [rows.Length]);
    }

    // weight (V, ...) with row size D; ids shaped like idShape -> (idShape..., weight dims after the first).
    private static Tensor GatherRows(string op, Tensor weight, int[] ids, int[] idShape)
    {
        int v = weight.Shape[0], d = weight.Shape.SizeAfter(0);
        for (int l = 0; l < ids.Length; l++)
            if ((uint)ids[l] >= (uint)v)
                throw new ArgumentException(
                    $"{op}: id {ids[l]} at position {l} is out of range for a vocabulary size of {v} (weight {weight.Shape}); ids must be in 0..{v - 1}.", nameof(ids));
        var y = Tensor.Zeros([.. idShape, .. weight.Shape.Dims[1..]]);
        var w = weight.ReadOnlySpan;
        var ys = y.Span;
        for (int l = 0; l < ids.Length; l++) w.Slice(ids[l] * d, d).CopyTo(ys.Slice(l * d, d));
        return Autograd.IsRecording(weight) ? Autograd.Record(y, new GatherRowsNode(op, weight, ids, d)) : y;
    }

    private sealed class GatherRowsNode(string op, Tensor weight, int[] ids, int d) : Node(op, weight)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(weight) is not { IsEmpty: false } gw) return;
            var g = gradOutput.ReadOnlySpan;
            for (int l = 0; l < ids.Length; l++)
            {
                var row = gw.Slice(ids[l] * d, d);
                TensorPrimitives.Add(row, g.Slice(l * d, d), row);
            }
        }
    }
}
