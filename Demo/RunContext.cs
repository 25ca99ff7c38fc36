using System.CommandLine;
using System.Text.Json;
using Demo.Cli;
using Demo.Report;
using Engine.Data;

namespace Demo;

/// <summary>What one command invocation knows: the parsed options, where to write, and the results so far.</summary>
internal sealed class RunContext(ParseResult parse, CommandOptions options, CancellationToken cancellation)
{
    public string? DataPath { get; } = Value(parse, options.Data);
    // Epochs, Latent and Quick are settable so that the tour can give each part its own tour-sized settings.
    public int? Epochs { get; set; } = Value(parse, options.Epochs);
    public int? Latent { get; set; } = Value(parse, options.Latent);
    // Settable: --resume takes the checkpoint's seed when --seed is not given.
    public int Seed { get; set; } = options.Seed is null ? 1 : parse.GetValue(options.Seed);
    public int? Threads { get; } = Value(parse, options.Threads);
    public string OutDirectory { get; } = Value(parse, options.Out) ?? "out";
    public bool Quick { get; set; } = Value(parse, options.Quick);
    public string? JsonPath { get; } = Value(parse, options.Json);
    public string? SavePath { get; } = Value(parse, options.Save);
    public string? LoadPath { get; } = Value(parse, options.Load);
    public string? ResumePath { get; } = Value(parse, options.Resume);
    // Settable: the tour turns it off, so that its shortened runs never replace the chapters' results.
    public bool WriteDocs { get; set; } = Value(parse, options.WriteDocs);
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Whether the user gave --seed (a resumed run then checks it against its checkpoint's).</summary>
    public bool SeedGiven { get; } = options.Seed is not null && parse.GetResult(options.Seed) is { Implicit: false };

    /// <summary>Headline figures, written to --json at the end.</summary>
    public Dictionary<string, object> Results { get; } = [];

    /// <summary>Peak memory of the run (and of each tour part); CommandRunner puts the run's peaks in the results as "memory".</summary>
    public MemoryMonitor Memory { get; } = new();

    /// <summary>What the run found, written to OUT/report.html at the end; every console heading starts a section.</summary>
    public RunReport Report { get; } = new($"Autoencoders from scratch: {(parse.CommandResult.Command is RootCommand ? "tour" : parse.CommandResult.Command.Name)}");

    // Standard output unless the caller (a test) gave the invocation its own writer.
    public Output Out => field ??= new Output(text => Report.Begin(text),
        ReferenceEquals(parse.InvocationConfiguration.Output, Console.Out) ? null : parse.InvocationConfiguration.Output);

    /// <summary>The command line as typed (for the report's header).</summary>
    public string CommandLine { get; } = "Demo " + string.Join(' ', parse.Tokens.Select(t => t.Value));

    /// <summary>Whether the command offers --resume (so an interrupted run can be continued).</summary>
    public bool CanResume { get; } = options.Resume is not null;

    /// <summary>
    /// The options as typed that decide a run's results: all but --seed (checked on its own), --resume, --out, --json
    /// and --threads. Two runs with the same seed, these options and the same thread count give identical results.
    /// </summary>
    public string ResultOptions { get; } = string.Join(' ', WithoutOptions(parse.Tokens.Select(t => t.Value).ToList(),
        "--seed", "--resume", "--out", "--json", "--threads").SkipWhile(t => t == parse.CommandResult.Command.Name));

    private static IEnumerable<string> WithoutOptions(List<string> tokens, params string[] names)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            if (names.Contains(tokens[i])) i++;
            else if (!names.Any(n => tokens[i].StartsWith(n + "=", StringComparison.Ordinal))) yield return tokens[i];
        }
    }

    /// <summary>The command's name as typed (the tour for the root command).</summary>
    public string CommandName { get; } = parse.CommandResult.Command is RootCommand ? "tour" : parse.CommandResult.Command.Name;

    /// <summary>The journal of a command that trains several models (see <see cref="RunJournal"/>); null for the others.</summary>
    public RunJournal? Journal { get; set; }

    /// <summary>Whether the run writes OUT/report.html (every command but export).</summary>
    public bool WritesReport { get; } = options.Out is not null;

    /// <summary>Training runs cut short by Ctrl+C so far: what they were, and where they stopped.</summary>
    public List<Interruption> Interruptions { get; } = [];

    /// <summary>Models the command reached after Ctrl+C: not trained at all (their figures are those of the initial weights).</summary>
    public List<string> NotTrained { get; } = [];

    /// <summary>Set by the tour: use the data that ships with the repo unless --data says otherwise.</summary>
    public bool PreferEmbedded { get; set; }

    /// <summary>
    /// The images of an image command: the folder --data names (IDX files or one folder of PNG files per class, see
    /// <see cref="ImageSets"/>; resized to 28 × 28), else Fashion-MNIST: the embedded subset with --quick or in the
    /// tour, the full set if installed.
    /// </summary>
    public FashionMnistData LoadImages()
    {
        FashionMnistData data;
        if (DataPath is not null)
        {
            var set = ImageSets.Load(DataPath, new ImageSetOptions { Size = (FashionMnist.Side, FashionMnist.Side), Seed = Seed });
            data = FashionMnistData.From(set);
            foreach (string note in set.Notes) Out.Line($"data: {note}");
        }
        else
        {
            data = Quick || PreferEmbedded ? FashionMnist.LoadEmbedded() : FashionMnist.Load();
        }
        // Without --data the source already names the set ("Fashion-MNIST embedded subset (…) from …").
        Out.Line($"data: {(DataPath is null ? data.Source : $"{data.Name} in {data.Source}")}: {data.TrainCount:N0} train / {data.TestCount:N0} test images, "
            + $"{data.ClassNames.Count} classes ({string.Join(", ", data.ClassNames.Take(10))}{(data.ClassNames.Count > 10 ? ", …" : "")})");
        Results["data"] = data.Name;
        Results["classes"] = data.ClassNames;
        return data;
    }

    /// <summary>Writes OUT/report.html (and the charts as .svg files beside it) and says where.</summary>
    public void WriteReport()
    {
        if (!WritesReport) return;
        string path = HtmlReport.Write(Report, OutDirectory, CommandLine, Results);
        Out.Line($"wrote {path}");
    }

    public void WriteJson()
    {
        if (JsonPath is null) return;
        var json = JsonSerializer.Serialize(Results, new JsonSerializerOptions { WriteIndented = true });
        OutputPaths.Write("--json", JsonPath, path => Engine.IO.AtomicFile.WriteText(path, w => w.Write(json)));
        Out.Line($"wrote {JsonPath}");
    }

    private static T? Value<T>(ParseResult parse, Option<T>? option) => option is null ? default : parse.GetValue(option);
}

/// <summary>A training run stopped by Ctrl+C: what was trained, where it stopped, and the checkpoint it left.</summary>
internal sealed record Interruption(string What, int Epoch, int Batch, int BatchCount, string? Checkpoint);
