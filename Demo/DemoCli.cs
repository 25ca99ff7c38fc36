using System.CommandLine;
using Demo.Commands;

namespace Demo;

/// <summary>Builds the command line: common options shared by every command, and one subcommand per idea.</summary>
internal static class DemoCli
{
    public static RootCommand Build()
    {
        var options = new CommonOptions();
        var root = new RootCommand("Autoencoders from scratch in C#: every idea of the project on real data.");
        options.AddTo(root);
        var tour = TourCommand.Create(options);
        root.Add(tour);
        foreach (var dense in DenseCommands.Create(options)) root.Add(dense);
        root.Add(VaeCommand.Create(options));
        root.Add(ExportCommand.Create(options));
        root.Add(CheckpointStressCommand.Create(options));
        root.Add(ConvCommand.Create(options));
        root.Add(AnomalyCommand.Create(options));
        root.Add(PcaCommand.Create(options));
        root.Add(ClassifyCommand.Create(options));
        root.Add(LatentCommand.Create(options));
        root.Add(TextCommand.Create(options));
        root.Add(Word2VecCommand.Create(options));
        // With no subcommand the root runs the guided tour.
        root.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, TourCommand.Run));
        return root;
    }
}
