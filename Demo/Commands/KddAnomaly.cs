using System.Diagnostics;
using System.Text;
using Demo.Datasets;
using Engine.Anomaly;
using Engine.Data;
using Engine.Data.Tables;
using Engine.Layers;
using Engine.Models;
using Engine.Training;
using static Demo.Commands.AnomalyMarkdown;
using Engine.Kernels;

namespace Demo.Commands;

/// <summary>The autoencoder recipe for KDD'99: the same for every seed of a protocol.</summary>
internal sealed record KddRecipe(int[] Hidden, int Latent, int Epochs, int BatchSize, float LearningRate)
{
    /// <summary>The output activation: sigmoid for features scaled to [0, 1], identity for standardised ones.</summary>
    public ActivationKind Output { get; init; } = ActivationKind.Sigmoid;

    public string Describe(int features) =>
        $"{features}-{string.Join('-', Hidden)}-{Latent}-{string.Join('-', Hidden.Reverse())}-{features}, ReLU, {(Output == ActivationKind.Sigmoid ? "sigmoid" : "linear")} output, "
        + $"MSE, Adam {LearningRate:G3}, batch {BatchSize}, {Epochs} epochs";

    /// <summary>How the KDD protocols scale the features (fitted on the training rows); standard scaling goes with an identity output.</summary>
    public FeatureScaling Scaling { get; init; } = FeatureScaling.MinMax;

    /// <summary>The scaling in words, for the reports.</summary>
    public string ScalingName => Scaling == FeatureScaling.MinMax ? "min-max" : "standardised";

    /// <summary>A short name for tables: code size, epochs, learning rate, scaling.</summary>
    public string Label => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Latent}-d code, {Epochs} epochs, Adam {LearningRate:G3}, {ScalingName}");

    /// <summary>
    /// The detector; progress shows on the console, and with <paramref name="log"/> a line per epoch. Its training
    /// checkpoints and resumes as <paramref name="run"/> says (see <see cref="ModelTraining.Begin"/>).
    /// </summary>
    public AutoencoderDetector Build(int features, int seed, RunContext context, bool log, ModelTraining.TrainingRun run) =>
        Build(features, seed, run.Apply(Trainer(seed) with
        {
            Cancellation = context.Cancellation,
            OnBatch = r => context.Out.Batch(r, Epochs),
            OnEpoch = log ? r => context.Out.Epoch(r, Epochs) : null,
        }));

    /// <summary>This recipe's epochs and batch size, shuffled by <paramref name="seed"/>.</summary>
    public TrainerOptions Trainer(int seed) => new() { Epochs = Epochs, BatchSize = BatchSize, Seed = seed };

    /// <summary>The detector, initialised by <paramref name="seed"/>, trained with <paramref name="trainer"/> (see <see cref="Trainer"/>).</summary>
    public AutoencoderDetector Build(int features, int seed, TrainerOptions trainer) => new(
        new DenseAutoencoder(new DenseAutoencoderOptions(features, Hidden, Latent, ActivationKind.Relu, Output), new Random(seed)),
        new AutoencoderDetectorOptions
        {
            LearningRate = LearningRate,
            Trainer = trainer,
        });
}

/// <summary>KDD Cup 1999 (10%): loading and the "standard" protocol (train on normal traffic); see <see cref="KddDagmm"/>.</summary>
internal static class KddAnomaly
{
    private static readonly string[] GroupNames = Enum.GetNames<KddCategory>().Select(n => n.ToLowerInvariant()).ToArray();

    /// <summary>Reads the file <see cref="KddData.Locate"/> finds (--data, else the copy that ships with the demo).</summary>
    public static Kdd99Data Load(RunContext context)
    {
        string path = KddData.Locate(context.DataPath);
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        Kdd99Data data;
        using (context.Out.Step($"reading {Path.GetFileName(path)}"))
            data = Kdd99.Read(path);
        context.Results["data"] = KddData.Describe(context.DataPath, path);
        context.Results["load_seconds"] = clock.Elapsed.TotalSeconds;
        context.Results["load_cpu_seconds"] = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var counts = data.CategoryCounts();
        context.Out.Line($"data: {KddData.Describe(context.DataPath, path)}: {data.Count:N0} records read in {clock.Elapsed.TotalSeconds:F2} s ("
            + string.Join(", ", GroupNames.Select((n, i) => $"{n} {counts[i]:N0}").Where((_, i) => counts[i] > 0)) + ")");
        return data;
    }

