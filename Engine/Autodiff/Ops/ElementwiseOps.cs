using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

// Elementwise math: each op is a forward kernel and a backward kernel side by side, both run through Op.Unary.
// Backward kernels ACCUMULATE (+=) into gradInput. Where the derivative is cheaper from the output it uses y.

public static partial class Op
{
    /// <summary>-x.</summary>
    public static Tensor Neg(Tensor x) => Unary("Neg", x, NegForward, NegBackward);

    /// <summary>factor·x for a constant factor (no scalar tensor, no broadcasting: one SIMD pass each way).</summary>
    public static Tensor Scale(Tensor x, float factor) => Unary("Scale", x,
        (xs, ys) => TensorPrimitives.Multiply(xs, factor, ys),
        (_, _, gy, gx) => TensorPrimitives.MultiplyAdd(gy, factor, gx, gx));

    /// <summary>exp(x).</summary>
    public static Tensor Exp(Tensor x) => Unary("Exp", x, ExpForward, ExpBackward);

    /// <summary>The natural logarithm ln(x); NaN for x &lt; 0 and -∞ at 0, as in IEEE arithmetic.</summary>
    public static Tensor Log(Tensor x) => Unary("Log", x, LogForward, LogBackward);

    /// <summary>√x; NaN for x &lt; 0. The derivative 1/(2√x) is infinite at 0.</summary>
    public static Tensor Sqrt(Tensor x) => Unary("Sqrt", x, SqrtForward, SqrtBackward);

    /// <summary>x^exponent for a constant exponent; NaN for negative x with a non-integer exponent (MathF.Pow).</summary>
    public static Tensor Pow(Tensor x, float exponent) => Unary("Pow", x,
        (xs, ys) => TensorPrimitives.Pow(xs, exponent, ys),
        (xs, _, gy, gx) =>
        {
            // d/dx x^p = p·x^(p-1), computed from x (not p·y/x, which divides by zero at x = 0).
            for (int i = 0; i < gx.Length; i++) gx[i] += gy[i] * exponent * MathF.Pow(xs[i], exponent - 1f);
        });

    /// <summary>|x|. The derivative at exactly 0 is taken as 0 (as PyTorch does).</summary>
    public static Tensor Abs(Tensor x) => Unary("Abs", x, AbsForward, AbsBackward);

    /// <summary>
    /// min(max(x, min), max). The gradient passes where min ≤ x ≤ max (bounds inclusive, as in PyTorch) and is 0
    /// outside.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="min"/> is greater than <paramref name="max"/> or NaN.</exception>
    public static Tensor Clamp(Tensor x, float min, float max)
    {
        if (!(min <= max))
            throw new ArgumentException($"Clamp: min {min} must not exceed max {max}.", nameof(min));
        return Unary("Clamp", x,
            (xs, ys) =>
            {
                TensorPrimitives.Max(xs, min, ys);
                TensorPrimitives.Min(ys, max, ys);
            },
            (xs, _, gy, gx) =>
            {
                for (int i = 0; i < gx.Length; i++)
                    if (xs[i] >= min && xs[i] <= max) gx[i] += gy[i];
            });
    }

    internal static void NegForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Negate(x, y);

    internal static void NegBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx) =>
        TensorPrimitives.Subtract(gx, gy, gx);

    internal static void ExpForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Exp(x, y);

    // exp'(x) = exp(x) = y.
    internal static void ExpBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx) =>
        TensorPrimitives.MultiplyAdd(gy, y, gx, gx);

    internal static void LogForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Log(x, y);

    // ln'(x) = 1/x.
    internal static void LogBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx)
    {
        for (int i = 0; i < gx.Length; i++) gx[i] += gy[i] / x[i];
    }

    internal static void SqrtForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sqrt(x, y);

    // √'(x) = 1 / (2√x) = 0.5 / y.
    internal static void SqrtBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx)
    {
        for (int i = 0; i < gx.Length; i++) gx[i] += 0.5f * gy[i] / y[i];
    }

    internal static void AbsForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Abs(x, y);

    // |x|' = sign(x), 0 at 0.
    internal static void AbsBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx)
    {
        for (int i = 0; i < gx.Length; i++)
        {
            if (x[i] > 0) gx[i] += gy[i];
            else if (x[i] < 0) gx[i] -= gy[i];
        }
    }
}
