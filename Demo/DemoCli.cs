using System.CommandLine;
using System.Reflection;
using Demo.Cli;
using Demo.Commands;

namespace Demo;

/// <summary>
/// Builds the command line — one subcommand per idea, each offering only the options it uses — and runs it:
/// a command line with a mistake is refused before any work with one line per mistake and exit code
/// <see cref="UsageError"/>.
/// </summary>
internal static class DemoCli
{
    /// <summary>Exit code of a command line that was refused (as with most Unix tools' usage errors).</summary>
    public const int UsageError = 2;

    public static RootCommand Build()
    {
        var root = new RootCommand("Autoencoders from scratch in C#: every idea of the project on real data. Without a command: the guided tour.");
        var tourOptions = TourCommand.Options();
        tourOptions.AddTo(root);
        root.Add(TourCommand.Create());
        foreach (var dense in DenseCommands.Create()) root.Add(dense);
        root.Add(VaeCommand.Create());
        root.Add(ConvCommand.Create());
        root.Add(PcaCommand.Create());
        root.Add(ClassifyCommand.Create());
        root.Add(LatentCommand.Create());
        root.Add(AnomalyCommand.Create());
        root.Add(TextCommand.Create());
        root.Add(Word2VecCommand.Create());
        root.Add(ExportCommand.Create());
        root.Add(CheckpointStressCommand.Create());
        // With no subcommand the root runs the guided tour.
        root.SetAction((parse, token) => CommandRunner.RunAsync(parse, tourOptions, token, TourCommand.Run));
        // --version prints the demo's own version: System.CommandLine's would print the entry assembly's, which is a
        // test host's when the demo runs inside the tests, with a "+commit" suffix.
        root.Options.Remove(root.Options.OfType<VersionOption>().Single());
        root.Options.Add(new Option<bool>(VersionName) { Description = "Show the version of the project." });
        return root;
    }

    private const string VersionName = "--version";

    /// <summary>The project's version (Directory.Build.props' VersionPrefix, compiled into this assembly).</summary>
    public static string Version { get; } =
        (typeof(DemoCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown")
        .Split('+')[0];

    /// <summary>
    /// Parses and runs <paramref name="args"/> (the program's entry point). Refusals go to <paramref name="error"/>
    /// (default: standard error) as "error: ..." lines and a pointer to the command's --help; --help and --version
    /// write to <paramref name="output"/> (default: standard output).
    /// </summary>
    public static int Run(string[] args, TextWriter? error = null, TextWriter? output = null, CancellationToken cancellation = default)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            error ??= Console.Error;
            // Distinct: System.CommandLine validates an option's default value twice when it was not given.
            foreach (string message in parse.Errors.Select(e => e.Message).Distinct()) error.WriteLine($"error: {message}");
            string command = string.Join(' ', parse.CommandResult.Command is RootCommand ? [] : Path(parse.CommandResult.Command));
            error.WriteLine($"See `Demo {(command.Length > 0 ? command + " " : "")}--help` for the options.");
            return UsageError;
        }
        // Ctrl+C is handled by CommandRunner (stop after the current batch, keep a checkpoint, write the report, exit
        // 130), so System.CommandLine's own handler, which abandons the action after a 2 s timeout, is switched off.
        if (parse.CommandResult.Command is RootCommand && parse.GetValue<bool>(VersionName))
        {
            (output ?? Console.Out).WriteLine(Version);
            return 0;
        }
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null };
        if (output is not null) configuration.Output = output;
        if (error is not null) configuration.Error = error;
        return parse.InvokeAsync(configuration, cancellation).GetAwaiter().GetResult();
    }

    private static IEnumerable<string> Path(Command command) =>
        command.Parents.OfType<Command>().Where(p => p is not RootCommand).SelectMany(Path).Append(command.Name);
}
