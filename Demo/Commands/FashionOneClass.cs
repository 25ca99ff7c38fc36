using System.Diagnostics;
using System.Text;
using Engine.Anomaly;
using Engine.Data;
using Engine.Models;
using Engine.Training;
using static Demo.Commands.AnomalyMarkdown;

namespace Demo.Commands;

/// <summary>
/// One-class Fashion-MNIST: each class in turn is "normal" (train on it alone); the whole test set is scored and the
/// other nine classes are the anomalies; AUROC per class and detector.
/// </summary>
internal static class FashionOneClass
{
    private const int QuickEpochs = 3;

    /// <summary>
    /// A detector family: a column of the table. Fit with the class's training images; an autoencoder's training
    /// checkpoints and resumes as the run says (see <see cref="ModelTraining.Begin"/>).
    /// </summary>
    internal sealed record Entry(string Name, Func<int, ModelTraining.TrainingRun, AnomalyDetector> Create);

    /// <summary>
    /// The detectors compared; everything else (training, scoring, the table, --json) follows from the list.
    /// </summary>
    public static List<Entry> Detectors(RunContext context, int epochs)
    {
        AutoencoderDetectorOptions Options(int seed, ModelTraining.TrainingRun run, AutoencoderScore score = AutoencoderScore.ReconstructionMse) => new()
        {
            Score = score,
            ElboSamples = 1,
            Trainer = run.Apply(new TrainerOptions
            {
                Epochs = epochs, BatchSize = 128, Seed = seed, Cancellation = context.Cancellation,
                OnBatch = r => context.Out.Batch(r, epochs),
            }),
        };
        return
        [
            new("dense AE", (seed, run) => new AutoencoderDetector(
                new DenseAutoencoder(DenseAutoencoderOptions.Reference(context.Latent ?? 32), new Random(seed)), Options(seed, run))),
            new("conv AE", (seed, run) => new AutoencoderDetector(
                new ConvAutoencoder(ConvAutoencoderOptions.Reference(context.Latent ?? 32), new Random(seed)), Options(seed, run))),
            new("VAE (-ELBO)", (seed, run) => new AutoencoderDetector(
                new VariationalAutoencoder(VaeOptions.Reference(context.Latent ?? 20), new Random(seed)),
                Options(seed, run, AutoencoderScore.NegativeElbo))),
            new("PCA (90% var.)", (_, _) => PcaDetector.ExplainingVariance(0.9)),
        ];
    }