    /// <summary>
    /// One-hot, log1p and min-max fitted on the split's training normals, applied to every record; prints what it did.
    /// </summary>
    public static (float[] X, int Features) Preprocess(RunContext context, Kdd99Data data, KddSplit split,
        FeatureScaling scaling = FeatureScaling.MinMax)
    {
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        TablePreprocessor pre;
        float[] x;
        using (context.Out.Step("preprocessing"))
        {
            var table = data.ToTable();
            pre = TablePreprocessor.Fit(table, split.Train, Kdd99.PreprocessorOptions(scaling));
            x = pre.Transform(table);
        }
        double prepSeconds = clock.Elapsed.TotalSeconds;
        double prepCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        double loadCpu = (double)context.Results["load_cpu_seconds"];
        double loadSeconds = (double)context.Results["load_seconds"];
        context.Results["preprocess_seconds"] = prepSeconds;
        context.Results["load_preprocess_cpu_seconds"] = loadCpu + prepCpu;
        context.Results["features"] = pre.FeatureCount;
        string scaled = scaling == FeatureScaling.MinMax ? "min-max" : "standard scaling";
        context.Out.Line($"preprocessing (one-hot, log1p, {scaled} on training normals): {pre.FeatureCount} features in {prepSeconds:F2} s; "
            + $"load + preprocess {loadSeconds + prepSeconds:F2} s wall, {loadCpu + prepCpu:F2} s CPU (load average {LoadAverage()})");
        return (x, pre.FeatureCount);
    }

