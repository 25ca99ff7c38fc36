using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

public static partial class Op
{
    /// <summary>The sum of all elements, as a scalar tensor. Backward spreads the gradient to every element.</summary>
    public static Tensor Sum(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Scalar(TensorPrimitives.Sum(x.ReadOnlySpan));
        return Autograd.IsRecording(x) ? Autograd.Record(y, new SumAllNode(x, 1f)) : y;
    }

    /// <summary>The mean of all elements, as a scalar tensor.</summary>
    public static Tensor Mean(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        float scale = 1f / Math.Max(x.Size, 1);
        var y = Tensor.Scalar(TensorPrimitives.Sum(x.ReadOnlySpan) * scale);
        return Autograd.IsRecording(x) ? Autograd.Record(y, new SumAllNode(x, scale)) : y;
    }

    // d(scale · Σx)/dx_i = scale.
    private sealed class SumAllNode(Tensor x, float scale) : Node(scale == 1f ? "Sum" : "Mean", x)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(x) is { IsEmpty: false } gx) TensorPrimitives.Add(gx, gradOutput.Item() * scale, gx);
        }
    }
}
