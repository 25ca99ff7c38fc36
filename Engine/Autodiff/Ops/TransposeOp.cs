using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

// Legend: swapping axes i < j of x views it as (A, P, M, Q, C): A = dims before i, P = dims[i], M = dims between,
// Q = dims[j], C = dims after j. The result is (A, Q, M, P, C), a materialised copy that stays row-major.
// Backward is the same swap applied to the gradient: dx[a, p, m, q, :] += dy[a, q, m, p, :].

public static partial class Op
{
    /// <summary>The transpose of a matrix: (R, C) → (C, R), copied.</summary>
    /// <exception cref="ArgumentException">x is not 2-D.</exception>
    public static Tensor Transpose(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 2)
            throw new ArgumentException($"Transpose: x is {x.Shape}; Transpose(x) needs a 2-D tensor, use Transpose(x, axis0, axis1) otherwise.");
        return Transpose(x, 0, 1);
    }

    /// <summary>
    /// Swaps two axes (negative axes count from the end), copying into a new row-major tensor. Works for any rank;
    /// swapping an axis with itself returns a copy.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An axis is out of range.</exception>
    public static Tensor Transpose(Tensor x, int axis0, int axis1)
    {
        ArgumentNullException.ThrowIfNull(x);
        int i = x.Shape.NormalizeAxis(axis0, "Transpose"), j = x.Shape.NormalizeAxis(axis1, "Transpose");
        if (i > j) (i, j) = (j, i);
        var dims = x.Shape.ToArray();
        (dims[i], dims[j]) = (dims[j], dims[i]);
        var y = Tensor.Zeros(dims);
        var (a, p, m, q, c) = SwapLayout(x.Shape, i, j);
        SwapAxes(x.ReadOnlySpan, a, p, m, q, c, y.Span, accumulate: false);
        return Autograd.IsRecording(x) ? Autograd.Record(y, new TransposeNode(x, i, j)) : y;
    }

    private static (int A, int P, int M, int Q, int C) SwapLayout(Shape s, int i, int j)
    {
        int between = 1;
        for (int d = i + 1; d < j; d++) between *= s.Dims[d];
        return (s.SizeBefore(i), s.Dims[i], i == j ? 1 : between, i == j ? 1 : s.Dims[j], s.SizeAfter(j));
    }

    // source (A, P, M, Q, C) -> destination (A, Q, M, P, C); overwrites, or ACCUMULATES (+=) when asked.
    internal static void SwapAxes(ReadOnlySpan<float> source, int a, int p, int m, int q, int c,
        Span<float> destination, bool accumulate)
    {
        for (int ia = 0; ia < a; ia++)
            for (int ip = 0; ip < p; ip++)
                for (int im = 0; im < m; im++)
                    for (int iq = 0; iq < q; iq++)
                    {
                        var src = source.Slice((((ia * p + ip) * m + im) * q + iq) * c, c);
                        var dst = destination.Slice((((ia * q + iq) * m + im) * p + ip) * c, c);
                        if (accumulate) TensorPrimitives.Add(dst, src, dst);
                        else src.CopyTo(dst);
                    }
    }

    private sealed class TransposeNode(Tensor x, int i, int j) : Node("Transpose", x)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(x) is not { IsEmpty: false } gx) return;
            // The gradient is laid out (A, Q, M, P, C); swapping back gives (A, P, M, Q, C).
            var (a, p, m, q, c) = SwapLayout(x.Shape, i, j);
            SwapAxes(gradOutput.ReadOnlySpan, a, q, m, p, c, gx, accumulate: true);
        }
    }
}
