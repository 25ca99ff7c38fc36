using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Engine.Tensors;

namespace Engine.Autodiff.Ops;

public static partial class Op
{
    /// <summary>
    /// The same elements read with a new shape (a view: no copy). One dimension may be -1 and is then inferred.
    /// The gradient is reshaped back.
    /// </summary>
    /// <exception cref="ArgumentException">The new shape holds a different number of elements.</exception>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        var target = InferShape(x.Shape, shape);
        var view = new Tensor(target, x.Storage, x.StorageOffset);
        return Autograd.IsRecording(x) ? Autograd.Record(view, new ReshapeNode(x)) : view;
    }

    private static Shape InferShape(Shape from, int[] dims)
    {
        dims = (int[])dims.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"Reshape: only one dimension may be -1, got ({string.Join(", ", dims)}).");
                infer = i;
            }
            else if (dims[i] < 0) throw new ArgumentException($"Reshape: dimension {dims[i]} is invalid in ({string.Join(", ", dims)}).");
            else known *= dims[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || from.Size % known != 0)
                throw new ArgumentException($"Reshape: cannot infer -1 to view {from} as ({string.Join(", ", dims)}).");
            dims[infer] = (int)(from.Size / known);
            known *= dims[infer];
        }
        if (known != from.Size)
            throw new ArgumentException($"Reshape: shape {from} ({from.Size} elements) cannot be viewed as ({string.Join(", ", dims)}).");
        return new Shape(dims);
    }

    private sealed class ReshapeNode(Tensor x) : Node("Reshape", x)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(x) is { IsEmpty: false } gx)
                TensorPrimitives.Add(gx, gradOutput.ReadOnlySpan, gx);
        }
    }
}
