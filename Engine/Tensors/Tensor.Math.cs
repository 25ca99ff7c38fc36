using Engine.Autodiff.Ops;

namespace Engine.Tensors;

// Operators and fluent methods: thin forwards to Engine.Autodiff.Ops, where each op and its backward live.
public sealed partial class Tensor
{
    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Ops.Add(a, b);

    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Ops.Sub(a, b);

    /// <summary>Elementwise product with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Ops.Mul(a, b);

    /// <summary>Elementwise quotient with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Ops.Div(a, b);

    /// <summary>Adds a constant.</summary>
    public static Tensor operator +(Tensor a, float b) => Ops.Add(a, Scalar(b));

    /// <summary>Subtracts a constant.</summary>
    public static Tensor operator -(Tensor a, float b) => Ops.Sub(a, Scalar(b));

    /// <summary>Multiplies by a constant.</summary>
    public static Tensor operator *(Tensor a, float b) => Ops.Mul(a, Scalar(b));

    /// <summary>Multiplies by a constant.</summary>
    public static Tensor operator *(float a, Tensor b) => Ops.Mul(Scalar(a), b);

    /// <summary>Divides by a constant.</summary>
    public static Tensor operator /(Tensor a, float b) => Ops.Div(a, Scalar(b));

    /// <summary>Subtracts from a constant.</summary>
    public static Tensor operator -(float a, Tensor b) => Ops.Sub(Scalar(a), b);

    /// <summary>Matrix product; see <see cref="Ops.MatMul"/>.</summary>
    public Tensor MatMul(Tensor other) => Ops.MatMul(this, other);

    /// <summary>A view with a new shape (one dimension may be -1); see <see cref="Ops.Reshape"/>.</summary>
    public Tensor Reshape(params int[] shape) => Ops.Reshape(this, shape);

    /// <summary>Sum of all elements.</summary>
    public Tensor Sum() => Ops.Sum(this);

    /// <summary>Mean of all elements.</summary>
    public Tensor Mean() => Ops.Mean(this);

    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => Ops.Relu(this);

    /// <summary>1 / (1 + exp(-x)).</summary>
    public Tensor Sigmoid() => Ops.Sigmoid(this);

    /// <summary>tanh(x).</summary>
    public Tensor Tanh() => Ops.Tanh(this);
}
