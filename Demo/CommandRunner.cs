using System.CommandLine;
using Engine.Kernels;

namespace Demo;

/// <summary>Runs a command body with the shared set-up (threads, output folder) and turns errors into one line.</summary>
internal static class CommandRunner
{
    public static Task<int> RunAsync(ParseResult parse, CommonOptions options, CancellationToken token,
        Action<RunContext> body)
    {
        try
        {
            var context = new RunContext(parse, options, token);
            if (context.Threads is int threads)
            {
                if (threads < 1) throw new ArgumentException($"--threads must be at least 1, got {threads}.");
                Parallelism.MaxThreads = threads;
            }
            body(context);
            context.WriteJson();
            return Task.FromResult(token.IsCancellationRequested ? 130 : 0);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException
                                      or UnauthorizedAccessException or InvalidOperationException
                                      or Engine.Training.TrainingDivergedException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Task.FromResult(1);
        }
    }
}
