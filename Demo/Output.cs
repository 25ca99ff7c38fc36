using System.Diagnostics;
using Engine.Training;
using Spectre.Console;

namespace Demo;

/// <summary>
/// Console output that suits where it goes: on a terminal, a Spectre.Console progress line while training or during
/// any long step, and tables drawn as tables; when redirected, plain lines (logs, tests and CI read them), with a
/// "still running" line every <see cref="Heartbeat"/> of a long step.
/// </summary>
internal sealed class Output(Action<string>? onHeading = null, TextWriter? writer = null) : IDisposable
{
    /// <summary>How often a long step says it is still running when the output is redirected.</summary>
    public const int HeartbeatSeconds = 15;

    // A writer given by the caller (tests) is never a terminal.
    private readonly bool _interactive = writer is null && !Console.IsOutputRedirected;
    private readonly TextWriter _out = writer ?? Console.Out;
    private readonly object _write = new();
    private TrainingProgress? _progress;
    private EtaEstimator _eta = new();
    private Stopwatch _runClock = new();

    /// <summary>The interval of the "still running" lines of <see cref="Step"/> when redirected.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(HeartbeatSeconds);

    /// <summary>The last batch reported by any trainer: where a run was when it was interrupted.</summary>
    public BatchReport? LastBatch { get; private set; }

    public void Line(string text)
    {
        EndProgress();
        lock (_write) _out.WriteLine(text);
    }

    /// <summary>A heading; it also starts a new section of the report.</summary>
    public void Heading(string text)
    {
        Line($"\n== {text} ==");
        onHeading?.Invoke(text);
    }

    /// <summary>Progress after a batch: epoch, batch, loss, examples per second, time left (terminal only).</summary>
    public void Batch(BatchReport r, int epochs)
    {
        // A batch that does not follow the last one begins a new training run (or a resumed one): new pace.
        bool continues = LastBatch is { } last && (r.Epoch == last.Epoch && r.Batch == last.Batch + 1
            || r.Epoch == last.Epoch + 1 && r.Batch == 0);
        if (!continues)
        {
            _eta = new EtaEstimator();
            _runClock = Stopwatch.StartNew();
        }
        LastBatch = r;
        int done = r.Batch + 1;
        long left = (long)Math.Max(0, epochs - r.Epoch - 1) * r.BatchCount + (r.BatchCount - done);
        var eta = _eta.Observe(_runClock.Elapsed.TotalSeconds, left);
        if (!_interactive) return;
        _progress ??= TrainingProgress.Start();
        _progress.Update($"epoch {r.Epoch + 1}/{epochs}  batch {done}/{r.BatchCount}  loss {r.Loss:F5}  {r.ExamplesPerSecond:N0} ex/s  "
            + (eta is { } t ? $"{EtaEstimator.Format(t)} left" : "estimating time left"), done, r.BatchCount);
    }

    /// <summary>
    /// A step that may take more than a couple of seconds and has no batches to count (a PCA fit, a classifier, a
    /// tf-idf fit): a spinner with the elapsed time on a terminal, a line every <see cref="Heartbeat"/> when
    /// redirected. Dispose it when the step is done.
    /// </summary>
    public IDisposable Step(string what)
    {
        EndProgress();
        if (_interactive)
        {
            var step = TrainingProgress.Step(what);
            _progress = step;
            // Any output in between ends the line already; end it here only if it is still this step's.
            return new Ending(() =>
            {
                if (ReferenceEquals(_progress, step)) EndProgress();
            });
        }
        var clock = Stopwatch.StartNew();
        var timer = new Timer(_ =>
        {
            lock (_write) _out.WriteLine($"  ... {what}: still running after {EtaEstimator.Format(clock.Elapsed)}");
        }, null, Heartbeat, Heartbeat);
        return new Ending(() => timer.Dispose());
    }

    public void Epoch(EpochReport r, int epochs)
    {
        string parts = string.Join(" ", r.TrainParts.Select(p => $"{p.Key} {p.Value:F5}"));
        string validation = r.ValidationLoss is float v ? $"  validation {v:F5}" : "";
        // An epoch cut short by Ctrl+C is reported too (its loss is the mean over the batches that ran): say so.
        string partial = LastBatch is { } b && b.Epoch == r.Epoch && b.Batch + 1 < b.BatchCount
            ? $"  (partial: {b.Batch + 1} of {b.BatchCount} batches, interrupted)"
            : "";
        Line($"  epoch {r.Epoch + 1,3}/{epochs}  train {r.TrainLoss:F5}{validation}  [{parts}]  {r.Seconds:F1} s{partial}");
    }

    /// <summary>A results table: drawn by Spectre.Console on a terminal, markdown lines otherwise.</summary>
    public void Table(string title, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        EndProgress();
        if (!_interactive)
        {
            lock (_write)
            {
                if (title.Length > 0) _out.WriteLine(title);
                _out.WriteLine("| " + string.Join(" | ", headers) + " |");
                _out.WriteLine("|" + string.Concat(headers.Select(_ => "---|")));
                foreach (var row in rows) _out.WriteLine("| " + string.Join(" | ", row) + " |");
            }
            return;
        }
        var table = new Spectre.Console.Table().RoundedBorder();
        if (title.Length > 0) table.Title = new TableTitle(Markup.Escape(title));
        foreach (string h in headers) table.AddColumn(new TableColumn(Markup.Escape(h)));
        foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
    }

    /// <summary>
    /// Markdown as the commands write it for docs/results.md: as it is when redirected; on a terminal its tables
    /// are drawn as tables and the rest printed as lines.
    /// </summary>
    public void Markdown(string markdown)
    {
        if (!_interactive)
        {
            Line(markdown);
            return;
        }
        var parsed = new Demo.Report.RunReport("console");
        parsed.Markdown(markdown);
        foreach (object item in parsed.Current.Items)
        {
            if (item is Demo.Report.Table t) Table("", t.Headers, t.Rows);
            else if (item is Demo.Report.Paragraph p) Line(p.Item is int level ? new string(' ', 2 * level) + "- " + p.Text : p.Text);
        }
    }

    public void Dispose() => EndProgress();

    private void EndProgress()
    {
        _progress?.Dispose();
        _progress = null;
    }

    private sealed class Ending(Action end) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0) end();
        }
    }
}
