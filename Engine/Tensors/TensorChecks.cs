using System.Runtime.CompilerServices;

namespace Engine.Tensors;

// Entry checks for public methods that take a tensor of a documented shape. Each is the first line of the method,
// so a null or mis-shaped argument is reported against the caller's own parameter and method (for example
// "DenseAutoencoder.Encode: input is (2, 3); expected (..., 784).") rather than by whichever op meets it first.
internal static class TensorChecks
{
    /// <summary>Throws unless <paramref name="tensor"/> is non-null with last axis <paramref name="features"/>.</summary>
    public static Tensor LastAxis(Tensor? tensor, int features, string method,
        [CallerArgumentExpression(nameof(tensor))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        return tensor.Rank > 0 && tensor.Shape[-1] == features ? tensor : throw Mismatch(tensor, $"(..., {features})", method, name);
    }

    /// <summary>Throws unless <paramref name="tensor"/> is non-null with shape (N, <paramref name="features"/>).</summary>
    public static Tensor Rows(Tensor? tensor, int features, string method,
        [CallerArgumentExpression(nameof(tensor))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        return tensor.Rank == 2 && tensor.Shape[1] == features ? tensor : throw Mismatch(tensor, $"(N, {features})", method, name);
    }

    /// <summary>Throws unless <paramref name="tensor"/> is non-null with shape (B, T, <paramref name="features"/>).</summary>
    public static Tensor Sequence(Tensor? tensor, int features, string method,
        [CallerArgumentExpression(nameof(tensor))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        return tensor.Rank == 3 && tensor.Shape[2] == features ? tensor : throw Mismatch(tensor, $"(B, T, {features})", method, name);
    }

    /// <summary>
    /// Throws unless <paramref name="tensor"/> is non-null NCHW with <paramref name="channels"/> channels (any
    /// number when <paramref name="channels"/> is 0).
    /// </summary>
    public static Tensor Images(Tensor? tensor, int channels, string method,
        [CallerArgumentExpression(nameof(tensor))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        return tensor.Rank == 4 && (channels == 0 || tensor.Shape[1] == channels)
            ? tensor
            : throw Mismatch(tensor, $"(N, {(channels > 0 ? channels : "C")}, H, W)", method, name);
    }

    // The expected shape is formatted only on this path, so a passing check allocates nothing.
    private static ArgumentException Mismatch(Tensor tensor, string expected, string method, string? name) =>
        new($"{method}: {name} is {tensor.Shape}; expected {expected}.", name);

    /// <summary>
    /// Runs <paramref name="inner"/> (a submodule whose input width this method cannot know) on a caller's tensor;
    /// an ArgumentException from inside is re-thrown naming <paramref name="method"/> and the tensor's shape.
    /// </summary>
    public static Tensor Through(Tensor? tensor, Func<Tensor, Tensor> inner, string method,
        [CallerArgumentExpression(nameof(tensor))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        try
        {
            return inner(tensor);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            throw new ArgumentException($"{method}: {name} {tensor.Shape} was rejected: {Reason(e)}", name, e);
        }
    }

    /// <summary>The message of <paramref name="e"/> without the " (Parameter 'x')" that .NET appends.</summary>
    public static string Reason(ArgumentException e) =>
        e.ParamName is { } p && e.Message.EndsWith($" (Parameter '{p}')", StringComparison.Ordinal)
            ? e.Message[..^$" (Parameter '{p}')".Length]
            : e.Message;
}
