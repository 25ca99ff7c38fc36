namespace Engine.Kernels;

/// <summary>
/// Runs independent work items on up to <see cref="Parallelism.MaxThreads"/> threads. Callers give every
/// item its own output region, so the result never depends on the thread count or on scheduling.
/// </summary>
internal static class ParallelRange
{
    /// <summary>Calls <paramref name="body"/> for every item in [0, count), in parallel when it pays.</summary>
    public static void For(int count, Action<int> body)
    {
        int threads = Math.Min(Parallelism.MaxThreads, count);
        if (threads <= 1)
        {
            for (int i = 0; i < count; i++)
                body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
    }
}
