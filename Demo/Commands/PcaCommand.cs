using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Engine.Analysis;
using Engine.Data;
using Engine.Layers;
using Engine.Models;
using Engine.Kernels;

namespace Demo.Commands;

/// <summary>`pca`: PCA vs a linear and a non-linear autoencoder, test reconstruction MSE by latent size.</summary>
internal static class PcaCommand
{
    // The linear AE's loss is a badly conditioned quadratic: at the reference 1e-3 it is still far from its optimum
    // after 10 epochs, so it gets a larger step (still stable: no activation can saturate).
    private const float LinearLearningRate = 1e-2f;

    // The epochs of the `ae` command's model: the comparison trains its autoencoders as long by default, so that the
    // AE of this chart and the AE of chapter 1 are the same model at k = 32.
    private const int AeEpochs = DenseCommands.DefaultEpochs;

    // Steps below which the comparison's autoencoders are known to be far from their optimum (10 epochs of the
    // full set are 4,690 steps; of the embedded subset, 470).
    private const int ConvergedSteps = 4000;

    public static Command Create()
    {
        var options = Cli.CommandOptions.Common() with
        {
            Data = Cli.DemoOptions.FashionData(),
            Epochs = Cli.DemoOptions.Epochs("Training epochs of each autoencoder (default 10, as `ae`; 3 with --quick)."),
            Latent = Cli.DemoOptions.Latent("One latent size to compare at (default: 2, 8, 32 and 64)."),
            Resume = Cli.DemoOptions.ResumeRun(),
            ResumesRuns = true,
        };
        var command = options.AddTo(new Command("pca", "Autoencoders vs PCA: test reconstruction MSE and fit time for latent sizes 2, 8, 32, 64 (or --latent)."));
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, Run));
        return command;
    }

    public static void Run(RunContext context)
    {
        context.Out.Heading("Autoencoders vs PCA");
        var data = context.LoadImages();
        int d = FashionMnist.ImageSize;
        var trainX = LatentDemoSupport.ToFloats(data.TrainImages);
        var testX = LatentDemoSupport.ToFloats(data.TestImages);
        var train = new ByteImageDataset(data.TrainImages, d, data.TrainLabels, 28, 28);
        var test = new ByteImageDataset(data.TestImages, d, data.TestLabels, 28, 28);
        int[] sizes = context.Latent is int latent ? [latent] : [2, 8, 32, 64];
        int epochs = context.Epochs ?? (context.Quick ? 3 : AeEpochs);
        var rows = new List<Dictionary<string, object>>();
        var table = new StringBuilder();
        table.AppendLine("| latent | PCA MSE | linear AE MSE | AE MSE | PCA fit (s) | linear AE fit (s) | AE fit (s) |");
        table.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int k in sizes)
        {
            var clock = Stopwatch.StartNew();
            Pca pca;
            double pcaSeconds, pcaMse;
            using (context.Out.Step($"PCA with {k} components on {data.TrainCount:N0} images"))
            {
                pca = Pca.Fit(trainX, data.TrainCount, d, k);
                pcaSeconds = clock.Elapsed.TotalSeconds;
                pcaMse = pca.ReconstructionError(testX, data.TestCount);
            }
            context.Out.Line($"latent {k}: PCA test MSE {pcaMse:F5} (fit {pcaSeconds:F1} s)");

            // A linear autoencoder: one Linear layer each way, identity activations, MSE; its optimum spans PCA's subspace.
            var linear = new DenseAutoencoder(
                new DenseAutoencoderOptions(d, [], k, Output: ActivationKind.Identity), new Random(context.Seed));
            double linearSeconds = LatentDemoSupport.Train(context, linear, train, epochs, $"linear AE {d}-{k}-{d}",
                LinearLearningRate, lossChart: false);
            double linearMse = linear.ReconstructionMse(Engine.Tensors.Tensor.FromArray(testX, data.TestCount, d));

            var dense = new DenseAutoencoder(DenseAutoencoderOptions.Reference(k), new Random(context.Seed));
            double denseSeconds = LatentDemoSupport.Train(context, dense, train, epochs, $"AE 784-512-128-{k}-128-512-784",
                lossChart: false);
            double denseMse = dense.ReconstructionMse(Engine.Tensors.Tensor.FromArray(testX, data.TestCount, d));
            context.Out.Line($"latent {k}: test MSE PCA {pcaMse:F5}, linear AE {linearMse:F5}, AE {denseMse:F5}");

            foreach (var (method, mse, seconds) in new[]
                     { ("pca", pcaMse, pcaSeconds), ("linear_ae", linearMse, linearSeconds), ("ae", denseMse, denseSeconds) })
                rows.Add(new() { ["latent"] = k, ["method"] = method, ["test_mse"] = mse, ["fit_seconds"] = seconds });
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {k} | {pcaMse:F5} | {linearMse:F5} | {denseMse:F5} | {pcaSeconds:F1} | {linearSeconds:F1} | {denseSeconds:F1} |");
            if (context.Cancellation.IsCancellationRequested) break;
        }
        context.Out.Markdown(table.ToString());
        context.Results["dataset"] = data.Source;
        context.Results["epochs"] = epochs;
        context.Results["results"] = rows;

        string markdown = $"{ModelTraining.Describe(data)}, test-set MSE per pixel "
            + $"(pixels in [0, 1]). Autoencoders: Adam, batch 128, {epochs} epochs, seed {context.Seed}; linear AE = "
            + $"784-k-784 with identity activations, learning rate {LinearLearningRate}; AE = 784-512-128-k-128-512-784, ReLU, sigmoid output, learning rate 1e-3. Fit times are "
            + $"wall-clock on the machine that ran it ({ResultsDoc.Machine()}).\n\n" + table;
        Chart(context, rows, ModelTraining.Describe(data), epochs, epochs * ((data.TrainCount + 127) / 128));
        ResultsDoc.PublishFor(context, data.IsFashionMnist, context.DataPath, "own-images", "06-autoencoders-vs-pca.md", "pca", markdown);
    }

    // Test MSE against latent size, one line per method, on a base-2 axis at the sizes tried; and the table.
    private static void Chart(RunContext context, List<Dictionary<string, object>> rows, string source, int epochs, int steps)
    {
        var methods = new[] { ("pca", "PCA"), ("linear_ae", "linear AE"), ("ae", "AE (ReLU)") };
        var series = methods.Select(m =>
        {
            var points = rows.Where(r => (string)r["method"] == m.Item1).ToList();
            return new Demo.Report.Series(m.Item2, points.Select(r => (double)(int)r["latent"]).ToArray(),
                points.Select(r => (double)r["test_mse"]).ToArray(), Markers: true);
        }).ToList();
        var sizes = rows.Select(r => (double)(int)r["latent"]).Distinct().ToArray();
        string length = epochs == AeEpochs ? $"{epochs} epochs each, as long as `ae` trains its autoencoder"
            : $"{epochs} epochs each (`ae` trains {AeEpochs}; at fewer epochs the larger codes are furthest from converged)";
        // On a small set the same epochs are few steps: say so rather than let the chart suggest that a larger code
        // cannot help an autoencoder (PCA's optimum needs no training; the autoencoders' does).
        string converged = steps >= ConvergedSteps ? ""
            : $" That is only {steps:N0} Adam steps: the autoencoders are still far from converged, which is why their error hardly falls "
              + $"with k here and PCA wins at large k; chapter 6 shows the full set, where the same epochs are {ConvergedSteps:N0}+ steps.";
        context.Report.Chart("pca-vs-ae", $"Test reconstruction MSE per pixel against latent size ({source}; autoencoders {length}).{converged}",
            new Demo.Report.LineChart("PCA vs autoencoders: test MSE", "latent size k (code dimensions, log scale)", "test MSE per pixel (pixels in [0, 1])", series)
            {
                LogX = sizes.Length > 1,
                XTicks = sizes,
            });
        context.Report.Add(new Demo.Report.Table("Test MSE per pixel and fit time (wall clock).",
            ["latent", "method", "test MSE", "fit (s)"],
            rows.Select(r => (IReadOnlyList<string>)[r["latent"].ToString()!, (string)r["method"],
                ((double)r["test_mse"]).ToString("F5", CultureInfo.InvariantCulture),
                ((double)r["fit_seconds"]).ToString("F1", CultureInfo.InvariantCulture)]).ToList()));
    }
}
