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
    public Tensor MatMul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Ops.MatMul(this, other);
    }

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

    /// <summary>-x; see <see cref="Ops.Neg"/>.</summary>
    public static Tensor operator -(Tensor a) => Ops.Neg(a);

    /// <summary>The transpose of a matrix (copied); see <see cref="Ops.Transpose(Tensor)"/>.</summary>
    public Tensor Transpose() => Ops.Transpose(this);

    /// <summary>Swaps two axes (copied); see <see cref="Ops.Transpose(Tensor, int, int)"/>.</summary>
    public Tensor Transpose(int axis0, int axis1) => Ops.Transpose(this, axis0, axis1);

    /// <summary>A window along one axis (copied); see <see cref="Ops.Slice"/>.</summary>
    public Tensor Slice(int axis, int start, int length) => Ops.Slice(this, axis, start, length);

    /// <summary>Sum over one axis; see <see cref="Ops.Sum(Tensor, int, bool)"/>.</summary>
    public Tensor Sum(int axis, bool keepDim = false) => Ops.Sum(this, axis, keepDim);

    /// <summary>Mean over one axis; see <see cref="Ops.Mean(Tensor, int, bool)"/>.</summary>
    public Tensor Mean(int axis, bool keepDim = false) => Ops.Mean(this, axis, keepDim);

    /// <summary>Maximum over one axis; see <see cref="Ops.Max"/>.</summary>
    public Tensor Max(int axis, bool keepDim = false) => Ops.Max(this, axis, keepDim);

    /// <summary>exp(x).</summary>
    public Tensor Exp() => Ops.Exp(this);

    /// <summary>ln(x).</summary>
    public Tensor Log() => Ops.Log(this);

    /// <summary>√x.</summary>
    public Tensor Sqrt() => Ops.Sqrt(this);

    /// <summary>x^exponent.</summary>
    public Tensor Pow(float exponent) => Ops.Pow(this, exponent);

    /// <summary>|x|.</summary>
    public Tensor Abs() => Ops.Abs(this);

    /// <summary>min(max(x, min), max); see <see cref="Ops.Clamp"/>.</summary>
    public Tensor Clamp(float min, float max) => Ops.Clamp(this, min, max);

    /// <summary>x for x &gt; 0, slope·x otherwise.</summary>
    public Tensor LeakyRelu(float slope = 0.01f) => Ops.LeakyRelu(this, slope);

    /// <summary>x for x &gt; 0, alpha·(exp(x) − 1) otherwise.</summary>
    public Tensor Elu(float alpha = 1f) => Ops.Elu(this, alpha);

    /// <summary>log(1 + exp(x)), computed stably.</summary>
    public Tensor Softplus() => Ops.Softplus(this);

    /// <summary>Softmax along an axis (default: the last); see <see cref="Ops.Softmax"/>.</summary>
    public Tensor Softmax(int axis = -1) => Ops.Softmax(this, axis);

    /// <summary>Log-softmax along an axis (default: the last); see <see cref="Ops.LogSoftmax"/>.</summary>
    public Tensor LogSoftmax(int axis = -1) => Ops.LogSoftmax(this, axis);
}
