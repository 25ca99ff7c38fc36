using System.Numerics;
using Engine.Kernels;
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

    // Every activation's derivative is defined once, in Kernels/ActivationGrad.cs, and used by this op and by the
    // fused Linear + activation backward alike. relu'(x) is read from y = max(x, 0): y > 0 exactly where x > 0.
    internal static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx) =>
        ActivationGrad.Accumulate<ActivationGrad.ReluDerivative>(y, gy, gx);

    internal static void SigmoidForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    // sigmoid'(x) = y (1 - y), from the saved output.
    internal static void SigmoidBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx) =>
        ActivationGrad.Accumulate<ActivationGrad.SigmoidDerivative>(y, gy, gx);

    internal static void TanhForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    // tanh'(x) = 1 - y², from the saved output.
    internal static void TanhBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx) =>
        ActivationGrad.Accumulate<ActivationGrad.TanhDerivative>(y, gy, gx);
}
