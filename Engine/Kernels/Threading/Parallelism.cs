namespace Engine.Kernels;

/// <summary>
/// The one process-wide knob for how many threads kernels may use. Results never depend on it:
/// every kernel splits work so that each output element is summed in the same order for any thread count.
/// </summary>
public static class Parallelism
{
    private static int _maxThreads = Environment.ProcessorCount;

    /// <summary>Upper bound on the threads a kernel uses (default: the machine's processor count).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxThreads
    {
        get => _maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxThreads = value;
        }
    }
}
