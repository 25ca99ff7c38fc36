using System.Diagnostics;
using System.Text;
using Engine.Anomaly;
using Engine.Data;
using Engine.Layers;
using Engine.Models;
using Engine.Training;
using static Demo.Commands.AnomalyMarkdown;

namespace Demo.Commands;

/// <summary>The autoencoder recipe for KDD'99: the same for every seed of a protocol.</summary>
internal sealed record KddRecipe(int[] Hidden, int Latent, int Epochs, int BatchSize, float LearningRate)
{
    public string Describe(int features) =>
        $"{features}-{string.Join('-', Hidden)}-{Latent}-{string.Join('-', Hidden.Reverse())}-{features}, ReLU, sigmoid output, "
        + $"MSE, Adam {LearningRate:G3}, batch {BatchSize}, {Epochs} epochs";

    public AutoencoderDetector Build(int features, int seed, RunContext context, bool log) => new(
        new DenseAutoencoder(new DenseAutoencoderOptions(features, Hidden, Latent, ActivationKind.Relu), new Random(seed)),
        new AutoencoderDetectorOptions
        {
            LearningRate = LearningRate,
            Trainer = new TrainerOptions
            {
                Epochs = Epochs,
                BatchSize = BatchSize,
                Seed = seed,
                Cancellation = context.Cancellation,
                OnBatch = log ? r => context.Out.Batch(r, Epochs) : null,
                OnEpoch = log ? r => context.Out.Epoch(r, Epochs) : null,
            },
        });
}

/// <summary>KDD Cup 1999 (10%): the "standard" (train on normal traffic) and "dagmm" (Zong et al., 2018) protocols.</summary>
internal static class KddAnomaly
{
    private static readonly string[] GroupNames = Enum.GetNames<KddCategory>().Select(n => n.ToLowerInvariant()).ToArray();

    public static Kdd99Data Load(RunContext context)
    {
        string path = KddDownload.Locate(context.DataPath, context.Out);
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var data = Kdd99.Read(path);
        context.Results["load_seconds"] = clock.Elapsed.TotalSeconds;
        context.Results["load_cpu_seconds"] = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var counts = data.CategoryCounts();
        context.Out.Line($"data: {path}: {data.Count:N0} records read in {clock.Elapsed.TotalSeconds:F2} s ("
            + string.Join(", ", GroupNames.Select((n, i) => $"{n} {counts[i]:N0}").Where((_, i) => counts[i] > 0)) + ")");
        return data;
    }

