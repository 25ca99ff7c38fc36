using Engine.Tensors;

namespace Engine.Autodiff.Ops;

/// <summary>Forward of an elementwise op: writes f(x) into y.</summary>
public delegate void UnaryForward(ReadOnlySpan<float> x, Span<float> y);

/// <summary>
/// Backward of an elementwise op: ADDS gradOutput * f'(x) into gradInput. It may use the input x or the saved
/// output y, whichever gives the cheaper formula (sigmoid' = y(1-y), tanh' = 1-y²).
/// </summary>
public delegate void UnaryBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gradOutput,
    Span<float> gradInput);

public static partial class Op
{
    /// <summary>
    /// Applies an elementwise function given as a forward/backward pair, recording a node when needed.
    /// Every activation in the engine is one call to this with two small span kernels.
    /// </summary>
    public static Tensor Unary(string opName, Tensor x, UnaryForward forward, UnaryBackward backward)
    {
        ArgumentNullException.ThrowIfNull(opName);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        var y = Tensor.Zeros(x.Shape);
        forward(x.ReadOnlySpan, y.Span);
        return Autograd.IsRecording(x) ? Autograd.Record(y, new UnaryNode(opName, x, y, backward)) : y;
    }

    private sealed class UnaryNode(string opName, Tensor x, Tensor y, UnaryBackward backward) : Node(opName, x)
    {
        private Tensor? _y = y;

        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(x) is { IsEmpty: false } gx) backward(x.ReadOnlySpan, _y!.ReadOnlySpan, gradOutput.ReadOnlySpan, gx);
        }

        protected override void ReleaseSavedState() => _y = null;
    }
}
