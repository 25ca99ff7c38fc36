using System.Globalization;
using System.Text;
using Engine.Anomaly;
using Engine.Data;
using Engine.Data.Tables;
using Engine.IO;
using Engine.Models;
using Engine.Persistence;
using static Demo.Commands.AnomalyMarkdown;

namespace Demo.Commands;

/// <summary>
/// `anomaly --train FILE [--test FILE]`: the autoencoder detector on a user's table. The preprocessing (one-hot,
/// log-scaling, min-max or standard) and the model see only normal training rows; the threshold is the 99th percentile
/// of held-out normal rows' scores. Labelled test rows are evaluated (AUROC, confusion matrix, rate per label);
/// unlabelled ones are scored and flagged. Without --test the one file is split: normal rows 60/20/20 into training,
/// validation and test, and every anomaly goes to the test set (no recipe search, so no attacks in validation).
/// </summary>
internal static class TableAnomaly
{
    public static string Run(RunContext context, TableAnomalySettings s, KddRecipe recipe)
    {
        var train = Read(context, s.Train, s.ReadOptions(), "training data");
        bool[] isNormal = NormalMask(train, s);
        var random = new Random(context.Seed);
        var normals = Enumerable.Range(0, train.Count).Where(i => isNormal[i]).ToArray();
        random.Shuffle(normals);
        int[] fitRows, validationRows;
        var notes = new List<string>();
        Table testTable;
        int[] testRows;
        if (s.Test is null)
        {
            int nTrain = (int)(0.6 * normals.Length), nValidation = (int)(0.2 * normals.Length);
            if (nTrain < 1 || nValidation < 1)
                throw new ArgumentException($"{s.Train}: {normals.Length} normal rows are too few to split 60/20/20 into training, validation and test.");
            fitRows = normals[..nTrain];
            validationRows = normals[nTrain..(nTrain + nValidation)];
            testRows = normals[(nTrain + nValidation)..].Concat(Enumerable.Range(0, train.Count).Where(i => !isNormal[i])).ToArray();
            testTable = train;
            notes.Add(train.Labels is null
                ? $"the normal rows split 60/20/20: {fitRows.Length:N0} to train on, {validationRows.Length:N0} to set the threshold, {testRows.Length:N0} scored"
                : $"the {normals.Length:N0} normal rows split 60/20/20 ({fitRows.Length:N0} training, {validationRows.Length:N0} validation, "
                  + $"{normals.Length - fitRows.Length - validationRows.Length:N0} test); all {train.Count - normals.Length:N0} anomalies are test rows");
        }
        else
        {
            int nTrain = (int)(0.8 * normals.Length);
            if (nTrain < 1 || normals.Length - nTrain < 1)
                throw new ArgumentException($"{s.Train}: {normals.Length} normal rows are too few to keep a fifth for the threshold.");
            fitRows = normals[..nTrain];
            validationRows = normals[nTrain..];
            notes.Add($"{fitRows.Length:N0} normal rows of {s.Train} to train on, {validationRows.Length:N0} held out to set the threshold"
                + (train.Count > normals.Length ? $"; its {train.Count - normals.Length:N0} anomalies are not used" : ""));
            testTable = null!;
            testRows = [];
        }

        var pre = TablePreprocessor.Fit(train, fitRows, new TablePreprocessorOptions { Scaling = s.Scaling });
        context.Out.Line($"preprocessing: {Describe(pre)}");
        if (s.Test is not null)
        {
            testTable = Read(context, s.Test, s.ReadOptions(pre.Schema), "test data");
            testRows = Enumerable.Range(0, testTable.Count).ToArray();
        }
        var x = pre.Transform(train);
        int f = pre.FeatureCount;
        var run = ModelTraining.Begin(context, "table autoencoder");
        var ae = recipe.Build(f, context.Seed, context, log: true, run);
        context.Out.Line($"autoencoder: {recipe.Describe(f)}");
        ae.Fit(KddAnomaly.Gather(x, f, fitRows), KddAnomaly.Gather(x, f, validationRows));
        ModelTraining.End(context, run, ae.History!);
        var rule = ThresholdRule.TargetFalsePositiveRate(0.01);
        ae.Calibrate(rule, ae.DecisionFunction(KddAnomaly.Gather(x, f, validationRows)));
        var testX = ReferenceEquals(testTable, train) ? x : pre.Transform(testTable);
        var scores = ae.DecisionFunction(KddAnomaly.Gather(testX, f, testRows));

        var pca = PcaDetector.ExplainingVariance(0.95);
        pca.Fit(KddAnomaly.Gather(x, f, fitRows));
        pca.Calibrate(rule, KddAnomaly.Gather(x, f, validationRows));
        var pcaScores = pca.DecisionFunction(KddAnomaly.Gather(testX, f, testRows));

        if (ae.History is { } history) context.Report.LossChart("table autoencoder", history.Epochs);
        SaveIfAsked(context, s, pre, ae);
        string markdown = Report(context, s, testTable, testRows, scores, ae.Threshold, pcaScores, pca.Threshold, pca.Name,
            $"{recipe.Describe(f)}, score = per-row reconstruction MSE", notes);
        context.Results["features"] = f;
        context.Results["preprocessing"] = Describe(pre);
        return markdown;
    }

