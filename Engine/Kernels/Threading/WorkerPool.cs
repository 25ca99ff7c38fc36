using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Engine.Kernels;

/// <summary>One unit of parallel work: <see cref="Execute"/> runs once for every task index of a job.</summary>
internal interface IWorkerTask
{
    /// <summary>Runs task <paramref name="index"/> (0 ≤ index &lt; the job's task count).</summary>
    void Execute(int index);
}

/// <summary>
/// A persistent, low-latency pool of <c>ProcessorCount - 1</c> background threads for kernels (GEMM now,
/// conv and LSTM later). <see cref="Run(int, IWorkerTask)"/> hands out task indices 0..tasks-1 to the calling
/// thread and the workers, and returns when all have finished. Idle workers spin for a short while (so
/// back-to-back kernel calls start in well under a microsecond), then sleep on a monitor (so an idle pool does
/// not burn a core).
/// </summary>
/// <remarks>
/// Task indices are claimed with a compare-and-swap on one 64-bit word that holds the job generation, the task
/// count and the next index, so a worker that wakes late can never claim a task of a newer job with the fields
/// of an older one. Only one job runs at a time: a second concurrent or nested caller runs its tasks inline,
/// which is correct because kernels split work so that results never depend on who runs which task.
/// </remarks>
internal static class WorkerPool
{
    // How long an idle worker spins before it sleeps: long enough to bridge the gap between kernel calls
    // in a training step, short enough not to steal a core from an idle process for long.
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000;

    private static readonly object Gate = new();
    private static readonly object StartLock = new();
    private static Thread[]? _threads;

    // Job state. _state = generation (bits 32..63) | task count (bits 16..31) | next task index (bits 0..15).
    private static long _state;
    private static int _busy;
    private static int _remaining;
    private static int _sleepers;
    private static IWorkerTask? _task;
    private static Exception? _error;

    /// <summary>Threads a job can use at most: the workers plus the calling thread.</summary>
    public static int MaxParallelism => Environment.ProcessorCount;

    /// <summary>Runs <paramref name="task"/> for every index in 0..tasks-1 and waits for all of them.</summary>
    /// <remarks>Tasks may run in any order and on any thread; the caller runs some of them itself.</remarks>
    public static void Run(int tasks, IWorkerTask task)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tasks);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tasks, ushort.MaxValue);
        if (tasks <= 1 || MaxParallelism == 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int i = 0; i < tasks; i++)
                task.Execute(i);
            return;
        }
        try
        {
            EnsureStarted();
            _task = task;
            _error = null;
            Volatile.Write(ref _remaining, tasks);
            long generation = (Volatile.Read(ref _state) >> 32) + 1;
            // Publish: a full fence, then wake sleepers (they raised _sleepers with a full fence too, so either
            // they see the new generation or we see them).
            Interlocked.Exchange(ref _state, (generation << 32) | ((long)tasks << 16));
            if (Volatile.Read(ref _sleepers) > 0)
            {
                lock (Gate)
                    Monitor.PulseAll(Gate);
            }
            WorkOn(generation);
            var spinner = new SpinWait();
            while (Volatile.Read(ref _remaining) > 0)
                spinner.SpinOnce(sleep1Threshold: -1);
            _task = null;
            if (_error is { } error)
                ExceptionDispatchInfo.Throw(error);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Runs <paramref name="body"/> for every index in 0..tasks-1 (allocates a small adapter).</summary>
    public static void Run(int tasks, Action<int> body) => Run(tasks, new ActionTask(body));

    // Claims and runs tasks of job `generation` until none are left.
    private static void WorkOn(long generation)
    {
        while (true)
        {
            long state = Volatile.Read(ref _state);
            int next = (int)(state & 0xFFFF);
            int count = (int)((state >> 16) & 0xFFFF);
            if (state >> 32 != generation || next >= count)
                return;
            // Read the job before claiming: a successful claim proves the job was still running, so the
            // fields read here belong to it.
            var task = _task;
            if (Interlocked.CompareExchange(ref _state, state + 1, state) != state)
                continue;
            try
            {
                task!.Execute(next);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }
            Interlocked.Decrement(ref _remaining);
        }
    }

    private static void EnsureStarted()
    {
        if (Volatile.Read(ref _threads) is not null)
            return;
        lock (StartLock)
        {
            if (_threads is not null)
                return;
            var threads = new Thread[MaxParallelism - 1];
            for (int i = 0; i < threads.Length; i++)
            {
                threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"Engine.WorkerPool {i}" };
                threads[i].Start();
            }
            Volatile.Write(ref _threads, threads);
        }
    }

    private static void WorkerLoop()
    {
        // Start from generation 0, never from the current value: a worker that starts after the first job
        // was published must still see that job, or the caller would wait for it forever.
        long seen = 0;
        while (true)
        {
            long generation = WaitForJob(seen);
            WorkOn(generation);
            seen = generation;
        }
    }

    // Spins, then sleeps, until a job newer than `seen` is published; returns its generation.
    private static long WaitForJob(long seen)
    {
        long start = Stopwatch.GetTimestamp();
        var spinner = new SpinWait();
        while (true)
        {
            long generation = Volatile.Read(ref _state) >> 32;
            if (generation != seen)
                return generation;
            if (Stopwatch.GetTimestamp() - start < SpinTicks)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            lock (Gate)
            {
                Interlocked.Increment(ref _sleepers);
                while (Volatile.Read(ref _state) >> 32 == seen)
                    Monitor.Wait(Gate);
                Interlocked.Decrement(ref _sleepers);
            }
            start = Stopwatch.GetTimestamp();
        }
    }

    private sealed class ActionTask(Action<int> body) : IWorkerTask
    {
        public void Execute(int index) => body(index);
    }
}
