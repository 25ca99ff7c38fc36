using System.CommandLine;
using System.Text.Json;
using Engine.Data;

namespace Demo;

/// <summary>What one command invocation knows: the parsed options, where to write, and the results so far.</summary>
internal sealed class RunContext(ParseResult parse, CommonOptions options, CancellationToken cancellation)
{
    public string? DataPath { get; } = parse.GetValue(options.Data);
    public int? Epochs { get; } = parse.GetValue(options.Epochs);
    public int? Latent { get; } = parse.GetValue(options.Latent);
    public int Seed { get; } = parse.GetValue(options.Seed);
    public int? Threads { get; } = parse.GetValue(options.Threads);
    public string OutDirectory { get; } = parse.GetValue(options.Out) ?? "out";
    public bool Quick { get; } = parse.GetValue(options.Quick);
    public string? JsonPath { get; } = parse.GetValue(options.Json);
    public string? SavePath { get; } = parse.GetValue(options.Save);
    public string? LoadPath { get; } = parse.GetValue(options.Load);
    public bool WriteDocs { get; } = parse.GetValue(options.WriteDocs);
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Headline figures, written to --json at the end.</summary>
    public Dictionary<string, object> Results { get; } = [];

    public Output Out { get; } = new();

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
