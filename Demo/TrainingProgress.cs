using Spectre.Console;

namespace Demo;

/// <summary>
/// A Spectre.Console progress line, live on a background thread until disposed: the batches of a training run
/// (<see cref="Update"/>, the time left from <see cref="EtaEstimator"/>) or a long step without batches — a PCA fit, a classifier — with the time it has taken so
/// far (<see cref="Step"/>). The trainer thread only sets the task's value and description (both thread-safe in
/// Spectre); the line clears itself when the next console output is printed.
/// </summary>
internal sealed class TrainingProgress : IDisposable
{
    private readonly ManualResetEventSlim _ready = new(), _done = new();
    private readonly Task _renderer;
    private ProgressTask? _task;

    private TrainingProgress(string description, bool indeterminate)
    {
        _renderer = Task.Run(() => AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(indeterminate
                ? [new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ElapsedTimeColumn()]
                : [new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn()])
            .Start(context =>
            {
                _task = context.AddTask(Markup.Escape(description), maxValue: 1);
                _task.IsIndeterminate = indeterminate;
                _ready.Set();
                _done.Wait();
                context.Refresh();
            }));
    }

    /// <summary>A progress bar for the batches of a training run.</summary>
    public static TrainingProgress Start() => Begin(new TrainingProgress("training", indeterminate: false));

    /// <summary>A spinner with the elapsed time for a step without batches.</summary>
    public static TrainingProgress Step(string what) => Begin(new TrainingProgress(what, indeterminate: true));

    private static TrainingProgress Begin(TrainingProgress progress)
    {
        // If the renderer cannot start (no terminal after all), carry on without a bar.
        progress._ready.Wait(TimeSpan.FromSeconds(2));
        return progress;
    }

    /// <summary>Shows <paramref name="done"/> of <paramref name="total"/> and the description.</summary>
    public void Update(string description, int done, int total)
    {
        if (_task is null) return;
        _task.MaxValue = total;
        _task.Value = done;
        _task.Description = Markup.Escape(description);
    }

    public void Dispose()
    {
        _done.Set();
        _renderer.Wait();
        _ready.Dispose();
        _done.Dispose();
    }
}
