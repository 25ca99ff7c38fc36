using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Demo.Cli;
using Demo.Datasets;
using Engine.Models;

namespace Demo.Commands;

/// <summary>
/// `tour` (and no command at all): a guided run through the project on the data that ships with it — dense AE,
/// denoising, VAE, PCA comparison, latent classification, anomaly detection, text autoencoder — each part an
/// existing command's Run with tour-sized settings, all in one report.
/// </summary>
internal static class TourCommand
{
    /// <summary>One part of the tour: its name, epochs unless --epochs says otherwise, what it runs, whether it runs --quick.</summary>
    internal sealed record Part(string Name, int Epochs, Action<RunContext> Run, bool Quick = false);

    /// <summary>
    /// The tour's options: it always runs on the data that ships with the demo (and TREC only if it is already in the
    /// download cache), so it has no --data; its shortened runs never replace the chapters' results, so no --write-docs.
    /// </summary>
    public static CommandOptions Options() => CommandOptions.Common() with
    {
        Epochs = DemoOptions.Epochs("Epochs of every part's training (default: each part's own, 3 to 10)."),
        Latent = DemoOptions.Latent("Code size of every part's models (default: each part's own)."),
        Quick = DemoOptions.Quick("A shorter tour: fewer epochs and smaller text models."),
        Resume = DemoOptions.ResumeRun(),
        ResumesRuns = true,
        WriteDocs = null,
    };

    public static Command Create()
    {
        var options = Options();
        var command = options.AddTo(new Command("tour", "A guided tour of the whole project on the embedded data (a few minutes on 2 cores)."));
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, Run));
        return command;
    }

    /// <summary>The parts in order, each with its epochs unless --epochs says otherwise.</summary>
    internal static IReadOnlyList<Part> Parts { get; } =
    [
        new("dense autoencoder", DenseCommands.DefaultEpochs, c => DenseCommands.Run(c, "ae", l => DenseAutoencoderOptions.Reference(l ?? 32))),
        new("denoising autoencoder", 10, c => DenseCommands.Run(c, "denoise", l => DenseAutoencoderOptions.Denoising(l ?? 32))),
        new("variational autoencoder", 10, c => VaeCommand.Run(c, beta: 1f, pytorchExample: false), Quick: true),
        // As many epochs as the dense autoencoder above, so that its AE at k = 32 is trained like that one.
        new("PCA vs autoencoders", DenseCommands.DefaultEpochs, PcaCommand.Run),
        new("classification from the latent space", 5, c => ClassifyCommand.Run(c, ["1000"], [0.1f], minimumSteps: 150)),
        new("anomaly detection on KDD Cup 1999", 5, Anomaly),
        new("text autoencoder", 3, c => TextCommand.Run(c, wordDropout: 0f, hidden: 64, width: 32, download: false)),
    ];

    public static void Run(RunContext context)
    {
        context.Out.Line("Autoencoders from scratch: a guided tour on the data that ships with the repository.");
        context.PreferEmbedded = true;
        context.WriteDocs = false;
        int? userEpochs = context.Epochs;
        int? userLatent = context.Latent;
        bool userQuick = context.Quick;
        var parts = Parts;
        var seconds = new Dictionary<string, double>();
        var cpuSeconds = new Dictionary<string, double>();
        var results = new Dictionary<string, object>();
        var memory = new Dictionary<string, MemoryPeaks>();
        var total = Stopwatch.StartNew();
        foreach (var part in parts)
        {
            if (context.Cancellation.IsCancellationRequested) break;
            context.Epochs = userEpochs ?? part.Epochs;
            // The parts choose their own default latent sizes (VAE 20, text 128 ...) unless --latent is given.
            context.Latent = userLatent;
            context.Quick = userQuick || part.Quick;
            var clock = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            context.Memory.Restart();
            part.Run(context);
            memory[part.Name] = context.Memory.Restart();
            seconds[part.Name] = Math.Round(clock.Elapsed.TotalSeconds, 1);
            cpuSeconds[part.Name] = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, 1);
            results[part.Name] = new Dictionary<string, object>(context.Results) { ["memory"] = memory[part.Name].ToResults() };
            context.Results.Clear();
            if (context.Cancellation.IsCancellationRequested) context.Out.Line($"the tour was interrupted during: {part.Name}");
        }
        context.Epochs = userEpochs;
        context.Results["parts"] = results;
        context.Results["seconds"] = seconds;
        context.Results["cpu_seconds"] = cpuSeconds;
        context.Results["total_seconds"] = Math.Round(total.Elapsed.TotalSeconds, 1);

        context.Out.Heading("Tour summary");
        string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
        var run = context.Memory.Run;
        var rows = seconds.Select(p => (IReadOnlyList<string>)[p.Key, F(p.Value), F(cpuSeconds[p.Key]),
                MemoryPeaks.Mib(memory[p.Key].ManagedHeapBytes), MemoryPeaks.Mib(memory[p.Key].WorkingSetBytes)])
            .Append(["total", F(total.Elapsed.TotalSeconds), F(cpuSeconds.Values.Sum()),
                MemoryPeaks.Mib(run.ManagedHeapBytes), MemoryPeaks.Mib(run.ProcessPeakBytes)]).ToList();
        string[] headers = ["part", "wall-clock s", "CPU s (all threads)", "peak managed heap MiB", "peak resident MiB"];
        context.Out.Table($"Seconds and memory per part (load average {KddAnomaly.LoadAverage()})", headers, rows);
        context.Report.Text($"Seconds per part on {Environment.ProcessorCount} cores, 1-minute load average {KddAnomaly.LoadAverage()} at the end "
            + $"({Engine.Kernels.Parallelism.MaxThreads} kernel threads). Memory per part is the peak of the managed heap "
            + $"(allocated, garbage not yet collected included) and of the resident set, sampled every {MemoryMonitor.IntervalMilliseconds} ms; "
            + "the total row gives the whole run's heap peak and the process's resident high-water mark. Each part is the command of the same name with "
            + "tour-sized settings (fewer epochs, the embedded Fashion-MNIST subset, one label budget); run the command itself "
            + "for the full comparison.");
        context.Report.Add(new Demo.Report.Table(null, headers, rows));
    }

    // KDD Cup 1999, from the copy that ships with the demo: the standard protocol with tour-sized training.
    private static void Anomaly(RunContext context)
    {
        context.Out.Heading("Anomaly detection on KDD Cup 1999 network traffic");
        context.Report.Text("The autoencoder is trained on normal traffic only; attacks are found by their reconstruction error. "
            + "Run `anomaly` for the full training (50 epochs) and the other protocols.");
        var recipe = new KddRecipe([64, 32], context.Latent ?? 8, context.Epochs ?? 5, 256, 1e-3f);
        string markdown = KddAnomaly.Standard(context, KddAnomaly.Load(context), recipe, runs: 1);
        context.Out.Line("");
        context.Out.Markdown(markdown);
    }
}
