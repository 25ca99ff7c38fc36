using System.Diagnostics;
using Engine.Training;

namespace Demo;

/// <summary>
/// Console output that suits where it goes: a live status line on a terminal, plain lines when redirected
/// (so logs and CI stay readable).
/// </summary>
internal sealed class Output
{
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private readonly Stopwatch _sinceStatus = Stopwatch.StartNew();
    private bool _statusShown;

    public void Line(string text)
    {
        ClearStatus();
        Console.WriteLine(text);
    }

    public void Heading(string text) => Line($"\n== {text} ==");

    /// <summary>A progress line for a batch: epoch, batch, loss, examples per second, time left in the epoch.</summary>
    public void Batch(BatchReport r, int epochs)
    {
        if (!_interactive || _sinceStatus.ElapsedMilliseconds < 100) return;
        _sinceStatus.Restart();
        int done = r.Batch + 1;
        int width = 24, filled = (int)(width * (double)done / r.BatchCount);
        string bar = new string('#', filled) + new string('.', width - filled);
        Console.Write($"\r  epoch {r.Epoch + 1}/{epochs} [{bar}] {done}/{r.BatchCount} loss {r.Loss:F5} {r.ExamplesPerSecond,8:N0} ex/s ");
        _statusShown = true;
    }

    public void Epoch(EpochReport r, int epochs)
    {
        string parts = string.Join(" ", r.TrainParts.Select(p => $"{p.Key} {p.Value:F5}"));
        string validation = r.ValidationLoss is float v ? $"  validation {v:F5}" : "";
        Line($"  epoch {r.Epoch + 1,3}/{epochs}  train {r.TrainLoss:F5}{validation}  [{parts}]  {r.Seconds:F1} s");
    }

    private void ClearStatus()
    {
        if (!_statusShown) return;
        Console.Write("\r" + new string(' ', Math.Max(0, Console.WindowWidth - 1)) + "\r");
        _statusShown = false;
    }
}
