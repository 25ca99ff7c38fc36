using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Engine.Tensors;

namespace Engine.Autodiff.Ops;

// The four arithmetic ops with broadcasting. Forward: one SIMD call per output row (span-span or span-scalar).
// Backward: d(a+b) = g, d(a-b) = (g, -g), d(a*b) = (g*b, g*a), d(a/b) = (g/b, -g*a/b²), each summed back over the
// dimensions that were broadcast (Broadcast.AccumulateReduced).

/// <summary>The differentiable ops of the engine. Each op's forward and its backward node live in one file.</summary>
public static partial class Op
{
    /// <summary>Elementwise a + b with broadcasting.</summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together.</exception>
    public static Tensor Add(Tensor a, Tensor b) => Binary(BinaryKind.Add, a, b);

    /// <summary>Elementwise a - b with broadcasting.</summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together.</exception>
    public static Tensor Sub(Tensor a, Tensor b) => Binary(BinaryKind.Sub, a, b);

    /// <summary>Elementwise a * b with broadcasting.</summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together.</exception>
    public static Tensor Mul(Tensor a, Tensor b) => Binary(BinaryKind.Mul, a, b);

    /// <summary>Elementwise a / b with broadcasting.</summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together.</exception>
    public static Tensor Div(Tensor a, Tensor b) => Binary(BinaryKind.Div, a, b);

    private enum BinaryKind { Add, Sub, Mul, Div }

    private static Tensor Binary(BinaryKind kind, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var shape = Broadcast.ResultShape(kind.ToString(), a.Shape, b.Shape);
        var output = Tensor.Zeros(shape);
        BinaryForward(kind, a.ReadOnlySpan, a.Shape, b.ReadOnlySpan, b.Shape, output.Span, shape);
        return Autograd.IsRecording(a, b) ? Autograd.Record(output, new BinaryNode(kind, a, b, shape)) : output;
    }

    private static void BinaryForward(BinaryKind kind, ReadOnlySpan<float> a, Shape aShape, ReadOnlySpan<float> b,
        Shape bShape, Span<float> output, Shape shape)
    {
        if (aShape == bShape)
        {
            Apply(kind, a, b, output);
            return;
        }
        var sa = Broadcast.Strides(aShape, shape);
        var sb = Broadcast.Strides(bShape, shape);
        var rows = new RowIterator(shape, sa, sb);
        int n = rows.Columns;
        bool aRow = shape.Rank > 0 && sa[^1] == 1, bRow = shape.Rank > 0 && sb[^1] == 1;
        while (rows.MoveNext())
        {
            var o = output.Slice(rows.OutputOffset, n);
            if (aRow && bRow) Apply(kind, a.Slice(rows.AOffset, n), b.Slice(rows.BOffset, n), o);
            else if (aRow) ApplyScalarRight(kind, a.Slice(rows.AOffset, n), b[rows.BOffset], o);
            else if (bRow) ApplyScalarLeft(kind, a[rows.AOffset], b.Slice(rows.BOffset, n), o);
            else o.Fill(Apply(kind, a[rows.AOffset], b[rows.BOffset]));
        }
    }

    private static void Apply(BinaryKind kind, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o)
    {
        switch (kind)
        {
            case BinaryKind.Add: TensorPrimitives.Add(a, b, o); break;
            case BinaryKind.Sub: TensorPrimitives.Subtract(a, b, o); break;
            case BinaryKind.Mul: TensorPrimitives.Multiply(a, b, o); break;
            default: TensorPrimitives.Divide(a, b, o); break;
        }
    }

    private static void ApplyScalarRight(BinaryKind kind, ReadOnlySpan<float> a, float b, Span<float> o)
    {
        switch (kind)
        {
            case BinaryKind.Add: TensorPrimitives.Add(a, b, o); break;
            case BinaryKind.Sub: TensorPrimitives.Subtract(a, b, o); break;
            case BinaryKind.Mul: TensorPrimitives.Multiply(a, b, o); break;
            default: TensorPrimitives.Divide(a, b, o); break;
        }
    }

    private static void ApplyScalarLeft(BinaryKind kind, float a, ReadOnlySpan<float> b, Span<float> o)
    {
        switch (kind)
        {
            case BinaryKind.Add: TensorPrimitives.Add(b, a, o); break;
            case BinaryKind.Sub: TensorPrimitives.Subtract(a, b, o); break;
            case BinaryKind.Mul: TensorPrimitives.Multiply(b, a, o); break;
            default: TensorPrimitives.Divide(a, b, o); break;
        }
    }

    private static float Apply(BinaryKind kind, float a, float b) => kind switch
    {
        BinaryKind.Add => a + b,
        BinaryKind.Sub => a - b,
        BinaryKind.Mul => a * b,
        _ => a / b,
    };

    private sealed class BinaryNode(BinaryKind kind, Tensor a, Tensor b, Shape shape)
        : Node(kind.ToString(), a, b)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            var g = gradOutput.ReadOnlySpan;
            if (GradOf(a) is { IsEmpty: false } ga)
            {
                switch (kind)
                {
                    case BinaryKind.Add or BinaryKind.Sub:
                        Broadcast.AccumulateReduced(g, shape, ga, a.Shape);
                        break;
                    case BinaryKind.Mul: // d/da (a*b) = b
                        Broadcast.AccumulateReduced(Times(g, BinaryKind.Mul, b), shape, ga, a.Shape);
                        break;
                    default: // d/da (a/b) = 1/b
                        Broadcast.AccumulateReduced(Times(g, BinaryKind.Div, b), shape, ga, a.Shape);
                        break;
                }
            }
            if (GradOf(b) is { IsEmpty: false } gb)
            {
                switch (kind)
                {
                    case BinaryKind.Add:
                        Broadcast.AccumulateReduced(g, shape, gb, b.Shape);
                        break;
                    case BinaryKind.Sub: // d/db (a-b) = -1
                        var neg = Tensor.Zeros(shape);
                        TensorPrimitives.Negate(g, neg.Span);
                        Broadcast.AccumulateReduced(neg.ReadOnlySpan, shape, gb, b.Shape);
                        break;
                    case BinaryKind.Mul: // d/db (a*b) = a
                        Broadcast.AccumulateReduced(Times(g, BinaryKind.Mul, a), shape, gb, b.Shape);
                        break;
                    default: // d/db (a/b) = -a/b² = -(a/b)/b
                        var t = Times(Times(g, BinaryKind.Mul, a), BinaryKind.Div, b);
                        var gbTerm = Times(t, BinaryKind.Div, b);
                        TensorPrimitives.Negate(gbTerm, gbTerm);
                        Broadcast.AccumulateReduced(gbTerm, shape, gb, b.Shape);
                        break;
                }
            }
        }

        // g (output shape) combined elementwise with x broadcast to the output shape.
        private Span<float> Times(ReadOnlySpan<float> g, BinaryKind op, Tensor x)
        {
            var result = TensorStorage.Allocate(shape.Size);
            var span = result.AsSpan(0, shape.Size);
            BinaryForward(op, g, shape, x.ReadOnlySpan, x.Shape, span, shape);
            return span;
        }
    }
}
