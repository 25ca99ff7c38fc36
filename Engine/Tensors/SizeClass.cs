namespace Engine.Tensors;

/// <summary>
/// The lengths a <see cref="TensorPool"/> keeps arrays of: 1 to 8 exactly, then four classes per doubling
/// (10, 12, 14, 16, 20, 24, 28, 32, 40 ...), so a request is rounded up by less than 25% and every length up to
/// <see cref="MaxLength"/> falls into one of <see cref="Count"/> classes.
/// </summary>
/// <remarks>
/// Keying a pool by exact length lets it grow with the number of distinct shapes seen: the text models' logits are
/// (tokens in the batch × vocabulary), a different length for nearly every batch. Rounding to a class bounds the
/// number of free lists, and an array of a class serves every request it is long enough for. A tensor only sees
/// the first <c>size</c> elements of its array (<see cref="Tensor.Span"/>), so the rounding is invisible to kernels.
/// </remarks>
internal static class SizeClass
{
    /// <summary>The longest pooled length, 2^28 floats (1 GiB); longer arrays are allocated and dropped as they come.</summary>
    public const int MaxLength = 1 << 28;

    /// <summary>The number of classes (the index of <see cref="MaxLength"/>, plus one).</summary>
    public static readonly int Count = Index(MaxLength) + 1;

    /// <summary>The class of a request for <paramref name="size"/> floats (1 ≤ size ≤ <see cref="MaxLength"/>).</summary>
    public static int Index(int size)
    {
        if (size <= 8) return size - 1;
        // size − 1 = q·2^e with q in 4..7 (its three leading bits); the class is the next multiple of 2^e.
        int e = 29 - int.LeadingZeroCount(size - 1);
        int q = (size - 1) >> e;
        return 8 + 4 * (e - 1) + (q - 4);
    }

    /// <summary>The array length of class <paramref name="index"/>: the longest request it serves.</summary>
    public static int Length(int index)
    {
        if (index < 8) return index + 1;
        int e = (index - 8) / 4 + 1, m = (index - 8) % 4 + 5;
        return m << e;
    }
}
