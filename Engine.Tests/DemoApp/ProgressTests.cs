using Demo;

namespace Engine.Tests.DemoApp;

/// <summary>
/// Time left is estimated from the pace after the warm-up (JIT, caches) and shown with hours when a run is long; a
/// long step without batches says it is still running.
/// </summary>
[Trait("Layer", "DemoApp")]
public sealed class ProgressTests
{
    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(59.4, "0:59")]
    [InlineData(35 * 60 + 26, "35:26")]
    [InlineData(61 * 60, "1:01:00")]
    [InlineData(10 * 3600 + 5, "10:00:05")]
    public void Format_ShowsHoursFromAnHourOn(double seconds, string expected) =>
        Assert.Equal(expected, EtaEstimator.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Estimate_IgnoresTheWarmUp_AndFollowsTheSteadyPace()
    {
        // 1,000 batches: the first three take 2 s each (JIT), then 0.1 s each.
        var eta = new EtaEstimator();
        double clock = 0;
        TimeSpan? last = null;
        for (int batch = 1; batch <= 100; batch++)
        {
            clock += batch <= 3 ? 2.0 : 0.1;
            last = eta.Observe(clock, 1000 - batch);
            if (batch <= EtaEstimator.WarmupBatches) Assert.Null(last); // no estimate from warm-up batches alone
        }
        // 900 batches left at 0.1 s: 90 s. Timing from the start would say (15.7 s / 100) × 900 = 141 s.
        Assert.NotNull(last);
        Assert.InRange(last!.Value.TotalSeconds, 89, 91);
    }

    [Fact]
    public void Estimate_WaitsForTheWarmUpSeconds_WhenBatchesAreShort()
    {
        var eta = new EtaEstimator();
        TimeSpan? estimate = null;
        for (int batch = 1; batch <= 20; batch++) estimate = eta.Observe(batch * 0.01, 100);
        Assert.Null(estimate); // 0.2 s in: still inside the warm-up second
    }

    [Fact]
    public void Step_WhenRedirected_SaysItIsStillRunning()
    {
        var writer = new StringWriter();
        using (var output = new Output(writer: writer) { Heartbeat = TimeSpan.FromMilliseconds(40) })
        using (output.Step("fitting a slow classifier"))
            Thread.Sleep(300);
        Assert.Contains("... fitting a slow classifier: still running after", writer.ToString(), StringComparison.Ordinal);
    }
}
