using Engine.Tensors;

namespace Engine.Autodiff.Ops;

// Activations with a parameter or a smooth tail (LeakyRelu, Elu, Softplus): forward and backward kernels side by
// side, run through Op.Unary. Backward kernels ACCUMULATE (+=).

public static partial class Op
{
    /// <summary>
    /// leaky_relu(x) = x for x &gt; 0, slope·x otherwise. The derivative at exactly 0 is taken as slope
    /// (as PyTorch does).
    /// </summary>
    public static Tensor LeakyRelu(Tensor x, float slope = 0.01f) => Unary("LeakyRelu", x,
        (xs, ys) =>
        {
            for (int i = 0; i < ys.Length; i++) ys[i] = xs[i] > 0 ? xs[i] : slope * xs[i];
        },
        (xs, _, gy, gx) =>
        {
            for (int i = 0; i < gx.Length; i++) gx[i] += xs[i] > 0 ? gy[i] : slope * gy[i];
        });

    /// <summary>
    /// elu(x) = x for x &gt; 0, alpha·(exp(x) − 1) otherwise. Derivative 1 for x &gt; 0, else y + alpha
    /// (= alpha·exp(x)), taken from the saved output.
    /// </summary>
    public static Tensor Elu(Tensor x, float alpha = 1f) => Unary("Elu", x,
        (xs, ys) =>
        {
            // exp(x) − 1 in double keeps digits for x near 0, where float would cancel.
            for (int i = 0; i < ys.Length; i++) ys[i] = xs[i] > 0 ? xs[i] : (float)(alpha * (Math.Exp(xs[i]) - 1.0));
        },
        (xs, ys, gy, gx) =>
        {
            for (int i = 0; i < gx.Length; i++) gx[i] += xs[i] > 0 ? gy[i] : gy[i] * (ys[i] + alpha);
        });

    /// <summary>
    /// softplus(x) = log(1 + exp(x)), computed stably as max(x, 0) + log1p(exp(−|x|)) (no overflow for large x,
    /// no loss of the small tail for very negative x). Its derivative is sigmoid(x).
    /// </summary>
    public static Tensor Softplus(Tensor x) => Unary("Softplus", x, SoftplusForward, SoftplusBackward);

    internal static void SoftplusForward(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < y.Length; i++)
            y[i] = (float)(Math.Max(x[i], 0.0) + Log1P(Math.Exp(-Math.Abs((double)x[i]))));
    }

    // softplus'(x) = 1 / (1 + exp(−x)) = sigmoid(x).
    internal static void SoftplusBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx)
    {
        for (int i = 0; i < gx.Length; i++) gx[i] += gy[i] / (1f + MathF.Exp(-x[i]));
    }

    /// <summary>log(1 + e) accurate for tiny e (Goldberg's trick: the rounding of 1 + e cancels in the ratio).</summary>
    internal static double Log1P(double e)
    {
        double u = 1.0 + e;
        return u == 1.0 ? e : Math.Log(u) * e / (u - 1.0);
    }
}