    /// <summary>Normal records split 60/20/20; train on normals; threshold = 99th percentile of validation normals.</summary>
    public static string Standard(RunContext context, Kdd99Data data, KddRecipe recipe)
    {
        var random = new Random(context.Seed);
        var normals = Enumerable.Range(0, data.Count).Where(i => data.Category[i] == KddCategory.Normal).ToArray();
        random.Shuffle(normals);
        int nTrain = (int)(0.6 * normals.Length), nValidation = (int)(0.2 * normals.Length);
        var trainRows = normals[..nTrain];
        var validationRows = normals[nTrain..(nTrain + nValidation)];
        var testRows = normals[(nTrain + nValidation)..]
            .Concat(Enumerable.Range(0, data.Count).Where(i => data.Category[i] != KddCategory.Normal)).ToArray();

        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var pre = KddPreprocessor.Fit(data, trainRows);
        var x = pre.Transform(data);
        double prepSeconds = clock.Elapsed.TotalSeconds;
        double prepCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        double loadCpu = (double)context.Results["load_cpu_seconds"];
        double loadSeconds = (double)context.Results["load_seconds"];
        int f = pre.FeatureCount;
        context.Out.Line($"preprocessing (one-hot, log1p, min-max on training normals): {f} features in {prepSeconds:F2} s; "
            + $"load + preprocess {loadSeconds + prepSeconds:F2} s wall, {loadCpu + prepCpu:F2} s CPU (load average {LoadAverage()})");
        context.Out.Line($"split: {trainRows.Length:N0} train / {validationRows.Length:N0} validation normals; "
            + $"test {testRows.Length:N0} = {normals.Length - nTrain - nValidation:N0} normals + {testRows.Length - normals.Length + nTrain + nValidation:N0} attacks");
        var train = Gather(x, f, trainRows);
        var validation = Gather(x, f, validationRows);
        var test = Gather(x, f, testRows);
        var isAnomaly = testRows.Select(i => data.Category[i] != KddCategory.Normal).ToArray();
        var groups = testRows.Select(i => (int)data.Category[i]).ToArray();
        var rule = ThresholdRule.TargetFalsePositiveRate(0.01);

        context.Out.Line($"autoencoder: {recipe.Describe(f)}");
        var ae = recipe.Build(f, context.Seed, context, log: true);
        clock.Restart();
        ae.Fit(train, validation);
        double trainSeconds = clock.Elapsed.TotalSeconds;
        var aeValidation = ae.DecisionFunction(validation);
        ae.Calibrate(rule, aeValidation);
        var aeScores = ae.DecisionFunction(test);
        var aeReport = DetectionReport.Evaluate(aeScores, isAnomaly, ae.Threshold, groups, GroupNames);

        var pca = PcaDetector.ExplainingVariance(0.95);
        pca.Fit(train);
        pca.Calibrate(rule, validation);
        var pcaScores = pca.DecisionFunction(test);
        var pcaReport = DetectionReport.Evaluate(pcaScores, isAnomaly, pca.Threshold, groups, GroupNames);

        var rows = new List<(string, DetectionReport)> { ($"autoencoder ({recipe.Latent}-d code)", aeReport), (pca.Name, pcaReport) };
        var md = new StringBuilder();
        md.Append($"Protocol \"standard\", seed {context.Seed}: the {normals.Length:N0} normal records of {Path.GetFileName(data.Source)} "
            + $"split 60/20/20; the detectors see only the {trainRows.Length:N0} training normals; test = "
            + $"{normals.Length - nTrain - nValidation:N0} held-out normals + all {testRows.Length - normals.Length + nTrain + nValidation:N0} attacks. "
            + $"Threshold: {rule}, i.e. the 99th percentile of the {validationRows.Length:N0} validation normals' scores. "
            + $"{f} features (one-hot protocol/service/flag, log1p counts, min-max fitted on training normals). "
            + $"Reading the file took {loadSeconds:F2} s, preprocessing {prepSeconds:F2} s (wall clock; {loadCpu + prepCpu:F2} s CPU over both; "
            + $"load average {LoadAverage()} on this machine during the run).\n\n");
        md.Append($"Autoencoder: {recipe.Describe(f)}, score = per-record reconstruction MSE; trained in {trainSeconds:F0} s. "
            + $"PCA: reconstruction MSE from the {pca.Pca!.ComponentCount} components that explain 95% of the training variance.\n\n");
        md.Append("Columns after F1: false-positive rate on the test normals, then the detection rate (recall) per attack category.\n\n");
        md.Append(Summary(rows, "FPR (normal)")).Append('\n');
        md.Append(Confusion(rows, "attack", "normal")).Append('\n');
        md.Append(ThresholdTable(ae, aeValidation, aeScores, isAnomaly, groups)).Append('\n');
        double recallAt = RecallAtFpr(aeScores, isAnomaly, 0.0075), pcaRecallAt = RecallAtFpr(pcaScores, isAnomaly, 0.0075);
        md.Append($"Recall at a test FPR of 0.75% (read off the ROC curve): autoencoder {F(recallAt)}, PCA {F(pcaRecallAt)}. "
            + "Reference: a PyTorch autoencoder on the same protocol measured AUROC 0.9987 and recall 0.990 at 0.75% FPR.\n");
        context.Results["recall_at_fpr_0.75%"] = recallAt;

        foreach (var (key, value) in Json(aeReport)) context.Results[key] = value;
        context.Results["protocol"] = "standard";
        context.Results["preprocess_seconds"] = prepSeconds;
        context.Results["load_preprocess_cpu_seconds"] = loadCpu + prepCpu;
        context.Results["features"] = f;
        context.Results["train_seconds"] = trainSeconds;
        context.Results["recipe"] = recipe.Describe(f);
        context.Results["pca"] = Json(pcaReport);
        return md.ToString();
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

    /// <summary>
    /// Zong et al. (ICLR 2018): normal traffic (~20%) is the anomaly class; random 50/50 split; train on the attacks
    /// of the training half; flag the top 20% of test scores; F1 over several seeds.
    /// </summary>
    public static string Dagmm(RunContext context, Kdd99Data data, KddRecipe recipe, int runs)
    {
        var f1 = new Dictionary<string, List<DetectionReport>> { ["autoencoder"] = [], ["pca"] = [] };
        int features = 0;
        double trainSeconds = 0;
        for (int run = 0; run < runs && !context.Cancellation.IsCancellationRequested; run++)
        {
            int seed = context.Seed + run;
            var order = Enumerable.Range(0, data.Count).ToArray();
            new Random(seed).Shuffle(order);
            var trainHalf = order[..(data.Count / 2)];
            var testRows = order[(data.Count / 2)..];
            var inliers = trainHalf.Where(i => data.Category[i] != KddCategory.Normal).ToArray();

            // the preprocessor fits its scaling on "normal" rows: here the inliers are the attacks, so relabel them
            var pre = KddPreprocessor.Fit(WithInliersAsNormal(data), inliers);
            var x = pre.Transform(data);
            features = pre.FeatureCount;
            var train = Gather(x, features, inliers);
            var test = Gather(x, features, testRows);
            var isAnomaly = testRows.Select(i => data.Category[i] == KddCategory.Normal).ToArray();
            var rule = ThresholdRule.Contamination(0.2);

            var ae = recipe.Build(features, seed, context, log: false);
            var clock = Stopwatch.StartNew();
            ae.Fit(train);
            trainSeconds += clock.Elapsed.TotalSeconds;
            var scores = ae.DecisionFunction(test);
            ae.Calibrate(rule, scores);
            f1["autoencoder"].Add(DetectionReport.Evaluate(scores, isAnomaly, ae.Threshold));

            var pca = PcaDetector.ExplainingVariance(0.95);
            pca.Fit(train);
            var pcaScores = pca.DecisionFunction(test);
            pca.Calibrate(rule, pcaScores);
            f1["pca"].Add(DetectionReport.Evaluate(pcaScores, isAnomaly, pca.Threshold));
            context.Out.Line($"  run {run + 1,2}/{runs} seed {seed}: {inliers.Length:N0} training inliers, {testRows.Length:N0} test; "
                + $"AE F1 {f1["autoencoder"][^1].F1:F4} (AUROC {f1["autoencoder"][^1].Auroc:F4}, {clock.Elapsed.TotalSeconds:F0} s), "
                + $"PCA F1 {f1["pca"][^1].F1:F4}");
        }
        int done = f1["autoencoder"].Count;
        var md = new StringBuilder();
        md.Append($"Protocol \"dagmm\" (Zong et al., ICLR 2018): normal traffic is the anomaly class "
            + $"({data.CategoryCounts()[(int)KddCategory.Normal] / (double)data.Count:P1} of the records); each run draws a random 50/50 split, "
            + "fits the preprocessing and the detector on the attack records of the training half only, and flags the top 20% "
            + $"of the test half's scores. {done} runs (seeds {context.Seed}..{context.Seed + done - 1}); mean ± standard deviation over runs.\n\n"
            + $"Autoencoder: {recipe.Describe(features)} ({trainSeconds / Math.Max(done, 1):F0} s of training per run). "
            + "PCA: 95% of the training variance.\n\n");
        md.Append("| detector | precision | recall | F1 | AUROC |\n|---|---:|---:|---:|---:|\n");
        foreach (var (name, reports) in f1)
        {
            md.Append($"| {name} (this run) | {MeanStd(reports.Select(r => r.Precision))} | {MeanStd(reports.Select(r => r.Recall))} | "
                + $"**{MeanStd(reports.Select(r => r.F1))}** | {MeanStd(reports.Select(r => r.Auroc))} |\n");
        }
        md.Append("| pre-trained deep autoencoder (published, Zong et al.) | | | 0.7336 | |\n");
        md.Append("| DAGMM (published, Zong et al.) | | | 0.9369 | |\n");

        var aeF1 = f1["autoencoder"].Select(r => r.F1).ToArray();
        context.Results["protocol"] = "dagmm";
        context.Results["runs"] = done;
        context.Results["f1_mean"] = aeF1.Average();
        context.Results["f1_std"] = Std(aeF1);
        context.Results["f1_runs"] = aeF1;
        context.Results["precision"] = f1["autoencoder"].Average(r => r.Precision);
        context.Results["recall"] = f1["autoencoder"].Average(r => r.Recall);
        context.Results["f1"] = aeF1.Average();
        context.Results["auroc"] = f1["autoencoder"].Average(r => r.Auroc);
        context.Results["auprc"] = f1["autoencoder"].Average(r => r.AveragePrecision);
        context.Results["pca_f1_mean"] = f1["pca"].Average(r => r.F1);
        context.Results["pca_f1_std"] = Std(f1["pca"].Select(r => r.F1).ToArray());
        context.Results["recipe"] = recipe.Describe(features);
        return md.ToString();
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

    private static string MeanStd(IEnumerable<double> values)
    {
        var v = values.ToArray();
        return $"{F(v.Average())} ± {F(Std(v))}";
    }

    // Sample standard deviation (n − 1); 0 for a single run.
    private static double Std(double[] v)
    {
        if (v.Length < 2) return 0;
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
    }

    private static Kdd99Data WithInliersAsNormal(Kdd99Data data) => new()
    {
        Count = data.Count, Numeric = data.Numeric, Protocol = data.Protocol, Service = data.Service, Flag = data.Flag,
        ProtocolNames = data.ProtocolNames, ServiceNames = data.ServiceNames, FlagNames = data.FlagNames,
        Label = data.Label, LabelNames = data.LabelNames, Source = data.Source,
        Category = data.Category.Select(c => c == KddCategory.Normal ? KddCategory.Unknown : KddCategory.Normal).ToArray(),
    };

    // The 1-minute load average (Linux), so a timing taken on a busy machine says so.
    private static string LoadAverage()
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
