using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

// Legend: along the softmax axis x is (O, n, I) as in AxisReductionOps; each of the O·I lines of n elements
// (stride I) is normalised on its own. Lines are gathered into a contiguous buffer so every case runs SIMD kernels.
// Forward, per line:  m = max(x);  softmax y = exp(x − m) / Σ exp(x − m);  log_softmax y = x − m − log Σ exp(x − m).
// Backward from the saved output y:  softmax  dx += y ⊙ (dy − Σ dy·y);  log_softmax  dx += dy − exp(y)·Σ dy.

public static partial class Op
{
    /// <summary>
    /// softmax(x)ᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m) along <paramref name="axis"/> (default: the last), with m the
    /// line's maximum subtracted for numerical stability (no overflow for large x).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range.</exception>
    public static Tensor Softmax(Tensor x, int axis = -1) => SoftmaxFamily("Softmax", x, axis, log: false);

    /// <summary>
    /// log_softmax(x)ᵢ = xᵢ − m − log Σⱼ exp(xⱼ − m) along <paramref name="axis"/>: stable, and more accurate than
    /// Log(Softmax(x)) when a probability underflows.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range.</exception>
    public static Tensor LogSoftmax(Tensor x, int axis = -1) => SoftmaxFamily("LogSoftmax", x, axis, log: true);

    private static Tensor SoftmaxFamily(string op, Tensor x, int axis, bool log)
    {
        ArgumentNullException.ThrowIfNull(x);
        var (_, outer, n, inner) = AxisLayout(x.Shape, axis, op);
        var y = Tensor.Zeros(x.Shape);
        var line = new float[n];
        var xs = x.ReadOnlySpan;
        var ys = y.Span;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int start = o * n * inner + i;
                Gather(xs, start, inner, line);
                if (log) LogSoftmaxLine(line);
                else SoftmaxLine(line);
                Scatter(line, start, inner, ys);
            }
        return Autograd.IsRecording(x) ? Autograd.Record(y, new SoftmaxNode(op, x, y, outer, n, inner, log)) : y;
    }

    // In place on one contiguous line: subtract the max (stability), exponentiate, normalise.
    internal static void SoftmaxLine(Span<float> v)
    {
        if (v.Length == 0) return;
        TensorPrimitives.Subtract(v, TensorPrimitives.Max(v), v);
        TensorPrimitives.Exp(v, v);
        TensorPrimitives.Divide(v, TensorPrimitives.Sum(v), v);
    }

    // In place: v − m − log Σ exp(v − m).
    internal static void LogSoftmaxLine(Span<float> v)
    {
        if (v.Length == 0) return;
        TensorPrimitives.Subtract(v, TensorPrimitives.Max(v), v);
        double sumExp = 0;
        foreach (float e in v) sumExp += Math.Exp(e);
        TensorPrimitives.Subtract(v, (float)Math.Log(sumExp), v);
    }

    private static void Gather(ReadOnlySpan<float> source, int start, int stride, Span<float> line)
    {
        if (stride == 1) source.Slice(start, line.Length).CopyTo(line);
        else
            for (int j = 0; j < line.Length; j++) line[j] = source[start + j * stride];
    }

    private static void Scatter(ReadOnlySpan<float> line, int start, int stride, Span<float> destination)
    {
        if (stride == 1) line.CopyTo(destination.Slice(start, line.Length));
        else
            for (int j = 0; j < line.Length; j++) destination[start + j * stride] = line[j];
    }

    private sealed class SoftmaxNode(string op, Tensor x, Tensor y, int outer, int n, int inner, bool log) : Node(op, x)
    {
        private Tensor? _y = y;

        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(x) is not { IsEmpty: false } gx) return;
            var g = gradOutput.ReadOnlySpan;
            var ys = _y!.ReadOnlySpan;
            Span<float> yLine = new float[n], gLine = new float[n], dx = new float[n];
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    int start = o * n * inner + i;
                    Gather(ys, start, inner, yLine);
                    Gather(g, start, inner, gLine);
                    if (log)
                    {
                        // dx = dy − softmax·Σdy, with softmax = exp(log_softmax).
                        float gSum = TensorPrimitives.Sum(gLine);
                        TensorPrimitives.Exp(yLine, dx);
                        TensorPrimitives.Multiply(dx, -gSum, dx);
                        TensorPrimitives.Add(dx, gLine, dx);
                    }
                    else
                    {
                        // dx = y ⊙ (dy − Σ dy·y).
                        float dot = TensorPrimitives.Dot(gLine, yLine);
                        TensorPrimitives.Subtract(gLine, dot, dx);
                        TensorPrimitives.Multiply(dx, yLine, dx);
                    }
                    for (int j = 0; j < n; j++) gx[start + j * inner] += dx[j];
                }
        }

        protected override void ReleaseSavedState() => _y = null;
    }
}
