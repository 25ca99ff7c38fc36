using System.Runtime.InteropServices;

namespace Engine.Bench.Quick;

/// <summary>
/// The CPU time this process has consumed, in nanoseconds (Linux clock_gettime(CLOCK_PROCESS_CPUTIME_ID)).
/// On a shared, oversubscribed machine it measures the work a call needs, not how long the scheduler let it
/// wait; meaningful for one-thread runs only (it sums all threads, spinning included).
/// </summary>
public static partial class CpuClock
{
    private const int ProcessCpuTimeId = 2;

    /// <summary>Process CPU time in nanoseconds.</summary>
    public static long Nanoseconds()
    {
        if (ClockGetTime(ProcessCpuTimeId, out var time) != 0)
            throw new InvalidOperationException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed.");
        return time.Seconds * 1_000_000_000 + time.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
