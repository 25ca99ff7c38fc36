using System.CommandLine;
using System.Globalization;
using Engine.Models;
using Engine.Persistence;

namespace Demo.Commands;

/// <summary>
/// `checkpoint-stress --path FILE` (hidden, for Engine.Tests' crash test): saves a checkpoint to FILE over and
/// over until killed. Every save fills all weights with one value and records it in the metadata, so a reader
/// can tell a consistent file from a mix of two saves.
/// </summary>
internal static class CheckpointStressCommand
{
    public static Command Create()
    {
        var options = new Cli.CommandOptions { Seed = Cli.DemoOptions.Seed(), Threads = Cli.DemoOptions.Threads() };
        var path = new Option<string>("--path") { Description = "Checkpoint file to rewrite.", Required = true };
        var command = options.AddTo(new Command("checkpoint-stress", "Rewrite a checkpoint in a loop until killed (crash test).")
        {
            Hidden = true,
        });
        command.Options.Add(path);
        command.SetAction((parse, token) =>
            CommandRunner.RunAsync(parse, options, token, context => Run(context, parse.GetValue(path)!)));
        return command;
    }

    private static void Run(RunContext context, string path)
    {
        // 784-128-32-128-784: a 0.85 MB file; the flush to disk takes most of each save, so kills land mid-write.
        var model = new DenseAutoencoder(new DenseAutoencoderOptions(784, [128], 32), new Random(context.Seed));
        Console.WriteLine("ready");
        for (long iteration = 1; !context.Cancellation.IsCancellationRequested; iteration++)
        {
            float value = iteration % 1000 * 1e-3f;
            foreach (var (_, tensor) in model.StateDict()) tensor.Span.Fill(value);
            Checkpoint.Save(model, path, new Dictionary<string, string>
            {
                ["iteration"] = iteration.ToString(CultureInfo.InvariantCulture),
                ["value"] = value.ToString("R", CultureInfo.InvariantCulture),
            });
            Console.WriteLine($"saved {iteration}");
        }
    }
}
