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

    public static Command Create(CommonOptions options)
    {
        var command = new Command("anomaly",
            "Anomaly detection with autoencoders vs PCA: KDD Cup 1999 network intrusions (--data PATH or a download) or one-class Fashion-MNIST.");
        command.Options.Add(Protocol);
        command.Options.Add(Runs);
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token,
            context => Run(context, parse.GetValue(Protocol) ?? "standard", parse.GetValue(Runs))));
        return command;
    }

    public static void Run(RunContext context, string protocol, int? runs)
    {
        string heading, markdown;
        switch (protocol)
        {
            case "standard":
            {
                context.Out.Heading("Anomaly detection on KDD Cup 1999: train on normal traffic");
                var data = KddAnomaly.Load(context);
                var recipe = Recipe(context, epochs: 50, latent: 8);
                markdown = KddAnomaly.Standard(context, data, recipe);
                heading = "## Anomaly detection (KDD Cup 1999)";
                break;
            }
            case "dagmm":
            {
                context.Out.Heading("Anomaly detection on KDD Cup 1999: the DAGMM protocol");
                var data = KddAnomaly.Load(context);
                int count = runs ?? (context.Quick ? 3 : 20);
                if (count < 1) throw new ArgumentException($"--runs must be at least 1, got {count}.");
                markdown = KddDagmm.Run(context, data, Recipe(context, epochs: 5, latent: 4), count);
                heading = "## Anomaly detection (KDD Cup 1999, DAGMM protocol)";
                break;
            }
            case "fashion":
            {
                context.Out.Heading("One-class anomaly detection on Fashion-MNIST");
                markdown = FashionOneClass.Run(context);
                heading = context.Results["dataset"] is string source && source.Contains("embedded", StringComparison.Ordinal)
                    ? "## Anomaly detection (one-class Fashion-MNIST, embedded subset)"
                    : "## Anomaly detection (one-class Fashion-MNIST)";
                break;
            }
            default:
                throw new ArgumentException($"--protocol must be standard, dagmm or fashion, got '{protocol}'.");
        }
        context.Out.Line("");
        context.Out.Markdown(markdown);
        if (context.Cancellation.IsCancellationRequested) return;
        if (context.Quick && protocol != "fashion")
        {
            context.Out.Line("--quick: a shortened run, so docs/results.md is left as it is.");
            return;
        }
        string path = ResultsDoc.WriteSection(heading, markdown, context.OutDirectory);
        context.Out.Line($"wrote the section \"{heading[3..]}\" of {path}");
    }

    // Chosen by trying a few variants (see docs/results.md): standard on seed 1, dagmm on seeds 100-101, which the
    // reported dagmm runs (seeds 1-20) do not use.
    private static KddRecipe Recipe(RunContext context, int epochs, int latent) =>
        new([64, 32], context.Latent ?? latent, context.Epochs ?? (context.Quick ? Math.Max(1, epochs / 4) : epochs), 256, 1e-3f);
}
