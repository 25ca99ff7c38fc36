using System.Diagnostics;
using System.Globalization;
using System.Text;
using Engine.Anomaly;
using Engine.Data;
using Engine.Data.Tables;
using Engine.Training;
using static Demo.Commands.AnomalyMarkdown;
using Engine.Kernels;

namespace Demo.Commands;

/// <summary>
/// `anomaly --search`: the autoencoder recipes of the "standard" KDD'99 protocol compared on VALIDATION data only
/// (<see cref="KddSplit"/>: validation normals vs the validation half of the attacks), each over several training
/// seeds. The choice is made before the test half is touched; only then are the chosen recipe's detectors scored on
/// the test half, and that is what the table reports. The chosen recipe is the `anomaly` command's default.
/// </summary>
internal static class KddSearch
{
    /// <summary>The chapter block this search writes with --write-docs.</summary>
    public const string Block = "kdd-recipe-search";

    /// <summary>Mean validation AUROCs closer than this to the best count as a tie (the tables show four decimals).</summary>
    public const double TieBand = 1e-4;

    /// <summary>Seeds per candidate unless --runs says otherwise.</summary>
    public const int DefaultRuns = 5;

    private static readonly KddCategory[] AttackCategories = [KddCategory.Dos, KddCategory.Probe, KddCategory.R2L, KddCategory.U2R];
    private static readonly string[] GroupNames = Enum.GetNames<KddCategory>().Select(n => n.ToLowerInvariant()).ToArray();

    private static KddRecipe Recipe(int latent, int epochs, float learningRate) => new([64, 32], latent, epochs, 256, learningRate);

    // standardised features are unbounded: identity output
    private static KddRecipe Standardised(int latent, int epochs) =>
        Recipe(latent, epochs, 1e-3f) with { Scaling = FeatureScaling.Standard, Output = Engine.Kernels.ActivationKind.Identity };

    /// <summary>The recipes compared, in the order of the table: code size × epochs × learning rate, min-max scaled, then standardised.</summary>
    public static IReadOnlyList<KddRecipe> Candidates { get; } =
    [
        Recipe(4, 20, 1e-3f), Recipe(4, 50, 1e-3f), Recipe(4, 20, 3e-3f),
        Recipe(8, 20, 1e-3f), Recipe(8, 50, 1e-3f), Recipe(8, 20, 3e-3f),
        Recipe(16, 20, 1e-3f), Recipe(16, 50, 1e-3f), Recipe(16, 20, 3e-3f),
        Standardised(4, 50), Standardised(8, 20), Standardised(8, 50), Standardised(16, 20), Standardised(16, 50),
    ];

    /// <summary>
    /// The recipe this search chose (docs/05-anomaly-detection-kdd99.md, block kdd-recipe-search): the default of
    /// `anomaly --protocol standard`.
    /// </summary>
    public static KddRecipe Chosen => Candidates[7];

    /// <summary>One training seed of one recipe, measured on the validation rows.</summary>
    /// <param name="Recall">Validation detection rate per attack category (dos, probe, r2l, u2r) at the threshold.</param>
    /// <param name="Detector">The trained detector, its threshold the 99th percentile of the validation normals' scores.</param>
    internal sealed record SeedScore(int Seed, double Auroc, double[] Recall, AutoencoderDetector Detector);

    /// <summary>A recipe's validation results over the seeds.</summary>
    internal sealed record CandidateResult(KddRecipe Recipe, IReadOnlyList<SeedScore> Seeds, double SecondsPerSeed)
    {
        public double MeanAuroc => Seeds.Average(s => s.Auroc);

        /// <summary>Validation recall averaged over the attack categories present, then over seeds: the tie-break.</summary>
        public double MeanRecall => Seeds.Average(s => s.Recall.Where(double.IsFinite).DefaultIfEmpty(0).Average());
    }

