using System.CommandLine;

namespace Demo.Commands;

/// <summary>
/// `anomaly`: detectors trained on normal data only, scored by reconstruction error. Protocols: "standard" and
/// "dagmm" on KDD Cup 1999 (10%), "fashion" (one-class Fashion-MNIST).
/// </summary>
internal static class AnomalyCommand
{
    private static readonly Option<string> Protocol = new("--protocol")
    {
        Description = "standard (train on normal traffic, 99th-percentile threshold), dagmm (Zong et al. 2018), or fashion (one-class Fashion-MNIST).",
        DefaultValueFactory = _ => "standard",
    };

    private static readonly Option<int?> Runs = new("--runs") { Description = "Seeds for --protocol dagmm (default 20; 3 with --quick)." };

    private static readonly TableOptions Table = new();

    public static Command Create(CommonOptions options)
    {
        var command = new Command("anomaly",
            "Anomaly detection with autoencoders vs PCA: KDD Cup 1999 network intrusions (--data PATH or a download) or one-class Fashion-MNIST.");
        command.Options.Add(Protocol);
        command.Options.Add(Runs);
        foreach (var option in Table.All) command.Options.Add(option);
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, context =>
        {
            if (Table.Given(parse) || (context.DataPath is string data && File.Exists(data) && context.LoadPath is not null))
                RunTable(context, Table.Settings(parse, parse.GetValue(Table.Train) ?? TableFile(context.DataPath), context.LoadPath is not null));
            else
                Run(context, parse.GetValue(Protocol) ?? "standard", parse.GetValue(Runs));
        }));
        return command;
    }

    /// <summary>The chapter whose generated blocks hold the anomaly results.</summary>
    public const string Chapter = "05-anomaly-detection-kdd99.md";

    /// <summary>A user's table: train (or --load) and score; the report goes to the console and OUT/report.html.</summary>
    public static void RunTable(RunContext context, TableAnomalySettings settings)
    {
        context.Out.Heading($"Anomaly detection on {Path.GetFileName(settings.Test ?? settings.Train)}");
        // the case study's architecture; standard scaling needs an unbounded output
        var recipe = Recipe(context, epochs: 50, latent: 8) with
        {
            Output = settings.Scaling == Engine.Data.Tables.FeatureScaling.Standard ? Engine.Layers.ActivationKind.Identity : Engine.Layers.ActivationKind.Sigmoid,
        };
        string markdown = context.LoadPath is string load
            ? TableAnomaly.Score(context, load, settings)
            : TableAnomaly.Run(context, settings, recipe);
        context.Out.Line("");
        context.Out.Markdown(markdown);
        context.Report.Markdown(markdown);
    }

    // --data FILE stands for --train FILE with a user's table; a folder is not a table.
    private static string? TableFile(string? data) =>
        data is null ? null
        : Directory.Exists(data) ? throw new ArgumentException($"--data {data}: a folder; a table is one CSV or TSV file (--train FILE, and --test FILE to score another).")
        : data;

    public static void Run(RunContext context, string protocol, int? runs)
    {
        string block, markdown;
        switch (protocol)
        {
            case "standard":
            {
                context.Out.Heading("Anomaly detection on KDD Cup 1999: train on normal traffic");
                var data = KddAnomaly.Load(context);
                var recipe = Recipe(context, epochs: 50, latent: 8);
                markdown = KddAnomaly.Standard(context, data, recipe);
                block = "kdd-standard";
                break;
            }
            case "dagmm":
            {
                context.Out.Heading("Anomaly detection on KDD Cup 1999: the DAGMM protocol");
                var data = KddAnomaly.Load(context);
                int count = runs ?? (context.Quick ? 3 : 20);
                if (count < 1) throw new ArgumentException($"--runs must be at least 1, got {count}.");
                markdown = KddDagmm.Run(context, data, Recipe(context, epochs: 5, latent: 4), count);
                block = "kdd-dagmm";
                break;
            }
            case "fashion":
            {
                context.Out.Heading("One-class anomaly detection on Fashion-MNIST");
                markdown = FashionOneClass.Run(context);
                block = context.Results["dataset"] is string source && source.Contains("embedded", StringComparison.Ordinal)
                    ? "fashion-one-class-embedded"
                    : "fashion-one-class";
                break;
            }
            default:
                throw new ArgumentException($"--protocol must be standard, dagmm or fashion, got '{protocol}'.");
        }
        context.Out.Line("");
        context.Out.Markdown(markdown);
        if (context.Cancellation.IsCancellationRequested) return;
        ResultsDoc.Publish(context, Chapter, block, markdown);
    }

    // Chosen by trying a few variants (see docs/05-anomaly-detection-kdd99.md): standard on seed 1, dagmm on seeds 100-101, which the
    // reported dagmm runs (seeds 1-20) do not use.
    private static KddRecipe Recipe(RunContext context, int epochs, int latent) =>
        new([64, 32], context.Latent ?? latent, context.Epochs ?? (context.Quick ? Math.Max(1, epochs / 4) : epochs), 256, 1e-3f);
}
