using System.CommandLine;

namespace Demo.Cli;

/// <summary>
/// The shared options one command offers, as <see cref="RunContext"/> reads them: an option the command does not
/// use is null here, so it is neither listed by its --help nor accepted on its command line. Build the options
/// with <see cref="DemoOptions"/> (each command its own instances, so the descriptions can say what the option
/// means there), then <see cref="AddTo"/> the command; options only one command has are added to it directly.
/// </summary>
internal sealed record CommandOptions
{
    /// <summary>The options every command that runs and reports has: seed, threads, --out, --quick, --json, --write-docs.</summary>
    public static CommandOptions Common() => new()
    {
        Seed = DemoOptions.Seed(),
        Threads = DemoOptions.Threads(),
        Out = DemoOptions.Out(),
        Quick = DemoOptions.Quick(),
        Json = DemoOptions.Json(),
        WriteDocs = DemoOptions.WriteDocs(),
    };

    public Option<string?>? Data { get; init; }
    public Option<int?>? Epochs { get; init; }
    public Option<int?>? Latent { get; init; }
    public Option<int>? Seed { get; init; }
    public Option<int?>? Threads { get; init; }
    public Option<string>? Out { get; init; }
    public Option<bool>? Quick { get; init; }
    public Option<string?>? Json { get; init; }
    public Option<string?>? Save { get; init; }
    public Option<string?>? Load { get; init; }
    public Option<string?>? Resume { get; init; }
    public Option<bool>? WriteDocs { get; init; }

    /// <summary>
    /// The command trains several models, so --resume continues a whole run (<see cref="RunJournal"/>: the finished
    /// models restored, the interrupted one continued) rather than one model.
    /// </summary>
    public bool ResumesRuns { get; init; }

    /// <summary>The options that are set, in the order --help lists them.</summary>
    public IEnumerable<Option> All => new Option?[] { Data, Epochs, Latent, Seed, Threads, Out, Quick, Json, Save, Load, Resume, WriteDocs }
        .OfType<Option>();

    /// <summary>
    /// Adds the options to <paramref name="command"/>, with the checks that concern two of them at once: --load
    /// (evaluate a model) does not go with training settings or --resume, and --resume takes the model's shape from
    /// its checkpoint, so --latent has nothing to say.
    /// </summary>
    public Command AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
        command.Validators.Add(result =>
        {
            bool Given(Option? option) => option is not null && result.GetResult(option) is { Implicit: false };
            if (Given(Load) && Given(Resume)) result.AddError("--load (evaluate a model) and --resume (train it further) cannot be combined.");
            if (Given(Load) && Given(Epochs)) result.AddError("--epochs does not apply with --load: a loaded model is evaluated, not trained (use --resume to train it further).");
            if (Given(Load) && Given(Latent)) result.AddError("--latent does not apply with --load: the checkpoint fixes the model's code size.");
            if (Given(Resume) && Given(Latent) && !ResumesRuns)
                result.AddError("--latent does not apply with --resume: the checkpoint fixes the model's code size.");
        });
        return command;
    }
}
