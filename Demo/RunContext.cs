using System.CommandLine;
using System.Text.Json;
using Demo.Report;
using Engine.Data;

namespace Demo;

/// <summary>What one command invocation knows: the parsed options, where to write, and the results so far.</summary>
internal sealed class RunContext(ParseResult parse, CommonOptions options, CancellationToken cancellation)
{
    public string? DataPath { get; } = parse.GetValue(options.Data);
    // Epochs, Latent and Quick are settable so that the tour can give each part its own tour-sized settings.
    public int? Epochs { get; set; } = parse.GetValue(options.Epochs);
    public int? Latent { get; set; } = parse.GetValue(options.Latent);
    public int Seed { get; } = parse.GetValue(options.Seed);
    public int? Threads { get; } = parse.GetValue(options.Threads);
    public string OutDirectory { get; } = parse.GetValue(options.Out) ?? "out";
    public bool Quick { get; set; } = parse.GetValue(options.Quick);
    public string? JsonPath { get; } = parse.GetValue(options.Json);
    public string? SavePath { get; } = parse.GetValue(options.Save);
    public string? LoadPath { get; } = parse.GetValue(options.Load);
    // Settable: the tour turns it off, so that its shortened runs never replace the chapters' results.
    public bool WriteDocs { get; set; } = parse.GetValue(options.WriteDocs);
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Headline figures, written to --json at the end.</summary>
    public Dictionary<string, object> Results { get; } = [];

    /// <summary>Peak memory of the run (and of each tour part); CommandRunner puts the run's peaks in the results as "memory".</summary>
    public MemoryMonitor Memory { get; } = new();

    /// <summary>What the run found, written to OUT/report.html at the end; every console heading starts a section.</summary>
    public RunReport Report { get; } = new($"Autoencoders from scratch: {(parse.CommandResult.Command is RootCommand ? "tour" : parse.CommandResult.Command.Name)}");

    public Output Out => field ??= new Output(text => Report.Begin(text));

    /// <summary>The command line as typed (for the report's header).</summary>
    public string CommandLine { get; } = "Demo " + string.Join(' ', parse.Tokens.Select(t => t.Value));


    /// <summary>Set by the tour: use the data that ships with the repo unless --data says otherwise.</summary>
    public bool PreferEmbedded { get; set; }

    /// <summary>Fashion-MNIST: --data if given; the embedded subset with --quick; else the full set if installed.</summary>
    public FashionMnistData LoadFashion()
    {
        var data = DataPath is not null ? FashionMnist.Load(DataPath)
            : Quick || PreferEmbedded ? FashionMnist.LoadEmbedded()
            : FashionMnist.Load();
        Out.Line($"data: Fashion-MNIST, {data.Source}: {data.TrainCount:N0} train / {data.TestCount:N0} test images");
        return data;
    }

    /// <summary>Writes OUT/report.html (and the charts as .svg files beside it) and says where.</summary>
    public void WriteReport()
    {
        string path = HtmlReport.Write(Report, OutDirectory, CommandLine, Results);
        Out.Line($"wrote {path}");
    }

    public void WriteJson()
    {
        if (JsonPath is null) return;
        var json = JsonSerializer.Serialize(Results, new JsonSerializerOptions { WriteIndented = true });
        string full = Path.GetFullPath(JsonPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp";
        File.WriteAllText(temp, json);
        File.Move(temp, full, overwrite: true);
        Out.Line($"wrote {JsonPath}");
    }
}