    /// <summary>
    /// The "standard" protocol (<see cref="KddSplit"/>): the autoencoder trained on the training normals with
    /// <paramref name="runs"/> training seeds from --seed on, PCA once; threshold = 99th percentile of the validation
    /// normals' scores; reported on the test half, mean ± standard deviation over the seeds, details for the first seed.
    /// </summary>
    public static string Standard(RunContext context, Kdd99Data data, KddRecipe recipe, int runs, bool peer = false)
    {
        var split = KddSplit.Create(data.Category, KddSplit.DefaultSeed);
        var (x, f) = Preprocess(context, data, split, recipe.Scaling);
        double prepSeconds = (double)context.Results["preprocess_seconds"];
        double cpuSeconds = (double)context.Results["load_preprocess_cpu_seconds"];
        double loadSeconds = (double)context.Results["load_seconds"];
        int[] testRows = split.Test;
        context.Out.Line(split.Describe(data.Category));
        var train = Gather(x, f, split.Train);
        var validationNormals = Gather(x, f, split.ValidationNormals);
        var validation = Gather(x, f, split.Validation);
        var test = Gather(x, f, testRows);
        var isAnomaly = testRows.Select(i => data.Category[i] != KddCategory.Normal).ToArray();
        var groups = testRows.Select(i => (int)data.Category[i]).ToArray();
        var validationIsAnomaly = split.Validation.Select(i => data.Category[i] != KddCategory.Normal).ToArray();
        int nNormal = split.ValidationNormals.Length;
        var rule = ThresholdRule.TargetFalsePositiveRate(0.01);
        var seeds = Enumerable.Range(context.Seed, runs).ToArray();

        context.Out.Line($"autoencoder: {recipe.Describe(f)}; training seeds {string.Join(", ", seeds)}");
        AutoencoderDetector? first = null;
        float[] firstValidation = [], firstScores = [];
        double? partial = null;
        var reports = new List<DetectionReport>();
        var validationAurocs = new List<double>();
        double trainSeconds = 0;
        var clock = Stopwatch.StartNew();
        foreach (int seed in seeds)
        {
            if (context.Cancellation.IsCancellationRequested) break;
            var run = ModelTraining.Begin(context, seed == seeds[0] ? "KDD autoencoder" : $"KDD autoencoder, seed {seed}");
            var ae = recipe.Build(f, seed, context, log: seed == seeds[0], run);
            clock.Restart();
            ae.Fit(train, validationNormals);
            double? cut = ModelTraining.End(context, run, ae.History!);
            trainSeconds += clock.Elapsed.TotalSeconds;
            float[] aeValidation, aeScores;
            using (context.Out.Step($"seed {seed}: scoring {validation.Count + test.Count:N0} records with the autoencoder"))
            {
                aeValidation = ae.DecisionFunction(validation);
                ae.Calibrate(rule, aeValidation.AsSpan(0, nNormal));
                aeScores = ae.DecisionFunction(test);
            }
            var report = DetectionReport.Evaluate(aeScores, isAnomaly, ae.Threshold, groups, GroupNames);
            double validationAuroc = Engine.Analysis.RocCurve.Compute(aeValidation, validationIsAnomaly).Area;
            reports.Add(report);
            validationAurocs.Add(validationAuroc);
            context.Out.Line($"  seed {seed}: validation AUROC {F(validationAuroc)}, test AUROC {F(report.Auroc)}, r2l {Pct(report.Groups[(int)KddCategory.R2L].Rate, 1)}, "
                + $"u2r {Pct(report.Groups[(int)KddCategory.U2R].Rate, 1)}");
            if (first is null)
            {
                first = ae;
                firstValidation = aeValidation[..nNormal];
                firstScores = aeScores;
                partial = cut;
            }
        }
        if (first is null) return "";
        var aeReport = reports[0];

        var pca = PcaDetector.ExplainingVariance(0.95);
        float[] pcaScores;
        using (context.Out.Step("fitting PCA and scoring"))
        {
            pca.Fit(train);
            pca.Calibrate(rule, validationNormals);
            pcaScores = pca.DecisionFunction(test);
        }
        var pcaReport = DetectionReport.Evaluate(pcaScores, isAnomaly, pca.Threshold, groups, GroupNames);

        if (first.History is { } history)
            context.Report.LossChart("KDD autoencoder", history.Epochs,
                $"loss: MSE per feature (features {(recipe.Scaling == FeatureScaling.MinMax ? "scaled to [0, 1]" : "standardised")}), seed {seeds[0]}", partial);
        // Attacks are most of the test set (dos alone is ~95%), so a precision-recall curve of all attacks sits at
        // precision 1 for any detector. The hard question is the rare attacks among normal traffic: r2l and u2r.
        var rare = testRows.Select(i => data.Category[i] is KddCategory.R2L or KddCategory.U2R).ToArray();
        var prTarget = new Demo.Report.DetectionCharts.PrTarget(
            "the rare attacks (r2l and u2r) among the held-out normal records (dos and probe left out)",
            testRows.Select((i, k) => !isAnomaly[k] || rare[k]).ToArray(), rare);
        Demo.Report.DetectionCharts.Add(context.Report, $"KDD Cup 1999 test half (autoencoder seed {seeds[0]})",
            [new("autoencoder", firstScores, first.Threshold), new("PCA", pcaScores, pca.Threshold)], isAnomaly, logFpr: true, pr: prTarget);
        string aeName = $"autoencoder ({recipe.Latent}-d code)";
        var md = new StringBuilder();
        md.Append($"Protocol \"standard\" on {Path.GetFileName(data.Source)}. {split.Describe(data.Category)} "
            + $"Threshold: {rule}, i.e. the 99th percentile of the {nNormal:N0} validation normals' scores. "
            + $"{f} features (one-hot protocol/service/flag, log1p counts, {(recipe.Scaling == FeatureScaling.MinMax ? "min-max" : "standard scaling")} fitted on training normals). "
            + $"Reading the file took {loadSeconds:F2} s, preprocessing {prepSeconds:F2} s (wall clock; {cpuSeconds:F2} s CPU over both; "
            + $"load average {LoadAverage()} on this machine during the run).\n\n");
        md.Append($"Autoencoder: {recipe.Describe(f)}, score = per-record reconstruction MSE; {reports.Count} training seed{(reports.Count == 1 ? "" : "s")} "
            + $"({string.Join(", ", seeds.Take(reports.Count))}), {trainSeconds / reports.Count:F0} s of training per seed. "
            + $"PCA: reconstruction MSE from the {pca.Pca!.ComponentCount} components that explain 95% of the training variance (deterministic: one fit).\n\n");
        md.Append("Test half, mean ± standard deviation over the seeds. Columns after F1: false-positive rate on the test normals, then the detection rate (recall) per attack category.\n\n");
        md.Append(SeedSummary([(aeName, reports), (pca.Name, [pcaReport])])).Append('\n');
        md.Append(Target(reports.Select(r => r.Auroc).ToList())).Append(' ')
            .Append(KddPeer.Sentence(context, data.Source, split, recipe, seeds.Take(reports.Count).ToList(), peer)).Append("\n\n");
        if (reports.Count > 1)
        {
            md.Append("Per seed:\n\n| seed | validation AUROC | test AUROC | test AUPRC | F1 | FPR | r2l | u2r |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (int k = 0; k < reports.Count; k++)
            {
                var r = reports[k];
                md.Append($"| {seeds[k]} | {F(validationAurocs[k])} | {F(r.Auroc)} | {F(r.AveragePrecision)} | {F(r.F1)} | {Pct(r.FalsePositiveRate)} | "
                    + $"{Pct(r.Groups[(int)KddCategory.R2L].Rate, 1)} | {Pct(r.Groups[(int)KddCategory.U2R].Rate, 1)} |\n");
            }
            md.Append('\n');
        }
        md.Append($"The autoencoder of seed {seeds[0]} in detail.\n\n");
        md.Append(Confusion([(aeName, aeReport), (pca.Name, pcaReport)], "attack", "normal")).Append('\n');
        md.Append(ThresholdTable(first, firstValidation, firstScores, isAnomaly, groups)).Append('\n');
        md.Append(PerLabelTable(data, testRows, isAnomaly, firstScores, first.Threshold, pcaScores, pca.Threshold)).Append('\n');
        double recallAt = RecallAtFpr(firstScores, isAnomaly, 0.0075), pcaRecallAt = RecallAtFpr(pcaScores, isAnomaly, 0.0075);
        md.Append($"Recall at a test FPR of 0.75% (read off the ROC curve), seed {seeds[0]}: autoencoder {F(recallAt)}, PCA {F(pcaRecallAt)}.\n");
        context.Results["recall_at_fpr_0.75%"] = recallAt;

        foreach (var (key, value) in Json(aeReport)) context.Results[key] = value;
        context.Results["protocol"] = "standard";
        context.Results["split_seed"] = split.Seed;
        context.Results["seeds"] = seeds.Take(reports.Count).ToArray();
        context.Results["auroc_per_seed"] = reports.Select(r => r.Auroc).ToArray();
        context.Results["auroc_mean"] = reports.Average(r => r.Auroc);
        context.Results["auroc_std"] = Sd(reports.Select(r => r.Auroc).ToList());
        context.Results["validation_auroc_mean"] = validationAurocs.Average();
        context.Results["train_seconds"] = trainSeconds;
        context.Results["recipe"] = recipe.Describe(f);
        context.Results["pca"] = Json(pcaReport);
        context.Report.Markdown(md.ToString());
        return md.ToString();
    }

    /// <summary>The AUROC this protocol is held to: a PyTorch autoencoder's, measured on the earlier version of this protocol (test = all attacks; its seeds are not recorded).</summary>
    public const double ReferenceAuroc = 0.9987;

    /// <summary>One sentence: the measured test AUROC against <see cref="ReferenceAuroc"/>, met or missed by how much.</summary>
    public static string Target(IReadOnlyList<double> aurocs)
    {
        double mean = aurocs.Average();
        string measured = aurocs.Count == 1 ? F(mean) : $"{F(mean)} ± {F(Sd(aurocs))} (mean ± sd over {aurocs.Count} seeds; lowest {F(aurocs.Min())})";
        string verdict = mean >= ReferenceAuroc
            ? $"target met: the mean is {F(mean - ReferenceAuroc)} above it"
            : $"target missed: the mean is {F(ReferenceAuroc - mean)} below it";
        return $"Target: test AUROC ≥ {F(ReferenceAuroc)} (a PyTorch autoencoder, measured on the earlier version of this protocol: test = all attacks, seeds not recorded). "
            + $"Measured: {measured}; {verdict}.";
    }

    /// <summary>Sample standard deviation (0 for one value).</summary>
    public static double Sd(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>"mean ± sd" with four decimals; just the value for one.</summary>
    public static string MeanSd(IReadOnlyList<double> values) =>
        values.Count == 1 ? F(values[0]) : $"{F(values.Average())} ± {F(Sd(values))}";

    public static string PctSd(IReadOnlyList<double> values) =>
        values.Count == 1 ? Pct(values[0], 1) : $"{Pct(values.Average(), 1)} ± {Pct(Sd(values), 1)}";

    /// <summary>The summary table of <see cref="Summary"/> with each cell the mean ± standard deviation over a detector's seeds.</summary>
    public static string SeedSummary(IReadOnlyList<(string Name, List<DetectionReport> Reports)> rows)
    {
        var shown = Enumerable.Range(1, GroupNames.Length - 1).Where(g => rows[0].Reports[0].Groups[g].Count > 0).ToArray();
        var sb = new StringBuilder("| detector | AUROC | AUPRC | precision | recall | F1 | FPR (normal) |");
        foreach (int g in shown) sb.Append(' ').Append(GroupNames[g]).Append(" |");
        sb.Append("\n|---|---:|---:|---:|---:|---:|---:|");
        foreach (int _ in shown) sb.Append("---:|");
        sb.Append('\n');
        foreach (var (name, reports) in rows)
        {
            List<double> Of(Func<DetectionReport, double> metric) => reports.Select(metric).ToList();
            sb.Append($"| {name} | {MeanSd(Of(r => r.Auroc))} | {MeanSd(Of(r => r.AveragePrecision))} | {MeanSd(Of(r => r.Precision))} | "
                + $"{MeanSd(Of(r => r.Recall))} | {MeanSd(Of(r => r.F1))} | {PctSd(Of(r => r.FalsePositiveRate))} |");
            foreach (int g in shown) sb.Append(' ').Append(PctSd(Of(r => r.Groups[g].Rate))).Append(" |");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    // The same trained autoencoder under every threshold rule: only Threshold changes, nothing is refitted.
    private static string ThresholdTable(AutoencoderDetector ae, float[] validationScores, float[] testScores,
        bool[] isAnomaly, int[] groups)
    {
        var rules = new (string Where, ThresholdRule Rule, float[] On)[]
        {
            ("validation normals", ThresholdRule.TargetFalsePositiveRate(0.01), validationScores),
            ("validation normals", ThresholdRule.TargetFalsePositiveRate(0.0075), validationScores),
            ("validation normals", ThresholdRule.TargetFalsePositiveRate(0.001), validationScores),
            ("validation normals", ThresholdRule.MeanPlusKSigma(3), validationScores),
            ("validation normals", ThresholdRule.MedianPlusKMad(3), validationScores),
            ("training normals", ThresholdRule.Contamination(0.1), ae.TrainingScores),
            ("test labels (oracle, upper bound)", ThresholdRule.BestF1(), testScores),
        };
        var sb = new StringBuilder("Threshold rules on the same trained autoencoder (the model is not refitted):\n\n"
            + "| rule | applied to | threshold | FPR | recall | precision | F1 | r2l | u2r |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        float kept = ae.Threshold;
        foreach (var (where, rule, on) in rules)
        {
            ae.Calibrate(rule, on, rule.NeedsLabels ? isAnomaly : default);
            var r = DetectionReport.Evaluate(testScores, isAnomaly, ae.Threshold, groups, GroupNames);
            sb.Append($"| {rule} | {where} | {ae.Threshold:G4} | {Pct(r.FalsePositiveRate)} | {F(r.Recall)} | {F(r.Precision)} | {F(r.F1)} | "
                + $"{Pct(r.Groups[(int)KddCategory.R2L].Rate, 1)} | {Pct(r.Groups[(int)KddCategory.U2R].Rate, 1)} |\n");
        }
        ae.Threshold = kept;
        return sb.ToString();
    }

    // Detection rate per attack type (the finest labels), so the hard categories' misses have names.
    private static string PerLabelTable(Kdd99Data data, int[] testRows, bool[] isAnomaly, float[] aeScores, float aeThreshold,
        float[] pcaScores, float pcaThreshold)
    {
        var labels = testRows.Select(i => data.Label[i]).ToArray();
        var ae = DetectionReport.Evaluate(aeScores, isAnomaly, aeThreshold, labels, data.LabelNames);
        var pca = DetectionReport.Evaluate(pcaScores, isAnomaly, pcaThreshold, labels, data.LabelNames);
        var sb = new StringBuilder("Flagged fraction per label at the chosen thresholds:\n\n"
            + "| label | category | test records | autoencoder | PCA |\n|---|---|---:|---:|---:|\n");
        var order = Enumerable.Range(0, data.LabelNames.Count).Where(l => ae.Groups[l].Count > 0)
            .OrderBy(l => Kdd99.CategoryOf(data.LabelNames[l])).ThenByDescending(l => ae.Groups[l].Count);
        foreach (int l in order)
        {
            sb.Append($"| {data.LabelNames[l]} | {Kdd99.CategoryOf(data.LabelNames[l]).ToString().ToLowerInvariant()} | "
                + $"{ae.Groups[l].Count:N0} | {Pct(ae.Groups[l].Rate, 1)} | {Pct(pca.Groups[l].Rate, 1)} |\n");
        }
        return sb.ToString();
    }

    // The highest true-positive rate among ROC points whose false-positive rate is at most the target.
    private static double RecallAtFpr(float[] scores, bool[] isAnomaly, double fpr)
    {
        var roc = Engine.Analysis.RocCurve.Compute(scores, isAnomaly);
        double best = 0;
        for (int i = 0; i < roc.Thresholds.Length; i++)
            if (roc.FalsePositiveRates[i] <= fpr) best = Math.Max(best, roc.TruePositiveRates[i]);
        return best;
    }

    // The 1-minute load average (Linux), so a timing taken on a busy machine says so.
    internal static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    public static FloatDataset Gather(float[] x, int features, int[] rows)
    {
        var values = new float[(long)rows.Length * features];
        for (int i = 0; i < rows.Length; i++) x.AsSpan(rows[i] * features, features).CopyTo(values.AsSpan(i * features));
        return new FloatDataset(values, features);
    }
}
