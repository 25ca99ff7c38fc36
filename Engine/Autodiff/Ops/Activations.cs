using System.Numerics;
using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

// Activations: each is a forward kernel and a backward kernel side by side. Backward kernels ACCUMULATE (+=).
// The SIMD loops use the scalar tail's operations in the same order (no fused multiply-add), so lanes and tail agree bitwise.

public static partial class Op
{
    /// <summary>relu(x) = max(x, 0). The derivative at exactly 0 is taken as 0 (as PyTorch does).</summary>
    public static Tensor Relu(Tensor x) => Unary("Relu", x, ReluForward, ReluBackward);

    /// <summary>sigmoid(x) = 1 / (1 + exp(-x)).</summary>
    public static Tensor Sigmoid(Tensor x) => Unary("Sigmoid", x, SigmoidForward, SigmoidBackward);

    /// <summary>tanh(x).</summary>
    public static Tensor Tanh(Tensor x) => Unary("Tanh", x, TanhForward, TanhBackward);

    internal static void ReluForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    // Branch-free: a data-dependent branch per element mispredicts about half the time on real activations.
    internal static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= gx.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var g = new Vector<float>(gx[i..]);
                Vector.ConditionalSelect(Vector.GreaterThan(new Vector<float>(x[i..]), Vector<float>.Zero),
                    g + new Vector<float>(gy[i..]), g).CopyTo(gx[i..]);
            }
        }
        for (; i < gx.Length; i++)
            if (x[i] > 0) gx[i] += gy[i];
    }

    internal static void SigmoidForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    // sigmoid'(x) = y (1 - y), from the saved output.
    internal static void SigmoidBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= gx.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var yv = new Vector<float>(y[i..]);
                (new Vector<float>(gx[i..]) + new Vector<float>(gy[i..]) * yv * (Vector<float>.One - yv)).CopyTo(gx[i..]);
            }
        }
        for (; i < gx.Length; i++) gx[i] += gy[i] * y[i] * (1f - y[i]);
    }

    internal static void TanhForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    // tanh'(x) = 1 - y², from the saved output.
    internal static void TanhBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= gx.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var yv = new Vector<float>(y[i..]);
                (new Vector<float>(gx[i..]) + new Vector<float>(gy[i..]) * (Vector<float>.One - yv * yv)).CopyTo(gx[i..]);
            }
        }
        for (; i < gx.Length; i++) gx[i] += gy[i] * (1f - y[i] * y[i]);
    }
}