    /// <summary>`anomaly --load MODEL --test FILE`: scores a file with a saved table detector, reading and scaling it as at training.</summary>
    public static string Score(RunContext context, string load, TableAnomalySettings now)
    {
        var info = Checkpoint.ReadInfo(load);
        var (s, pre, threshold) = TableAnomalySettings.FromMetadata(info.Metadata, load, now);
        var model = Checkpoint.Load(load);
        if (model is not DenseAutoencoder)
            throw new InvalidDataException($"{load}: holds a {model.GetType().Name}; a table detector is a dense autoencoder.");
        string file = s.Test ?? s.Train;
        context.Out.Line($"model: {load} ({info.Model}; preprocessing {Describe(pre)}; threshold {threshold:G4})");
        var table = Read(context, file, s.ReadOptions(pre.Schema), "data to score");
        var x = pre.Transform(table);
        // a detector around the trained model: Fit only scores (Train = false), and the saved threshold is kept
        var detector = new AutoencoderDetector(model, new AutoencoderDetectorOptions { Train = false });
        detector.Fit(new FloatDataset(x, pre.FeatureCount));
        detector.Threshold = threshold;
        var rows = Enumerable.Range(0, table.Count).ToArray();
        var scores = detector.TrainingScores;
        return Report(context, s with { Test = file }, table, rows, scores, threshold, null, 0, "", $"loaded from {load}",
            [$"every row of {file} scored by the saved model; threshold as saved"]);
    }

    private static Table Read(RunContext context, string path, TableReadOptions options, string what)
    {
        if (Directory.Exists(path))
            throw new ArgumentException($"{path} is a folder; the {what} is one CSV or TSV file.");
        var table = TableReader.Read(path, options);
        int categorical = table.Columns.Count(c => c.Kind == ColumnKind.Categorical);
        string labels = table.Labels is { } l
            ? $"; labels in {l.Describe()}: " + string.Join(", ", l.Names.Select((n, i) => (n, count: l.Codes.Count(c => c == i)))
                .OrderByDescending(t => t.count).Take(8).Select(t => $"{t.n} {t.count:N0}")) + (l.Names.Count > 8 ? $", … ({l.Names.Count} labels)" : "")
            : "; no label column";
        context.Out.Line($"{what}: {path}: {table.Count:N0} rows, {table.Columns.Count} feature columns "
            + $"({table.Columns.Count - categorical} numeric, {categorical} categorical{(categorical > 0 ? ": " + string.Join(", ", table.Columns.Where(c => c.Kind == ColumnKind.Categorical).Take(6).Select(c => c.Name)) : "")}){labels}");
        return table;
    }

