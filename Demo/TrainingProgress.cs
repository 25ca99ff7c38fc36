using System.Diagnostics;
using Engine.Training;
using Spectre.Console;

namespace Demo;

/// <summary>
/// A Spectre.Console progress bar for one training run, live on a background thread until disposed. The trainer
/// thread only sets the task's value and description (both thread-safe in Spectre); the bar clears itself when
/// the run's epoch line or any other output is printed.
/// </summary>
internal sealed class TrainingProgress : IDisposable
{
    private readonly ManualResetEventSlim _ready = new(), _done = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _renderer;
    private ProgressTask? _task;
    private long _batches;

    private TrainingProgress()
    {
        _renderer = Task.Run(() => AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .Start(context =>
            {
                _task = context.AddTask("training", maxValue: 1);
                _ready.Set();
                _done.Wait();
                context.Refresh();
            }));
    }

    public static TrainingProgress Start()
    {
        var progress = new TrainingProgress();
        // If the renderer cannot start (no terminal after all), carry on without a bar.
        progress._ready.Wait(TimeSpan.FromSeconds(2));
        return progress;
    }

    public void Update(BatchReport r, int epochs)
    {
        if (_task is null) return;
        _batches++;
        int done = r.Batch + 1;
        long left = (long)Math.Max(0, epochs - r.Epoch - 1) * r.BatchCount + (r.BatchCount - done);
        double secondsLeft = left * _clock.Elapsed.TotalSeconds / _batches;
        _task.MaxValue = r.BatchCount;
        _task.Value = done;
        _task.Description = Markup.Escape(
            $"epoch {r.Epoch + 1}/{epochs}  batch {done}/{r.BatchCount}  loss {r.Loss:F5}  {r.ExamplesPerSecond:N0} ex/s  "
            + $"{TimeSpan.FromSeconds(Math.Round(secondsLeft)):mm\\:ss} left");
    }

    public void Dispose()
    {
        _done.Set();
        _renderer.Wait();
        _ready.Dispose();
        _done.Dispose();
    }
}