    /// <summary>
    /// Trains every candidate on the training normals for every seed and measures it on the validation rows. Rows are
    /// asked of <paramref name="gather"/> (features scaled as the candidate says): <see cref="KddSplit.Train"/> and
    /// <see cref="KddSplit.Validation"/>; the test rows are never asked for.
    /// </summary>
    public static List<CandidateResult> Evaluate(Func<FeatureScaling, int[], FloatDataset> gather, KddSplit split, IReadOnlyList<KddCategory> categories,
        IReadOnlyList<KddRecipe> candidates, IReadOnlyList<int> seeds, Func<KddRecipe, int, TrainerOptions>? trainer = null,
        Action<string>? log = null, CancellationToken cancellation = default)
    {
        trainer ??= (recipe, seed) => recipe.Trainer(seed);
        int[] validationRows = split.Validation;
        var rows = new Dictionary<FeatureScaling, (FloatDataset Train, FloatDataset Validation)>();
        var isAnomaly = validationRows.Select(i => categories[i] != KddCategory.Normal).ToArray();
        var groups = validationRows.Select(i => (int)categories[i]).ToArray();
        int normals = split.ValidationNormals.Length;
        var rule = ThresholdRule.TargetFalsePositiveRate(0.01);

        var results = new List<CandidateResult>();
        foreach (var recipe in candidates)
        {
            if (!rows.TryGetValue(recipe.Scaling, out var sets))
                rows[recipe.Scaling] = sets = (gather(recipe.Scaling, split.Train), gather(recipe.Scaling, validationRows));
            var (train, validation) = sets;
            var scores = new List<SeedScore>();
            var clock = Stopwatch.StartNew();
            foreach (int seed in seeds)
            {
                if (cancellation.IsCancellationRequested) break;
                var detector = recipe.Build(train.Features, seed, trainer(recipe, seed));
                detector.Fit(train);
                if (detector.History is { Cancelled: true }) break;
                var s = detector.DecisionFunction(validation);
                detector.Calibrate(rule, s[..normals]);
                var report = DetectionReport.Evaluate(s, isAnomaly, detector.Threshold, groups, GroupNames);
                var recall = AttackCategories.Select(c => report.Groups[(int)c] is { Count: > 0 } g ? g.Rate : double.NaN).ToArray();
                scores.Add(new SeedScore(seed, report.Auroc, recall, detector));
                log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"  {recipe.Label}, seed {seed}: validation AUROC {report.Auroc:F4}, r2l {Pct(recall[2], 1)}, u2r {Pct(recall[3], 1)} ({clock.Elapsed.TotalSeconds:F0} s so far)"));
            }
            if (scores.Count == seeds.Count)
                results.Add(new CandidateResult(recipe, scores, clock.Elapsed.TotalSeconds / seeds.Count));
        }
        return results;
    }

    /// <summary>
    /// The index of the chosen result: the highest mean validation AUROC; results within <see cref="TieBand"/> of it
    /// tie, and the tie goes to the highest mean validation recall per attack category, then to the earlier candidate
    /// (fewer epochs and smaller codes come first).
    /// </summary>
    public static int Choose(IReadOnlyList<CandidateResult> results)
    {
        if (results.Count == 0) throw new ArgumentException("KddSearch.Choose: no candidate finished.", nameof(results));
        double best = results.Max(r => r.MeanAuroc);
        int chosen = -1;
        for (int i = 0; i < results.Count; i++)
        {
            if (results[i].MeanAuroc < best - TieBand) continue;
            if (chosen < 0 || results[i].MeanRecall > results[chosen].MeanRecall) chosen = i;
        }
        return chosen;
    }

    public static void Run(RunContext context, Kdd99Data data, int runs, string? only)
    {
        var candidates = Select(only, context);
        var split = KddSplit.Create(data.Category, KddSplit.DefaultSeed);
        var matrices = new Dictionary<FeatureScaling, (float[] X, int Features)>();
        (float[] X, int Features) Matrix(FeatureScaling scaling)
        {
            if (!matrices.TryGetValue(scaling, out var m)) matrices[scaling] = m = KddAnomaly.Preprocess(context, data, split, scaling);
            return m;
        }
        int features = Matrix(FeatureScaling.MinMax).Features;
        context.Out.Line($"split seed {split.Seed}: {split.Train.Length:N0} training normals; validation {split.ValidationNormals.Length:N0} normals + "
            + $"{split.ValidationAttacks.Length:N0} attacks; the test half ({split.TestNormals.Length:N0} + {split.TestAttacks.Length:N0}) is not read until a recipe is chosen");
        var seeds = Enumerable.Range(context.Seed, runs).ToArray();
        var results = Evaluate((scaling, rows) => KddAnomaly.Gather(Matrix(scaling).X, Matrix(scaling).Features, rows), split, data.Category, candidates, seeds,
            (recipe, seed) => recipe.Trainer(seed) with { Cancellation = context.Cancellation, OnBatch = r => context.Out.Batch(r, recipe.Epochs) },
            context.Out.Line, context.Cancellation);
        if (results.Count == 0 || context.Cancellation.IsCancellationRequested) return;
        int chosen = Choose(results);

        // The choice is made: now, and only now, the test half is read, and only the chosen recipe is scored on it.
        int[] testRows = split.Test;
        var test = KddAnomaly.Gather(Matrix(results[chosen].Recipe.Scaling).X, Matrix(results[chosen].Recipe.Scaling).Features, testRows);
        var isAnomaly = testRows.Select(i => data.Category[i] != KddCategory.Normal).ToArray();
        var groups = testRows.Select(i => (int)data.Category[i]).ToArray();
        var reports = results[chosen].Seeds
            .Select(s => DetectionReport.Evaluate(s.Detector.DecisionFunction(test), isAnomaly, s.Detector.Threshold, groups, GroupNames)).ToList();

        string markdown = Table(split.Describe(data.Category), features, seeds, results, chosen, reports);
        context.Out.Line("");
        context.Out.Markdown(markdown);
        context.Report.Markdown(markdown);
        context.Results["command"] = "anomaly --search";
        context.Results["chosen"] = results[chosen].Recipe.Describe(features);
        context.Results["validation_auroc_mean"] = results[chosen].MeanAuroc;
        context.Results["test_auroc_mean"] = reports.Average(r => r.Auroc);
        context.Results["test_auroc_std"] = KddAnomaly.Sd(reports.Select(r => r.Auroc).ToList());
        foreach (var result in results)
            context.Results[$"validation_auroc {result.Recipe.Label}"] = result.MeanAuroc;
        if (only is null && !context.Quick)
            ResultsDoc.Publish(context, AnomalyCommand.Chapter, Block, markdown);
        else if (context.WriteDocs)
            context.Out.Line($"docs/{AnomalyCommand.Chapter} left as it is: a search with --candidates or --quick is not the chapter's.");
    }

    /// <summary>What is wrong with a --candidates value (named in the message), or null when every entry names a candidate.</summary>
    public static string? CandidatesProblem(string? only)
    {
        if (only is null) return null;
        var names = only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0) return $"--candidates needs recipe numbers from 1 to {Candidates.Count}, got '{only}'.";
        foreach (string name in names)
        {
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 1 || number > Candidates.Count)
                return $"--candidates: '{name}' is not a recipe; use numbers from 1 to {Candidates.Count}: "
                    + string.Join("; ", Candidates.Select((c, i) => $"{i + 1} = {c.Label}")) + ".";
        }
        return null;
    }

    private static List<KddRecipe> Select(string? only, RunContext context)
    {
        // --quick: a tenth of the epochs, for a smoke run (never written to the chapter)
        var all = context.Quick ? Candidates.Select(c => c with { Epochs = Math.Max(1, c.Epochs / 10) }).ToList() : [.. Candidates];
        if (only is null) return all;
        if (CandidatesProblem(only) is string problem) throw new ArgumentException(problem);
        return only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(name => all[int.Parse(name, NumberStyles.None, CultureInfo.InvariantCulture) - 1]).ToList();
    }

    private static string Table(string split, int features, int[] seeds, List<CandidateResult> results, int chosen, List<DetectionReport> test)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(split);
        sb.AppendLine();
        sb.AppendLine($"Every candidate: {features}-64-32-code-32-64-{features}, ReLU, MSE, batch 256; min-max features (fitted on the training normals) with a sigmoid output, "
            + "or standardised features (mean and standard deviation of the training normals) with a linear output; "
            + $"training seeds {seeds[0]}–{seeds[^1]} (initialisation and batch order; the split stays). Validation columns: mean ± standard deviation over the seeds; "
            + "recall per category at the threshold (99th percentile of the validation normals' scores). Choice: the highest mean validation AUROC; "
            + string.Create(c, $"candidates within {TieBand} of it tie, and the tie goes to the highest validation recall averaged over the four attack categories, ")
            + "then to the earlier row.");
        sb.AppendLine();
        sb.AppendLine("| # | recipe | validation AUROC | dos | probe | r2l | u2r | training s per seed |");
        sb.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            string Recall(int k) => PctSd(r.Seeds.Select(s => s.Recall[k]).Where(double.IsFinite).ToList());
            string auroc = KddAnomaly.MeanSd(r.Seeds.Select(s => s.Auroc).ToList());
            string name = i == chosen ? $"**{r.Recipe.Label}** (chosen)" : r.Recipe.Label;
            sb.AppendLine(c, $"| {i + 1} | {name} | {(i == chosen ? $"**{auroc}**" : auroc)} | {Recall(0)} | {Recall(1)} | {Recall(2)} | {Recall(3)} | {r.SecondsPerSeed:F0} |");
        }
        sb.AppendLine();
        sb.AppendLine(c, $"Then, with the choice made, the test half was read once: the chosen recipe's {test.Count} detectors (the ones measured above, thresholds unchanged) on the test normals and test attacks:");
        sb.AppendLine();
        sb.Append(KddAnomaly.SeedSummary([($"autoencoder ({results[chosen].Recipe.Label})", test)]));
        sb.AppendLine();
        sb.Append(KddAnomaly.Target(test.Select(r => r.Auroc).ToList()));
        return sb.ToString().TrimEnd();
    }

    private static string PctSd(IReadOnlyList<double> values) => values.Count == 0 ? "" : KddAnomaly.PctSd(values);
}
