using System.Buffers;

namespace Engine.Kernels;

/// <summary>
/// Pooled scratch buffers for kernels that need temporary memory (im2col columns, gathered gradients).
/// A kernel rents a buffer, uses it, and returns it before it exits; a buffer never escapes the method,
/// so the steady state of a training loop allocates nothing.
/// </summary>
/// <remarks>
/// The pool is private to the kernels (not <see cref="ArrayPool{T}.Shared"/>) so it can hold the few
/// multi-megabyte buffers convolution needs. Rented arrays may be longer than asked and hold stale data:
/// every kernel writes before it reads.
/// </remarks>
public static class Scratch
{
    // Up to 2^26 floats (256 MiB) per buffer; a handful of buffers per size bucket is all the kernels need.
    private static readonly ArrayPool<float> Pool = ArrayPool<float>.Create(1 << 26, 16);

    /// <summary>Rents a buffer of at least <paramref name="length"/> floats (contents unspecified).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public static float[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return Pool.Rent(length);
    }

    /// <summary>Returns a buffer obtained from <see cref="Rent"/>.</summary>
    public static void Return(float[] buffer) => Pool.Return(buffer ?? throw new ArgumentNullException(nameof(buffer)));
}
