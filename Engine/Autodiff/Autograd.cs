using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff;

/// <summary>
/// The reverse pass. Ops record a <see cref="Node"/> on their output when an input requires grad; Backward orders
/// the nodes reachable from the loss so that each runs after every node that consumes its output, then runs them.
/// </summary>
public static class Autograd
{
    /// <summary>True when an op on these inputs must record a node: grad mode is on and an input requires grad.</summary>
    public static bool IsRecording(Tensor a) =>
        GradMode.IsEnabled && (a ?? throw new ArgumentNullException(nameof(a))).RequiresGrad;

    /// <summary>True when an op on these inputs must record a node.</summary>
    public static bool IsRecording(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return GradMode.IsEnabled && (a.RequiresGrad || b.RequiresGrad);
    }

    /// <summary>True when an op on these inputs must record a node.</summary>
    public static bool IsRecording(params ReadOnlySpan<Tensor> inputs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in inputs)
            if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>Attaches <paramref name="node"/> as the creator of <paramref name="output"/> and returns the output.</summary>
    public static Tensor Record(Tensor output, Node node)
    {
        output.MarkAsOutputOf(node);
        return output;
    }

    /// <summary>
    /// Adds d(root)/d(t) into <c>t.Grad</c> for every tensor t in root's graph that requires grad.
    /// </summary>
    /// <remarks>
    /// Order: an iterative depth-first search (an explicit stack, so a 10,000-step chain cannot overflow the call
    /// stack) lists nodes in post-order; reversed, every node comes after all nodes that use its output.
    /// Leaves keep their accumulated gradients; an intermediate gradient is dropped as soon as its node has run (inside
    /// a <see cref="TensorScope"/> its array goes back to the pool at once), and unless
    /// <paramref name="retainGraph"/> is set the nodes release their saved tensors.
    /// </remarks>
    /// <exception cref="InvalidOperationException">
    /// root does not require grad, has more than one element and no seed was given, or its graph was released.
    /// </exception>
    /// <exception cref="ArgumentException">The seed's shape differs from root's.</exception>
    public static void Backward(Tensor root, Tensor? gradient = null, bool retainGraph = false)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!root.RequiresGrad)
            throw new InvalidOperationException(
                $"Backward: tensor of shape {root.Shape} does not require grad (no parameter or input that requires grad fed into it, or it was computed under GradMode.Disable()).");
        if (gradient is null && root.Size != 1)
            throw new InvalidOperationException(
                $"Backward: the tensor has shape {root.Shape}; a seed gradient of the same shape is needed unless it has exactly one element (a loss).");
        if (gradient is not null && gradient.Shape != root.Shape)
            throw new ArgumentException($"Backward: seed gradient has shape {gradient.Shape}, the tensor has {root.Shape}.", nameof(gradient));
        if (root.GradFn is { IsReleased: true })
            throw new InvalidOperationException(
                $"Backward: the graph behind this tensor ({root.GradFn.OpName}) was already released by an earlier Backward. Run the forward pass again, or pass retainGraph: true to the first Backward.");

        var order = TopologicalOrder(root);

        // Seed d(root)/d(root): a leaf accumulates it like any leaf; a non-leaf starts from it afresh.
        if (root.IsLeaf) root.Grad ??= Tensor.ZerosUnpooled(root.Shape);
        else root.Grad = Tensor.Zeros(root.Shape);
        if (gradient is null) root.Grad.Span[0] += 1f;
        else TensorPrimitives.Add(root.Grad.Span, gradient.ReadOnlySpan, root.Grad.Span);

        // Replay in reverse: outputs before the inputs they were computed from. Inside a pooled scope, what a node
        // borrowed for its backward goes back to the pool when it returns, except its inputs' gradients; and once
        // it has run, nothing reads its output's gradient again (every consumer ran before it), so that goes back
        // too. The step's peak is its activations plus the gradients in flight, not plus every gradient.
        var scope = TensorScope.Current;
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var (node, output) = order[i];
            if (output.Grad is not { } grad) continue; // no gradient flowed to this node
            int mark = scope?.BorrowedCount ?? 0;
            node.Backward(grad);
            output.Grad = null;
            if (scope is null) continue;
            scope.ReturnSince(mark, node.Inputs);
            if (grad.StorageOffset == 0) scope.ReturnEarly(grad.Storage);
        }

        foreach (var (node, output) in order)
        {
            output.Grad = null; // intermediate gradients are not kept (PyTorch does the same)
            if (!retainGraph) node.Release();
        }
    }

    /// <summary>Nodes reachable from root in post-order (each node after all nodes it depends on).</summary>
    private static List<(Node Node, Tensor Output)> TopologicalOrder(Tensor root)
    {
        var order = new List<(Node, Tensor)>();
        var visited = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Tensor, int NextInput)>();
        if (root.GradFn is null) return order;
        visited.Add(root.GradFn);
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (tensor, next) = stack.Pop();
            var node = tensor.GradFn!;
            if (node.IsReleased)
                throw new InvalidOperationException(
                    $"Backward: part of the graph ({node.OpName}) was already released by an earlier Backward. Run the forward pass again, or pass retainGraph: true.");
            if (next < node.Inputs.Count)
            {
                stack.Push((tensor, next + 1));
                var input = node.Inputs[next];
                if (input.GradFn is { } child && visited.Add(child)) stack.Push((input, 0));
            }
            else
            {
                order.Add((node, tensor));
            }
        }
        return order;
    }
}
