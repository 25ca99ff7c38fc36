using System.Diagnostics;
using System.Text;
using Engine.Anomaly;
using Engine.Data;
using Engine.Data.Tables;
using static Demo.Commands.AnomalyMarkdown;

namespace Demo.Commands;

/// <summary>The DAGMM protocol on KDD Cup 1999 (Zong et al., ICLR 2018), where normal traffic is the anomaly class.</summary>
internal static class KddDagmm
{
    /// <summary>
    /// Zong et al. (ICLR 2018): normal traffic (~20%) is the anomaly class; random 50/50 split; train on the attacks
    /// of the training half; flag the top 20% of test scores; F1 over several seeds.
    /// </summary>
    public static string Run(RunContext context, Kdd99Data data, KddRecipe recipe, int runs)
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

            // the preprocessor is fitted on the inliers only: here the attacks of the training half
            TablePreprocessor pre;
            float[] x;
            using (context.Out.Step($"run {run + 1}: preprocessing"))
            {
                var table = data.ToTable();
                pre = TablePreprocessor.Fit(table, inliers, Kdd99.PreprocessorOptions());
                x = pre.Transform(table);
            }
            features = pre.FeatureCount;
            var train = KddAnomaly.Gather(x, features, inliers);
            var test = KddAnomaly.Gather(x, features, testRows);
            var isAnomaly = testRows.Select(i => data.Category[i] == KddCategory.Normal).ToArray();
            var rule = ThresholdRule.Contamination(0.2);

            var training = ModelTraining.Begin(context, $"KDD autoencoder, run {run + 1} (seed {seed})");
            var ae = recipe.Build(features, seed, context, log: false, training);
            var clock = Stopwatch.StartNew();
            ae.Fit(train);
            ModelTraining.End(context, training, ae.History!);
            trainSeconds += clock.Elapsed.TotalSeconds;
            var scores = ae.DecisionFunction(test);
            ae.Calibrate(rule, scores);
            f1["autoencoder"].Add(DetectionReport.Evaluate(scores, isAnomaly, ae.Threshold));

            var pca = PcaDetector.ExplainingVariance(0.95);
            float[] pcaScores;
            using (context.Out.Step($"run {run + 1}: PCA"))
            {
                pca.Fit(train);
                pcaScores = pca.DecisionFunction(test);
            }
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
}