    // Normal rows: those labelled --normal; every row when the file has no labels.
    private static bool[] NormalMask(Table table, TableAnomalySettings s)
    {
        if (table.Labels is null)
        {
            if (s.Normal is not null)
                throw new ArgumentException($"--normal {s.Normal}: {s.Train} has no label column; name it with --label-column.");
            return Enumerable.Repeat(true, table.Count).ToArray();
        }
        if (s.Normal is null)
            throw new ArgumentException($"--normal: say which label of {table.Labels.Describe()} means normal (its labels are {string.Join(", ", table.Labels.Names.Take(12).Select(n => $"'{n}'"))}{(table.Labels.Names.Count > 12 ? ", …" : "")}).");
        return table.Labels.IsNormal(s.Normal);
    }

    internal static string Describe(TablePreprocessor pre)
    {
        var hot = pre.OneHotColumns;
        return $"{pre.Schema.Count} columns → {pre.FeatureCount} features; "
            + (hot.Count > 0 ? $"one-hot {string.Join(", ", hot.Take(6).Select(h => $"{h.Column} ({h.Categories})"))}{(hot.Count > 6 ? ", …" : "")}; " : "")
            + $"log1p on {pre.LogColumns.Count} heavy-tailed column{(pre.LogColumns.Count == 1 ? "" : "s")}; "
            + $"{(pre.Scaling == FeatureScaling.MinMax ? "min-max" : "standard")} scaling fitted on {pre.FitRowCount:N0} normal training rows";
    }

    private static void SaveIfAsked(RunContext context, TableAnomalySettings s, TablePreprocessor pre, AutoencoderDetector ae)
    {
        if (context.SavePath is not string path) return;
        Cli.OutputPaths.Write("--save", path, file => Checkpoint.Save(ae.Model, file, s.ToMetadata(pre, ae.Threshold)));
        context.Out.Line($"saved {path} (the model, its preprocessing and threshold; score a new file with --load {path} --test FILE)");
    }

    private static string Report(RunContext context, TableAnomalySettings s, Table table, int[] rows, float[] scores, float threshold,
        float[]? pcaScores, float pcaThreshold, string pcaName, string recipe, List<string> notes)
    {
        var md = new StringBuilder();
        string data = s.Test is null ? $" on {s.Train}" : s.Test == s.Train ? $" on {s.Test}" : $", trained on {s.Train} and tested on {s.Test}";
        md.Append($"Anomaly detection{data}, seed {context.Seed}: ").AppendJoin("; ", notes)
          .Append($". Threshold: the 99th percentile of the held-out normal rows' scores ({threshold:G4}). Autoencoder: {recipe}.\n\n");
        context.Results["data"] = s.Train;
        if (s.Test is not null) context.Results["test_data"] = s.Test;
        context.Results["threshold"] = threshold;
        int flagged = scores.Count(v => v >= threshold);
        context.Results["scored_rows"] = rows.Length;
        context.Results["flagged_rows"] = flagged;
        WriteScores(context, s, table, rows, scores, threshold);

        var labels = table.Labels;
        if (labels is null || s.Normal is null)
        {
            md.Append($"The {rows.Length:N0} scored rows have no labels, so there is nothing to measure the detector against: "
                + $"{flagged:N0} rows ({Pct((double)flagged / Math.Max(1, rows.Length))}) score above the threshold"
                + (s.ScoresPath is null ? " (--scores FILE writes every row's score)." : $"; every row's score is in {s.ScoresPath}."));
            return md.ToString();
        }
        int normalCode = labels.Names.ToList().IndexOf(s.Normal);
        var isAnomaly = rows.Select(r => labels.Codes[r] != normalCode).ToArray();
        int anomalies = isAnomaly.Count(a => a);
        if (anomalies == 0 || anomalies == rows.Length)
        {
            string only = anomalies == 0 ? "normal" : "anomalous";
            md.Append($"Every scored row is {only}, so AUROC and precision are undefined: {flagged:N0} of {rows.Length:N0} rows "
                + $"({Pct((double)flagged / rows.Length)}) are flagged, {(anomalies == 0 ? "the false-positive rate" : "the detection rate")}.\n");
            context.Results[anomalies == 0 ? "fpr" : "recall"] = (double)flagged / rows.Length;
            return md.ToString();
        }
        var groupNames = labels.Names;
        var groups = rows.Select(r => labels.Codes[r]).ToArray();
        var report = DetectionReport.Evaluate(scores, isAnomaly, threshold);
        var list = new List<(string, DetectionReport)> { ("autoencoder", report) };
        var byLabel = new List<(string, DetectionReport)> { ("autoencoder", DetectionReport.Evaluate(scores, isAnomaly, threshold, groups, groupNames)) };
        if (pcaScores is not null)
        {
            list.Add((pcaName, DetectionReport.Evaluate(pcaScores, isAnomaly, pcaThreshold)));
            byLabel.Add((pcaName, DetectionReport.Evaluate(pcaScores, isAnomaly, pcaThreshold, groups, groupNames)));
        }
        md.Append($"Test rows: {rows.Length - anomalies:N0} normal ('{s.Normal}') and {anomalies:N0} anomalies (every other label).\n\n");
        md.Append(Summary(list, "FPR (normal)")).Append('\n');
        md.Append(Confusion(list, "anomaly", "normal")).Append('\n');
        md.Append(PerLabel(byLabel, groupNames, normalCode));
        Demo.Report.DetectionCharts.Add(context.Report, $"{Path.GetFileName(s.Test ?? s.Train)} test rows",
            pcaScores is null
                ? [new("autoencoder", scores)]
                : [new("autoencoder", scores), new(pcaName, pcaScores)], isAnomaly);
        foreach (var (key, value) in Json(report)) context.Results[key] = value;
        return md.ToString();
    }

