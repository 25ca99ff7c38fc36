using System.CommandLine;
using Demo.Cli;
using Engine.Kernels;

namespace Demo;

/// <summary>
/// Runs a command body with the shared set-up (threads, output folder, Ctrl+C) and turns errors into one line.
/// Every run that finishes, or is interrupted, writes OUT/report.html; an interrupted one says so there, on the
/// console and in --json.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Exit code of a run stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    public static Task<int> RunAsync(ParseResult parse, CommandOptions options, CancellationToken token,
        Action<RunContext> body)
    {
        // The first Ctrl+C asks the trainers to stop after the current batch; a second one ends the process.
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(token);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (interrupt.IsCancellationRequested) return;
            e.Cancel = true;
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        RunContext? context = null;
        try
        {
            context = new RunContext(parse, options, interrupt.Token);
            if (context.Threads is int threads) Parallelism.MaxThreads = threads;
            if (options.ResumesRuns) context.Journal = RunJournal.Open(context, context.CommandName);
            body(context);
            context.Results["memory"] = context.Memory.Run.ToResults();
            if (interrupt.IsCancellationRequested) Report(context, parse);
            else context.Journal?.Complete();
            context.WriteReport();
            context.WriteJson();
            return Task.FromResult(interrupt.IsCancellationRequested ? Interrupted : 0);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException
                                      or UnauthorizedAccessException or InvalidOperationException
                                      or Engine.Training.TrainingDivergedException)
        {
            context?.Out.Dispose();
            parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
            return Task.FromResult(1);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            context?.Out.Dispose();
            context?.Memory.Dispose();
        }
    }

    // Says what was cut short, on the console, at the top of the report and in --json.
    private static void Report(RunContext context, ParseResult parse)
    {
        if (context.Interruptions.Count == 0 && context.Out.LastBatch is { } b)
            context.Interruptions.Add(new Interruption("the last training run", b.Epoch, b.Batch + 1, b.BatchCount, null));
        string what = context.Interruptions.Count == 0
            ? "Interrupted (Ctrl+C) before any training step; the report holds what was finished."
            : string.Join(" ", context.Interruptions.Select(i =>
                $"Interrupted (Ctrl+C): {i.What} stopped in epoch {i.Epoch + 1} after batch {i.Batch} of {i.BatchCount}"
                + (i.Batch < i.BatchCount ? " (a partial epoch)" : "") + "."
                + (i.Checkpoint is null ? ""
                    : context.CanResume ? $" Its state is in {i.Checkpoint}: continue with `{Resume(parse, i.Checkpoint)}`."
                    : $" Its last state is in {i.Checkpoint}.")))
              + " Figures below describe the model as it was when stopped.";
        if (context.NotTrained.Count > 0)
            what += $" Not trained after the interruption (their figures are of untrained models): {string.Join("; ", context.NotTrained)}.";
        context.Out.Line(what);
        context.Report.Notices.Add(what);
        context.Results["interrupted"] = true;
        context.Results["interruptions"] = context.Interruptions.Select(i => new Dictionary<string, object?>
        {
            ["what"] = i.What, ["epoch"] = i.Epoch + 1, ["batch"] = i.Batch, ["batch_count"] = i.BatchCount,
            ["partial_epoch"] = i.Batch < i.BatchCount, ["checkpoint"] = i.Checkpoint,
        }).ToList();
        if (context.NotTrained.Count > 0) context.Results["not_trained"] = context.NotTrained.ToList();
    }

    // The command line that continues an interrupted run: the same command and options, --resume instead of --load.
    private static string Resume(ParseResult parse, string checkpoint)
    {
        var tokens = parse.Tokens.Select(t => t.Value).ToList();
        for (int i = tokens.Count - 1; i >= 0; i--)
        {
            if (tokens[i] is "--resume" or "--load" && i + 1 < tokens.Count) tokens.RemoveRange(i, 2);
        }
        return "Demo " + string.Join(' ', tokens.Select(t => t.Contains(' ') ? $"\"{t}\"" : t)) + $" --resume {checkpoint}";
    }
}
