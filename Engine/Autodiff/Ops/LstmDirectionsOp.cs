using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

// Legend: R = rows (all leading dimensions flattened), H = hidden size of one direction.
// forward (R, H) and backward (R, H) -> output (R, 2H): each row is [forward | backward], as PyTorch's bidirectional
// nn.LSTM lays out its output. Kept private to the LSTM so it does not overlap a general Concat op.

public static partial class Ops
{
    /// <summary>Joins the two directions of a bidirectional LSTM along the last axis: (..., H) and (..., H) → (..., 2H).</summary>
    internal static Tensor LstmConcatDirections(Tensor forward, Tensor backward)
    {
        if (forward.Shape != backward.Shape || forward.Rank < 1)
            throw new ArgumentException($"LstmConcatDirections: the directions have shapes {forward.Shape} and {backward.Shape}; they must match.");
        int h = forward.Shape[-1], rows = forward.Size / Math.Max(h, 1);
        var dims = forward.Shape.ToArray();
        dims[^1] = 2 * h;
        var output = Tensor.Zeros(dims);
        var o = output.Span;
        for (int r = 0; r < rows; r++)
        {
            forward.ReadOnlySpan.Slice(r * h, h).CopyTo(o.Slice(2 * r * h, h));
            backward.ReadOnlySpan.Slice(r * h, h).CopyTo(o.Slice((2 * r + 1) * h, h));
        }
        return Autograd.IsRecording(forward, backward)
            ? Autograd.Record(output, new LstmConcatNode(forward, backward, rows, h))
            : output;
    }

    private sealed class LstmConcatNode(Tensor forward, Tensor backward, int rows, int h) : Node("LstmConcatDirections", forward, backward)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            var g = gradOutput.ReadOnlySpan;
            if (GradOf(forward) is { IsEmpty: false } gf)
                for (int r = 0; r < rows; r++)
                    TensorPrimitives.Add(gf.Slice(r * h, h), g.Slice(2 * r * h, h), gf.Slice(r * h, h));
            if (GradOf(backward) is { IsEmpty: false } gb)
                for (int r = 0; r < rows; r++)
                    TensorPrimitives.Add(gb.Slice(r * h, h), g.Slice((2 * r + 1) * h, h), gb.Slice(r * h, h));
        }
    }
}
