using System.CommandLine;
using Engine.Kernels;

namespace Demo;

/// <summary>
/// Runs a command body with the shared set-up (threads, output folder, Ctrl+C) and turns errors into one line.
/// Every run that finishes, or is interrupted, writes OUT/report.html.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Exit code of a run stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    public static Task<int> RunAsync(ParseResult parse, CommonOptions options, CancellationToken token,
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
            if (context.Threads is int threads)
            {
                if (threads < 1) throw new ArgumentException($"--threads must be at least 1, got {threads}.");
                Parallelism.MaxThreads = threads;
            }
            body(context);
            context.Results["memory"] = context.Memory.Run.ToResults();
            if (interrupt.IsCancellationRequested) context.Out.Line(Where(context));
            context.WriteReport();
            context.WriteJson();
            return Task.FromResult(interrupt.IsCancellationRequested ? Interrupted : 0);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException
                                      or UnauthorizedAccessException or InvalidOperationException
                                      or Engine.Training.TrainingDivergedException)
        {
            context?.Out.Dispose();
            Console.Error.WriteLine($"error: {e.Message}");
            return Task.FromResult(1);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            context?.Out.Dispose();
            context?.Memory.Dispose();
        }
    }

    private static string Where(RunContext context) => context.Out.LastBatch is { } b
        ? $"interrupted (Ctrl+C) after epoch {b.Epoch + 1}, batch {b.Batch + 1}/{b.BatchCount} of the last training run; "
          + "the report holds what was finished."
        : "interrupted (Ctrl+C); the report holds what was finished.";
}