    private static string PerLabel(List<(string Name, DetectionReport Report)> rows, IReadOnlyList<string> names, int normal)
    {
        var sb = new StringBuilder($"Flagged share per label:\n\n| label | test rows | {string.Join(" | ", rows.Select(r => r.Name))} |\n|---|---:|{string.Concat(rows.Select(_ => "---:|"))}\n");
        var order = Enumerable.Range(0, names.Count).Where(g => rows[0].Report.Groups[g].Count > 0)
            .OrderBy(g => g == normal ? 0 : 1).ThenByDescending(g => rows[0].Report.Groups[g].Count);
        foreach (int g in order)
            sb.Append($"| {names[g]}{(g == normal && names[g] != "normal" ? " (normal)" : "")} | {rows[0].Report.Groups[g].Count:N0} | "
                + string.Join(" | ", rows.Select(r => Pct(r.Report.Groups[g].Rate, 1))) + " |\n");
        return sb.ToString();
    }

    // --scores FILE: one line per scored row: its data row number in its file (from 1), score, flag, and label if any.
    private static void WriteScores(RunContext context, TableAnomalySettings s, Table table, int[] rows, float[] scores, float threshold)
    {
        if (s.ScoresPath is not string path) return;
        var sb = new StringBuilder(table.Labels is null ? "row,score,anomaly\n" : "row,score,anomaly,label\n");
        var c = CultureInfo.InvariantCulture;
        for (int i = 0; i < rows.Length; i++)
        {
            sb.Append((rows[i] + 1).ToString(c)).Append(',').Append(scores[i].ToString("R", c)).Append(',').Append(scores[i] >= threshold ? '1' : '0');
            if (table.Labels is { } l) sb.Append(',').Append(Csv(l.Names[l.Codes[rows[i]]]));
            sb.Append('\n');
        }
        Cli.OutputPaths.Write("--scores", path, file => AtomicFile.WriteText(file, w => w.Write(sb.ToString())));
        context.Out.Line($"wrote {path} ({rows.Length:N0} rows: row number in {Path.GetFileName(s.Test ?? s.Train)}, score, anomaly 0/1{(table.Labels is null ? "" : ", label")})");
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
