namespace Engine.Analysis;

/// <summary>
/// A caller's floats, pinned by a <c>fixed</c> statement around a computation that has to capture them (an L-BFGS
/// objective, a <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/> body): a lambda cannot capture a
/// span, and copying the features to an array would double a classifier's largest input (60,000 raw Fashion-MNIST
/// images are 188 MB). Valid only inside the <c>fixed</c> block that made it.
/// </summary>
internal readonly unsafe struct PinnedFloats(float* pointer, int length)
{
    /// <summary>The pinned elements.</summary>
    public ReadOnlySpan<float> Span => new(pointer, length);
}
