using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

// Legend: B = batch, T = steps, C = features of x, H = heads, W = width of the column block taken (H·Dh).
// Forward: y[b, h, t, :] = x[b, t, offset + h·Dh : offset + (h + 1)·Dh] — a column slice and the (B, T, H, Dh) →
// (B, H, T, Dh) transpose in one copy, so a packed q/k/v projection (B, T, 3E) splits without an extra pass.
// Backward scatters the rows back: dx[b, t, offset + h·Dh + i] += dy[b, h, t, i].

public static partial class Op
{
    /// <summary>
    /// Takes columns [offset, offset + width) of x (B, T, C) and splits them into <paramref name="heads"/> heads:
    /// the result is (B, H, T, width/H), row-major, copied in one pass.
    /// </summary>
    /// <exception cref="ArgumentException">x is not 3-D, the block leaves x, or width is not a multiple of heads.</exception>
    public static Tensor SplitHeads(Tensor x, int heads, int offset, int width)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 3 || heads < 1 || width < 1 || width % heads != 0 || offset < 0 || offset + width > x.Shape[2])
            throw new ArgumentException(
                $"SplitHeads: x is {x.Shape}, heads {heads}, columns [{offset}, {offset + width}); expected x (B, T, C) with 0 ≤ offset, offset + width ≤ C and width a multiple of heads.");
        int b = x.Shape[0], t = x.Shape[1], c = x.Shape[2], dh = width / heads;
        var y = Tensor.Zeros(b, heads, t, dh);
        var xs = x.ReadOnlySpan;
        var ys = y.Span;
        for (int ib = 0; ib < b; ib++)
            for (int h = 0; h < heads; h++)
                for (int it = 0; it < t; it++)
                    xs.Slice((ib * t + it) * c + offset + h * dh, dh).CopyTo(ys.Slice(((ib * heads + h) * t + it) * dh, dh));
        return Autograd.IsRecording(x) ? Autograd.Record(y, new SplitHeadsNode(x, heads, offset, dh)) : y;
    }

    private sealed class SplitHeadsNode(Tensor x, int heads, int offset, int dh) : Node("SplitHeads", x)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(x) is not { IsEmpty: false } gx) return;
            int b = x.Shape[0], t = x.Shape[1], c = x.Shape[2];
            var gy = gradOutput.ReadOnlySpan;
            for (int ib = 0; ib < b; ib++)
                for (int h = 0; h < heads; h++)
                    for (int it = 0; it < t; it++)
                    {
                        var dst = gx.Slice((ib * t + it) * c + offset + h * dh, dh);
                        TensorPrimitives.Add(dst, gy.Slice(((ib * heads + h) * t + it) * dh, dh), dst);
                    }
        }
    }
}
