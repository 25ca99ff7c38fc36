using System.Diagnostics;

namespace Demo;

/// <summary>
/// Peak memory of a run, for the tour summary and the --json figures: the managed heap (bytes allocated and not yet
/// collected, <see cref="GC.GetTotalMemory"/>) and the resident set (<see cref="Environment.WorkingSet"/>), sampled
/// every <see cref="IntervalMilliseconds"/> ms on a timer, for the whole run and since the last <see cref="Restart"/>
/// (a part of the tour); plus the process's own high-water mark (<see cref="Process.PeakWorkingSet64"/>, the
/// "maximum resident set size" GNU time reports), which no sampling can miss.
/// </summary>
internal sealed class MemoryMonitor : IDisposable
{
    /// <summary>Sampling period. A peak shorter than this can hide from the sampled figures, not from the process peak.</summary>
    public const int IntervalMilliseconds = 20;

    private readonly Lock _lock = new();
    private readonly Timer _timer;
    private long _runHeap, _runWorkingSet, _partHeap, _partWorkingSet;

    public MemoryMonitor()
    {
        Sample();
        _timer = new Timer(_ => Sample(), null, IntervalMilliseconds, IntervalMilliseconds);
    }

    /// <summary>The peaks of the whole run so far.</summary>
    public MemoryPeaks Run
    {
        get
        {
            Sample();
            lock (_lock) return new MemoryPeaks(_runHeap, _runWorkingSet, ProcessPeak());
        }
    }

    /// <summary>The peaks since the last restart (or the start), and a new start from now.</summary>
    public MemoryPeaks Restart()
    {
        Sample();
        lock (_lock)
        {
            var part = new MemoryPeaks(_partHeap, _partWorkingSet, ProcessPeak());
            _partHeap = GC.GetTotalMemory(false);
            _partWorkingSet = Environment.WorkingSet;
            return part;
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        long heap = GC.GetTotalMemory(false), workingSet = Environment.WorkingSet;
        lock (_lock)
        {
            _runHeap = Math.Max(_runHeap, heap);
            _partHeap = Math.Max(_partHeap, heap);
            _runWorkingSet = Math.Max(_runWorkingSet, workingSet);
            _partWorkingSet = Math.Max(_partWorkingSet, workingSet);
        }
    }

    private static long ProcessPeak()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }
}

/// <summary>Peak managed heap and resident set (sampled), and the process's resident high-water mark, in bytes.</summary>
internal sealed record MemoryPeaks(long ManagedHeapBytes, long WorkingSetBytes, long ProcessPeakBytes)
{
    /// <summary>The figures under the names --json gives them.</summary>
    public Dictionary<string, object> ToResults() => new()
    {
        ["peak_managed_heap_bytes"] = ManagedHeapBytes,
        ["peak_working_set_bytes"] = WorkingSetBytes,
        ["process_peak_working_set_bytes"] = ProcessPeakBytes,
    };

    /// <summary>Bytes as MiB with one decimal, for tables.</summary>
    public static string Mib(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
}
