using Engine.Training;
using Spectre.Console;

namespace Demo;

/// <summary>
/// Console output that suits where it goes: on a terminal, a Spectre.Console progress bar while training and
/// tables drawn as tables; when redirected, plain lines (logs, tests and CI read them).
/// </summary>
internal sealed class Output(Action<string>? onHeading = null) : IDisposable
{
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private TrainingProgress? _progress;

    /// <summary>The last batch reported by any trainer: where a run was when it was interrupted.</summary>
    public BatchReport? LastBatch { get; private set; }

    public void Line(string text)
    {
        EndProgress();
        Console.WriteLine(text);
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
        LastBatch = r;
        if (!_interactive) return;
        _progress ??= TrainingProgress.Start();
        _progress.Update(r, epochs);
    }

    public void Epoch(EpochReport r, int epochs)
    {
        string parts = string.Join(" ", r.TrainParts.Select(p => $"{p.Key} {p.Value:F5}"));
        string validation = r.ValidationLoss is float v ? $"  validation {v:F5}" : "";
        Line($"  epoch {r.Epoch + 1,3}/{epochs}  train {r.TrainLoss:F5}{validation}  [{parts}]  {r.Seconds:F1} s");
    }

    /// <summary>A results table: drawn by Spectre.Console on a terminal, markdown lines otherwise.</summary>
    public void Table(string title, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        EndProgress();
        if (!_interactive)
        {
            if (title.Length > 0) Console.WriteLine(title);
            Console.WriteLine("| " + string.Join(" | ", headers) + " |");
            Console.WriteLine("|" + string.Concat(headers.Select(_ => "---|")));
            foreach (var row in rows) Console.WriteLine("| " + string.Join(" | ", row) + " |");
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
}
