using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

// Inverted dropout: y = x ⊙ mask with maskᵢ = 1/(1 − p) (kept, probability 1 − p) or 0 (dropped), so E[y] = x and
// inference needs no rescaling. The mask is drawn from the caller's Random and saved: dx += dy ⊙ mask.

public static partial class Op
{
    /// <summary>
    /// Inverted dropout: while <paramref name="training"/>, zeroes each element with probability
    /// <paramref name="p"/> and scales the survivors by 1/(1 − p). Returns x itself (no copy, no node) when not
    /// training or when p is 0; returns zeros when p is 1.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="p">Drop probability in [0, 1].</param>
    /// <param name="random">Source of the mask: one NextSingle() per element, in order (element i is kept iff
    /// the draw is ≥ p), so a seeded Random gives a reproducible mask.</param>
    /// <param name="training">False turns dropout into the identity.</param>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1].</exception>
    public static Tensor Dropout(Tensor x, float p, Random random, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(random);
        if (!(p >= 0f && p <= 1f))
            throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: drop probability {p} is outside [0, 1].");
        if (!training || p == 0f) return x;
        // The mask lives as long as the step's graph, so it borrows pooled storage like the tensors do.
        var mask = TensorStorage.AllocateUninitialized(x.Size);
        float keep = p == 1f ? 0f : 1f / (1f - p);
        for (int i = 0; i < x.Size; i++) mask[i] = random.NextSingle() >= p ? keep : 0f;
        var y = Tensor.Zeros(x.Shape);
        TensorPrimitives.Multiply(x.ReadOnlySpan, mask.AsSpan(0, x.Size), y.Span);
        return Autograd.IsRecording(x) ? Autograd.Record(y, new DropoutNode(x, mask)) : y;
    }

    private sealed class DropoutNode(Tensor x, float[] mask) : Node("Dropout", x)
    {
        private float[]? _mask = mask;

        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(x) is { IsEmpty: false } gx) TensorPrimitives.MultiplyAdd(gradOutput.ReadOnlySpan, _mask.AsSpan(0, gx.Length), gx, gx);
        }

        protected override void ReleaseSavedState() => _mask = null;
    }
}
