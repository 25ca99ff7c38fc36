using System.Text.RegularExpressions;

namespace Engine.Tests.Testing;

/// <summary>
/// The contract every file reader keeps on broken or malicious bytes: it either loads, or throws
/// <see cref="InvalidDataException"/> / <see cref="FormatException"/> whose message names the source and a
/// position (a line or a byte offset). Anything else (IndexOutOfRange, NullReference, OutOfMemory, an allocation
/// beyond the budget, a run over the time limit) fails the test.
/// </summary>
internal static partial class HostileInput
{
    /// <summary>Longest a single read of a small hostile file may take before it counts as a hang.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(20);

    /// <summary>Default allocation budget: a fixed 8 MiB (parser buffers) plus 64 bytes per input byte.</summary>
    public static long Budget(long inputLength) => (8L << 20) + 64 * inputLength;

    /// <summary>
    /// Runs <paramref name="read"/> on a worker thread and returns its result, or null and the exception when
    /// it rejected the input as the contract allows.
    /// </summary>
    /// <param name="read">Reads the input.</param>
    /// <param name="source">The name the reader was given; every message must contain it.</param>
    /// <param name="allocationBudget">Bytes the reading thread may allocate.</param>
    /// <param name="needPosition">Whether the message must also name a line or byte offset.</param>
    public static (T? Result, Exception? Error) Run<T>(Func<T> read, string source, long allocationBudget,
        bool needPosition = true) where T : class
    {
        long allocated = 0;
        var task = Task.Factory.StartNew(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                return read();
            }
            finally
            {
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        // wait on a continuation: Wait on the task itself would rethrow its exception
        Assert.True(task.ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeLimit),
            $"reading {source} did not finish within {TimeLimit}");
        Assert.True(allocated < allocationBudget,
            $"reading {source} allocated {allocated} bytes (budget {allocationBudget})");
        if (task.IsCompletedSuccessfully)
            return (task.Result, null);
        var error = task.Exception!.InnerException!;
        Assert.True(error is InvalidDataException or FormatException,
            $"reading {source} threw {error.GetType().Name}, not InvalidDataException/FormatException: {error}");
        Assert.True(error.Message.Contains(source, StringComparison.Ordinal),
            $"the message does not name {source}: {error.Message}");
        if (needPosition)
            Assert.True(NamesPosition(error.Message, source), $"the message names no line or byte offset: {error.Message}");
        return (null, error);
    }

    /// <summary>
    /// "line 12", "byte offset 40", "byte 40", the compiler-style "file:12:", or for the parts of a structured file
    /// the entry: "metadata 'config'" (with the field), "tensor 'encoder.0.weight'".
    /// </summary>
    public static bool NamesPosition(string message, string source) =>
        Position().IsMatch(message) || message.Contains(source + ":", StringComparison.Ordinal)
        && Regex.IsMatch(message, Regex.Escape(source) + @":\d+:");

    [GeneratedRegex(@"\b(line \d+|byte (offset )?\d+)|\b(metadata|tensor) '[^']+'")]
    private static partial Regex Position();

    /// <summary>
    /// As <see cref="Run{T}"/> for a reader that takes a path: writes <paramref name="bytes"/> to a fresh file in
    /// <paramref name="directory"/>, reads it (the path is the source every message must name) and deletes it.
    /// </summary>
    public static (T? Result, Exception? Error) RunFile<T>(string directory, byte[] bytes, string extension,
        Func<string, T> read, bool needPosition = true) where T : class
    {
        string path = WriteTemp(directory, bytes, extension);
        try
        {
            return Run(() => read(path), path, Budget(bytes.Length), needPosition);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Reads every proper prefix of <paramref name="valid"/> with <paramref name="read"/> (which checks the
    /// contract) and returns how many loaded and how many were rejected.
    /// </summary>
    public static (int Loaded, int Rejected) EveryTruncation<T>(byte[] valid, Func<byte[], (T? Result, Exception? Error)> read)
        where T : class
    {
        int loaded = 0, rejected = 0;
        for (int cut = 0; cut < valid.Length; cut++)
        {
            if (read(valid[..cut]).Error is null)
                loaded++;
            else
                rejected++;
        }
        return (loaded, rejected);
    }

    /// <summary>Writes <paramref name="bytes"/> to a fresh file in <paramref name="directory"/> and returns its path.</summary>
    public static string WriteTemp(string directory, byte[] bytes, string extension)
    {
        string path = Path.Combine(directory, $"{Guid.NewGuid():N}{extension}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A copy of <paramref name="bytes"/> with one byte xor-ed by a non-zero mask and another by mask &gt;&gt; 1.</summary>
    public static byte[] Flip(byte[] bytes, int position, byte mask, int second)
    {
        byte[] copy = (byte[])bytes.Clone();
        copy[position % copy.Length] ^= mask == 0 ? (byte)1 : mask;
        copy[second % copy.Length] ^= (byte)(mask >> 1);
        return copy;
    }
}
