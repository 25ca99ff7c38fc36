namespace Engine.Kernels;

/// <summary>
/// Runs independent work items on up to <see cref="Parallelism.MaxThreads"/> threads. Callers give every
/// item its own output region, so the result never depends on the thread count or on scheduling.
/// </summary>
/// <remarks>
/// The items run on the kernels' own <see cref="WorkerPool"/>, split into one contiguous range per thread. (It used
/// <c>Parallel.For</c> before: the thread pool's workers then competed for the two cores with the kernel workers
/// still spinning after the previous GEMM, and a conv layer's 2-thread backward took 2.5x its 1-thread time.)
/// </remarks>
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
        WorkerPool.Run(threads, task =>
        {
            var (first, last) = Split(count, threads, task);
            for (int i = first; i < last; i++)
                body(i);
        });
    }

    /// <summary>
    /// The contiguous share [first, last) of <paramref name="count"/> items that task <paramref name="task"/> of
    /// <paramref name="tasks"/> owns: the static split every parallel kernel uses, so each item has one owner.
    /// </summary>
    public static (int First, int Last) Split(int count, int tasks, int task) =>
        ((int)((long)count * task / tasks), (int)((long)count * (task + 1) / tasks));
}