    /// <summary>The comparison over <paramref name="classes"/> (default all ten) as normal class; returns the markdown.</summary>
    public static string Run(RunContext context, int[]? classes = null)
    {
        var data = context.LoadImages();
        // --quick is a smoke test (a few epochs); the embedded subset's 600 images per class need more epochs than the full set's 6,000.
        int epochs = context.Epochs ?? (context.Quick ? QuickEpochs : data.IsSubset ? 30 : 10);
        var detectors = Detectors(context, epochs);
        var test = new ByteImageDataset(data.TestImages, FashionMnist.ImageSize, data.TestLabels, 28, 28);
        var train = new ByteImageDataset(data.TrainImages, FashionMnist.ImageSize, data.TrainLabels, 28, 28);
        int classCount = data.ClassNames.Count;
        var auroc = new double[classCount, detectors.Count];
        var seconds = new double[detectors.Count];
        var evaluated = new List<int>();
        foreach (int c in classes ?? Enumerable.Range(0, classCount).ToArray())
        {
            if (context.Cancellation.IsCancellationRequested) break;
            evaluated.Add(c);
            var curves = new List<Demo.Report.DetectionCharts.Detector>();
            var normal = Enumerable.Range(0, data.TrainCount).Where(i => data.TrainLabels[i] == c).ToArray();
            var classTrain = train.Subset(normal);
            var isAnomaly = data.TestLabels.Select(l => l != c).ToArray();
            var line = new StringBuilder($"  class {c} {data.ClassNames[c],-12} ({normal.Length:N0} train):");
            for (int d = 0; d < detectors.Count && !context.Cancellation.IsCancellationRequested; d++)
            {
                var clock = Stopwatch.StartNew();
                var run = ModelTraining.Begin(context, $"{detectors[d].Name}, normal class {c}");
                var detector = detectors[d].Create(context.Seed, run);
                float[] scores;
                using (detector is AutoencoderDetector ? null : context.Out.Step($"fitting {detectors[d].Name} on class {c}"))
                {
                    detector.Fit(classTrain);
                    scores = detector.DecisionFunction(test);
                }
                if (detector is AutoencoderDetector { History: { } trained }) ModelTraining.End(context, run, trained);
                auroc[c, d] = DetectionReport.Evaluate(scores, isAnomaly, detector.Threshold).Auroc;
                curves.Add(new(detectors[d].Name, scores));
                if (evaluated.Count == 1 && detector is AutoencoderDetector { History: { } history })
                    context.Report.LossChart($"{detectors[d].Name}, normal class {data.ClassNames[c]}", history.Epochs,
                        ModelTraining.LossLabel(((AutoencoderDetector)detector).Model));
                seconds[d] += clock.Elapsed.TotalSeconds;
                line.Append($"  {detectors[d].Name} {100 * auroc[c, d]:F1}");
            }
            context.Out.Line(line.ToString());
            if (evaluated.Count == 1)
                Demo.Report.DetectionCharts.Add(context.Report, $"normal class {data.ClassNames[c]}", curves, isAnomaly);
        }

        var md = new StringBuilder();
        int PerClass(int c) => data.TrainLabels.Count(l => l == c);
        string perClass = evaluated.Count == 0 ? "–" : string.Join(" to ", new[] { evaluated.Min(PerClass), evaluated.Max(PerClass) }.Distinct().Select(n => n.ToString("N0")));
        md.Append($"Each class in turn is normal: the detector is fitted on that class's {perClass} training images "
            + $"({ModelTraining.Describe(data)}) and scores all {data.TestCount:N0} test images; the other {classCount - 1} classes are the anomalies. "
            + $"AUROC in %, seed {context.Seed}, {epochs} epochs (Adam 1e-3, batch 128). Dense AE: 784-512-128-32 "
            + "(ReLU, sigmoid output), score = reconstruction MSE. Conv AE: Conv(32)-Conv(64)-Linear(32), stride 2, mirrored by "
            + "transposed convolutions, score = reconstruction MSE. VAE: 784-512-256-20, Bernoulli, score = negative ELBO "
            + "(one draw of z). PCA: reconstruction MSE from the components explaining 90% of the class's variance.\n\n");
        md.Append("| class |");
        foreach (var d in detectors) md.Append($" {d.Name} |");
        md.Append("\n|---|");
        foreach (var _ in detectors) md.Append("---:|");
        md.Append('\n');
        var classResults = new List<Dictionary<string, double>>();
        foreach (int c in evaluated)
        {
            md.Append($"| {c} {data.ClassNames[c]} |");
            var json = new Dictionary<string, double>();
            for (int d = 0; d < detectors.Count; d++)
            {
                md.Append($" {100 * auroc[c, d]:F1} |");
                json[detectors[d].Name] = auroc[c, d];
            }
            classResults.Add(json);
            md.Append('\n');
        }
        md.Append("| **mean** |");
        var means = new Dictionary<string, double>();
        for (int d = 0; d < detectors.Count; d++)
        {
            double mean = evaluated.Count == 0 ? double.NaN : evaluated.Average(c => auroc[c, d]);
            means[detectors[d].Name] = mean;
            md.Append($" **{100 * mean:F1}** |");
        }
        md.Append(data.IsFashionMnist
            ? "\n\nPublished means on the full Fashion-MNIST set, for scale: Deep SAD without labels 89.2 (Ruff et al., 2020), "
              + "GEOM 93.5 (Golan & El-Yaniv, 2018). "
            : "\n\n");
        md.Append($"Time per detector over {(evaluated.Count == classCount ? "all" : "the")} {evaluated.Count} classes: "
            + string.Join(", ", detectors.Select((d, i) => $"{d.Name} {seconds[i]:F0} s")) + ".\n");
        context.Results["protocol"] = "fashion";
        context.Results["dataset"] = data.Source;
        context.Results["epochs"] = epochs;
        context.Results["auroc_mean"] = means;
        context.Results["auroc_per_class"] = classResults;
        context.Report.Markdown(md.ToString());
        return md.ToString();
    }
}
