using Engine.Analysis;

namespace Demo.Report;

/// <summary>ROC and precision-recall curves of several detectors scored on the same labelled test set.</summary>
internal static class DetectionCharts
{
    /// <summary>Adds the two charts (curves thinned to what a 560-pixel plot can show) to the current section.</summary>
    public static void Add(RunReport report, string what, IReadOnlyList<(string Name, float[] Scores)> detectors,
        bool[] isAnomaly)
    {
        var roc = new List<Series>();
        var pr = new List<Series>();
        foreach (var (name, scores) in detectors)
        {
            var r = RocCurve.Compute(scores, isAnomaly);
            var p = PrecisionRecallCurve.Compute(scores, isAnomaly);
            roc.Add(Thin($"{name} (AUROC {r.Area:F3})", r.FalsePositiveRates, r.TruePositiveRates));
            pr.Add(Thin($"{name} (AP {p.AveragePrecision:F3})", p.Recalls, p.Precisions));
        }
        string slug = RunReport.Slug(what);
        report.Chart($"roc-{slug}", $"{what}: ROC curves (anomaly = positive); dashed diagonal = chance.",
            new LineChart($"{what}: ROC", "false-positive rate", "true-positive rate (recall)", roc)
            {
                XRange = (0, 1), YRange = (0, 1), Diagonal = true, Legend = LegendCorner.BottomRight,
            });
        report.Chart($"pr-{slug}", $"{what}: precision against recall.",
            new LineChart($"{what}: precision-recall", "recall", "precision", pr) { XRange = (0, 1), YRange = (0, 1), Legend = LegendCorner.BottomLeft });
    }

    // Keeps the first and last points and every point at least 1/400 of the unit square away from the last kept one.
    private static Series Thin(string name, double[] x, double[] y)
    {
        var keptX = new List<double>();
        var keptY = new List<double>();
        for (int i = 0; i < x.Length; i++)
        {
            bool far = keptX.Count == 0 || Math.Abs(x[i] - keptX[^1]) + Math.Abs(y[i] - keptY[^1]) >= 1.0 / 400;
            if (far || i == x.Length - 1)
            {
                keptX.Add(x[i]);
                keptY.Add(y[i]);
            }
        }
        return new Series(name, keptX.ToArray(), keptY.ToArray());
    }
}
