using Engine.Kernels;

namespace Engine.Autodiff.Ops;

/// <summary>
/// Splits <c>count</c> independent items (rows, heads, fixed-size element blocks) into contiguous ranges and runs
/// them on the kernel worker pool. Each item is computed by exactly one call, so results do not depend on the
/// thread count as long as the body treats every item the same way wherever its range starts.
/// </summary>
internal static class ParallelChunks
{
    // Below this much work (roughly floating-point operations) waking a worker costs more than it saves.
    private const long Threshold = 1L << 16;

    /// <summary>Calls <paramref name="body"/>(start, end) over ranges covering [0, count).</summary>
    /// <param name="count">Number of items.</param>
    /// <param name="workPerItem">Approximate operations per item, to decide whether threads pay.</param>
    /// <param name="body">Processes items [start, end).</param>
    public static void Run(int count, long workPerItem, Action<int, int> body)
    {
        int tasks = Math.Min(Math.Min(Parallelism.MaxThreads, WorkerPool.MaxParallelism), count);
        if (tasks <= 1 || count * workPerItem < Threshold)
        {
            if (count > 0) body(0, count);
            return;
        }
        WorkerPool.Run(tasks, new Job(body, count, tasks));
    }

    private sealed class Job(Action<int, int> body, int count, int tasks) : IWorkerTask
    {
        public void Execute(int index) =>
            body((int)((long)count * index / tasks), (int)((long)count * (index + 1) / tasks));
    }
}
