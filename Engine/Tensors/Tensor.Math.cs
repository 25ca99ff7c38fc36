using Engine.Autodiff.Ops;

namespace Engine.Tensors;

// Operators and fluent methods: thin forwards to Engine.Autodiff.Ops, where each op and its backward live.
public sealed partial class Tensor
{
    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Op.Add(a, b);

    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Op.Sub(a, b);

    /// <summary>Elementwise product with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Op.Mul(a, b);

    /// <summary>Elementwise quotient with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Op.Div(a, b);

    /// <summary>Adds a constant.</summary>
    public static Tensor operator +(Tensor a, float b) => Op.Add(a, Scalar(b));

    /// <summary>Subtracts a constant.</summary>
    public static Tensor operator -(Tensor a, float b) => Op.Sub(a, Scalar(b));

    /// <summary>Multiplies by a constant.</summary>
    public static Tensor operator *(Tensor a, float b) => Op.Mul(a, Scalar(b));

    /// <summary>Multiplies by a constant.</summary>
    public static Tensor operator *(float a, Tensor b) => Op.Mul(Scalar(a), b);

    /// <summary>Divides by a constant.</summary>
    public static Tensor operator /(Tensor a, float b) => Op.Div(a, Scalar(b));

    /// <summary>Subtracts from a constant.</summary>
    public static Tensor operator -(float a, Tensor b) => Op.Sub(Scalar(a), b);

    /// <summary>Matrix product; see <see cref="Op.MatMul"/>.</summary>
    public Tensor MatMul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Op.MatMul(this, other);
    }

    /// <summary>A view with a new shape (one dimension may be -1); see <see cref="Op.Reshape"/>.</summary>
    public Tensor Reshape(params int[] shape) => Op.Reshape(this, shape);

    /// <summary>Sum of all elements.</summary>
    public Tensor Sum() => Op.Sum(this);

    /// <summary>Mean of all elements.</summary>
    public Tensor Mean() => Op.Mean(this);

    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => Op.Relu(this);

    /// <summary>1 / (1 + exp(-x)).</summary>
    public Tensor Sigmoid() => Op.Sigmoid(this);

    /// <summary>tanh(x).</summary>
    public Tensor Tanh() => Op.Tanh(this);

    /// <summary>-x; see <see cref="Op.Neg"/>.</summary>
    public static Tensor operator -(Tensor a) => Op.Neg(a);

    /// <summary>The transpose of a matrix (copied); see <see cref="Op.Transpose(Tensor)"/>.</summary>
    public Tensor Transpose() => Op.Transpose(this);

    /// <summary>Swaps two axes (copied); see <see cref="Op.Transpose(Tensor, int, int)"/>.</summary>
    public Tensor Transpose(int axis0, int axis1) => Op.Transpose(this, axis0, axis1);

    /// <summary>A window along one axis (copied); see <see cref="Op.Slice"/>.</summary>
    public Tensor Slice(int axis, int start, int length) => Op.Slice(this, axis, start, length);

    /// <summary>Sum over one axis; see <see cref="Op.Sum(Tensor, int, bool)"/>.</summary>
    public Tensor Sum(int axis, bool keepDim = false) => Op.Sum(this, axis, keepDim);

    /// <summary>Mean over one axis; see <see cref="Op.Mean(Tensor, int, bool)"/>.</summary>
    public Tensor Mean(int axis, bool keepDim = false) => Op.Mean(this, axis, keepDim);

    /// <summary>Maximum over one axis; see <see cref="Op.Max"/>.</summary>
    public Tensor Max(int axis, bool keepDim = false) => Op.Max(this, axis, keepDim);

    /// <summary>exp(x).</summary>
    public Tensor Exp() => Op.Exp(this);

    /// <summary>ln(x).</summary>
    public Tensor Log() => Op.Log(this);

    /// <summary>√x.</summary>
    public Tensor Sqrt() => Op.Sqrt(this);

    /// <summary>x^exponent.</summary>
    public Tensor Pow(float exponent) => Op.Pow(this, exponent);

    /// <summary>|x|.</summary>
    public Tensor Abs() => Op.Abs(this);

    /// <summary>min(max(x, min), max); see <see cref="Op.Clamp"/>.</summary>
    public Tensor Clamp(float min, float max) => Op.Clamp(this, min, max);

    /// <summary>x for x &gt; 0, slope·x otherwise.</summary>
    public Tensor LeakyRelu(float slope = 0.01f) => Op.LeakyRelu(this, slope);

    /// <summary>x for x &gt; 0, alpha·(exp(x) − 1) otherwise.</summary>
    public Tensor Elu(float alpha = 1f) => Op.Elu(this, alpha);

    /// <summary>log(1 + exp(x)), computed stably.</summary>
    public Tensor Softplus() => Op.Softplus(this);

    /// <summary>Softmax along an axis (default: the last); see <see cref="Op.Softmax"/>.</summary>
    public Tensor Softmax(int axis = -1) => Op.Softmax(this, axis);

    /// <summary>Log-softmax along an axis (default: the last); see <see cref="Op.LogSoftmax"/>.</summary>
    public Tensor LogSoftmax(int axis = -1) => Op.LogSoftmax(this, axis);
}
