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
    /// <summary>Calls <paramref name="body"/> for every item in [0, count), in parallel when there are two or more.</summary>
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

    // Below this much work (roughly floating-point operations) waking a worker costs more than it saves.
    private const long ChunkThreshold = 1L << 16;

    /// <summary>
    /// Calls <paramref name="body"/>(start, end) over contiguous ranges covering [0, <paramref name="count"/>), one
    /// per thread, or once over all of them when the work is too small for threads to pay. For items (rows, heads,
    /// fixed-size element blocks) that are cheap one by one: the body loops over its range itself. Each item is
    /// computed by exactly one call, so results do not depend on the thread count as long as the body treats every
    /// item the same way wherever its range starts.
    /// </summary>
    /// <param name="count">Number of items.</param>
    /// <param name="workPerItem">Approximate operations per item, to decide whether threads pay.</param>
    /// <param name="body">Processes items [start, end).</param>
    public static void Chunks(int count, long workPerItem, Action<int, int> body)
    {
        int tasks = Math.Min(Math.Min(Parallelism.MaxThreads, WorkerPool.MaxParallelism), count);
        if (tasks <= 1 || count * workPerItem < ChunkThreshold)
        {
            if (count > 0) body(0, count);
            return;
        }
        WorkerPool.Run(tasks, new ChunkJob(body, count, tasks));
    }

    // One task's share of Chunks, as an IWorkerTask (no closure per call).
    private sealed class ChunkJob(Action<int, int> body, int count, int tasks) : IWorkerTask
    {
        public void Execute(int index)
        {
            var (first, last) = Split(count, tasks, index);
            body(first, last);
        }
    }

    /// <summary>
    /// The contiguous share [first, last) of <paramref name="count"/> items that task <paramref name="task"/> of
    /// <paramref name="tasks"/> owns: the static split every parallel kernel uses, so each item has one owner.
    /// </summary>
    public static (int First, int Last) Split(int count, int tasks, int task) =>
        ((int)((long)count * task / tasks), (int)((long)count * (task + 1) / tasks));
}
