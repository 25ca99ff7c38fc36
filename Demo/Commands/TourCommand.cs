using System.CommandLine;

namespace Demo.Commands;

/// <summary>`tour` (and no command at all): a guided run through the project on the data that ships with it.</summary>
internal static class TourCommand
{
    public static Command Create(CommonOptions options)
    {
        var command = new Command("tour", "A guided tour of the whole project on the embedded data (a few minutes on 2 cores).");
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, Run));
        return command;
    }

    public static void Run(RunContext context)
    {
        context.Out.Line("Autoencoders from scratch: a guided tour on the data that ships with the repository.");
        context.PreferEmbedded = true;
        DenseCommands.Run(context, "ae", Engine.Models.DenseAutoencoderOptions.Reference(context.Latent ?? 32));
    }
}
