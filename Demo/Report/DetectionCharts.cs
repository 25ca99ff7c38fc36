using System.Globalization;
using Engine.Analysis;

namespace Demo.Report;

/// <summary>
/// ROC and precision-recall curves of several detectors scored on the same labelled test set, drawn so that they
/// cannot flatter: the precision-recall chart names its positive class and draws its base rate (what precision a
/// detector that flags at random gets), and the ROC chart can put the false-positive rate on a logarithmic axis,
/// where the region of ≤ 1% false alarms that matters in practice is not squeezed against the left edge.
/// </summary>
internal static class DetectionCharts
{
    /// <summary>A detector's scores and, optionally, its decision threshold (score ≥ threshold = anomaly), marked on both charts.</summary>
    public sealed record Detector(string Name, float[] Scores, float? Threshold = null);

    /// <summary>
    /// Which examples the precision-recall chart uses, and which of them are its positives: by default the whole
    /// test set with the anomalies positive. On data where anomalies are the majority that curve sits at precision
    /// ≈ 1 for any detector, so a caller gives the examples that make the question hard — e.g. the normal records
    /// and the rare attack categories only — and says so in <see cref="Description"/>.
    /// </summary>
    public sealed record PrTarget(string Description, bool[] Included, bool[] IsPositive);

    /// <summary>Adds the two charts (curves thinned to what a 560-pixel plot can show) to the current section.</summary>
    /// <param name="logFpr">Draw the ROC's false-positive rate on a log10 axis (from about one false alarm in the test set to 1).</param>
    public static void Add(RunReport report, string what, IReadOnlyList<Detector> detectors, bool[] isAnomaly,
        bool logFpr = false, PrTarget? pr = null)
    {
        int negatives = isAnomaly.Count(a => !a);
        double minFpr = negatives == 0 ? 1e-4 : Math.Pow(10, Math.Floor(Math.Log10(1.0 / negatives)));
        var rocSeries = new List<Series>();
        var prSeries = new List<Series>();
        var target = pr ?? new PrTarget("anomaly = positive, every test example", isAnomaly.Select(_ => true).ToArray(), isAnomaly);
        var prLabels = Select(target.IsPositive, target.Included);
        double baseRate = prLabels.Length == 0 ? 0 : prLabels.Count(p => p) / (double)prLabels.Length;
        foreach (var (name, scores, threshold) in detectors)
        {
            var r = RocCurve.Compute(scores, isAnomaly);
            double[] fpr = logFpr ? r.FalsePositiveRates.Select(x => Math.Max(x, minFpr)).ToArray() : r.FalsePositiveRates;
            rocSeries.Add(Thin($"{name} (AUROC {F3(r.Area)})", fpr, r.TruePositiveRates, logFpr));
            var prScores = Select(scores, target.Included);
            var p = PrecisionRecallCurve.Compute(prScores, prLabels);
            prSeries.Add(Thin($"{name} (AP {F3(p.AveragePrecision)})", p.Recalls, p.Precisions, logX: false));
            if (threshold is not float t) continue;
            var (tpr, fprAt) = Rates(scores, isAnomaly, t);
            rocSeries.Add(new Series($"{name} at its threshold", [Math.Max(fprAt, logFpr ? minFpr : 0)], [tpr], Markers: true, Point: true));
            var (recall, precision) = RecallPrecision(prScores, prLabels, t);
            prSeries.Add(new Series($"{name} at its threshold", [recall], [precision], Markers: true, Point: true));
        }
        string slug = RunReport.Slug(what);
        string fprAxis = logFpr ? "false-positive rate (fraction of normals flagged, log scale)" : "false-positive rate (fraction of normals flagged)";
        report.Chart($"roc-{slug}", $"{what}: ROC curves (anomaly = positive); dashed = chance."
            + (logFpr ? $" The false-positive axis is logarithmic from {Axes.Format(minFpr)} (rates below it are drawn at it), so the low-false-alarm region is readable." : "")
            + " Dots: each detector at its chosen threshold.",
            new LineChart($"{what}: ROC", fprAxis, "true-positive rate (fraction of anomalies flagged)", rocSeries)
            {
                XRange = (logFpr ? minFpr : 0, 1), YRange = (0, 1), Diagonal = true, Legend = LegendCorner.BottomRight,
                LogX = logFpr, LogBase = 10,
            });
        prSeries.Add(new Series($"base rate {F3(baseRate)} (random flagging)", [0, 1], [baseRate, baseRate], Dashed: true, Reference: true));
        report.Chart($"pr-{slug}", $"{what}: precision against recall; positive class: {target.Description} "
            + $"({prLabels.Count(l => l):N0} positives among {prLabels.Length:N0} examples). The dashed line is the base rate, "
            + "the precision of flagging at random. Dots: each detector at its chosen threshold.",
            new LineChart($"{what}: precision-recall", "recall (fraction of positives flagged)", "precision (fraction of flagged that are positive)", prSeries)
            {
                XRange = (0, 1), YRange = (0, 1), Legend = LegendCorner.TopRight,
            });
    }

    private static T[] Select<T>(T[] values, bool[] included) => values.Where((_, i) => included[i]).ToArray();

    private static (double Tpr, double Fpr) Rates(float[] scores, bool[] isAnomaly, float threshold)
    {
        long tp = 0, fp = 0, p = 0, n = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            bool flagged = scores[i] >= threshold;
            if (isAnomaly[i]) { p++; if (flagged) tp++; }
            else { n++; if (flagged) fp++; }
        }
        return (p == 0 ? 0 : (double)tp / p, n == 0 ? 0 : (double)fp / n);
    }

    private static (double Recall, double Precision) RecallPrecision(float[] scores, bool[] isPositive, float threshold)
    {
        long tp = 0, flagged = 0, positives = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (isPositive[i]) positives++;
            if (scores[i] < threshold) continue;
            flagged++;
            if (isPositive[i]) tp++;
        }
        return (positives == 0 ? 0 : (double)tp / positives, flagged == 0 ? 1 : (double)tp / flagged);
    }

    private static string F3(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

    // Keeps the first and last points and every point at least 1/400 of the plot away from the last kept one
    // (measured in log10 units across the x axis when it is logarithmic).
    private static Series Thin(string name, double[] x, double[] y, bool logX)
    {
        var keptX = new List<double>();
        var keptY = new List<double>();
        double Position(double v) => logX ? Math.Log10(v) / 5 : v;
        for (int i = 0; i < x.Length; i++)
        {
            bool far = keptX.Count == 0 || Math.Abs(Position(x[i]) - Position(keptX[^1])) + Math.Abs(y[i] - keptY[^1]) >= 1.0 / 400;
            if (far || i == x.Length - 1)
            {
                keptX.Add(x[i]);
                keptY.Add(y[i]);
            }
        }
        return new Series(name, keptX.ToArray(), keptY.ToArray());
    }
}
