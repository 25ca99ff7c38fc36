using Engine.Tensors;

namespace Engine.Autodiff;

/// <summary>
/// One recorded operation in the graph: it remembers its inputs and whatever its backward needs, and knows how to
/// turn the gradient of its output into gradients of its inputs. Each op has one sealed subclass next to its forward.
/// </summary>
public abstract class Node
{
    private Tensor[] _inputs;

    /// <summary>Records an op with its inputs.</summary>
    protected Node(string opName, params Tensor[] inputs)
    {
        OpName = opName;
        _inputs = inputs;
    }

    /// <summary>The op's name, e.g. "MatMul", for error messages and graph dumps.</summary>
    public string OpName { get; }

    /// <summary>The tensors this op read.</summary>
    public IReadOnlyList<Tensor> Inputs => _inputs;

    /// <summary>True once a backward pass without retainGraph has gone through this node.</summary>
    public bool IsReleased { get; private set; }

    /// <summary>
    /// Adds d(loss)/d(input) into each input's gradient (only for inputs that require grad), given
    /// <paramref name="gradOutput"/> = d(loss)/d(output). Must accumulate, never overwrite: an input used twice
    /// receives the sum of both contributions.
    /// </summary>
    protected internal abstract void Backward(Tensor gradOutput);

    /// <summary>Drops the saved state so its memory can be reclaimed; the graph can't be run backward again.</summary>
    internal void Release()
    {
        IsReleased = true;
        _inputs = [];
        ReleaseSavedState();
    }

    /// <summary>Overridden by ops that saved tensors for backward, to drop them.</summary>
    protected virtual void ReleaseSavedState()
    {
    }

    /// <summary>
    /// The gradient buffer of <paramref name="input"/> (created as zeros on first use), or an empty span when the
    /// input does not require grad, so a backward can skip work: <c>if (GradOf(x) is { IsEmpty: false } g) ...</c>.
    /// </summary>
    protected static Span<float> GradOf(Tensor input)
    {
        if (!input.RequiresGrad) return [];
        // Leaf gradients outlive the step (the optimizer reads them), so they never come from a pooled scope.
        input.Grad ??= input.IsLeaf ? Tensor.ZerosUnpooled(input.Shape) : Tensor.Zeros(input.Shape);
        return input.Grad.Span;
    }
}
