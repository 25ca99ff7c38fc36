using Engine.Kernels;

namespace Engine.Tests.Kernels;

[Trait("Layer", "Kernels")]
public sealed class WorkerPoolTests
{
    [Fact]
    public void Run_ManyJobs_RunsEveryTaskExactlyOnce()
    {
        for (int job = 0; job < 2000; job++)
        {
            int tasks = 1 + job % 7;
            var counts = new int[tasks];
            WorkerPool.Run(tasks, i => Interlocked.Increment(ref counts[i]));
            Assert.All(counts, count => Assert.Equal(1, count));
        }
    }

    [Fact]
    public void Run_TaskThrows_RethrowsOnCaller()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            WorkerPool.Run(4, i => throw new InvalidOperationException($"task {i}")));
        Assert.StartsWith("task ", e.Message);
        int ran = 0;
        WorkerPool.Run(4, _ => Interlocked.Increment(ref ran));
        Assert.Equal(4, ran);
    }

    [Fact]
    public void Run_Nested_RunsInnerJobInline()
    {
        var counts = new int[3 * 5];
        WorkerPool.Run(3, outer => WorkerPool.Run(5, inner => Interlocked.Increment(ref counts[outer * 5 + inner])));
        Assert.All(counts, count => Assert.Equal(1, count));
    }
}
