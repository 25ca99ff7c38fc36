using System.Globalization;
using System.Text;
using Engine.Anomaly;

namespace Demo.Commands;

/// <summary>Formats detection reports as markdown tables (for the console and the docs chapter) and JSON values.</summary>
internal static class AnomalyMarkdown
{
    public static string F(double value, int digits = 4) => value.ToString("F" + digits, CultureInfo.InvariantCulture);

    public static string Pct(double value, int digits = 2) =>
        (100 * value).ToString("F" + digits, CultureInfo.InvariantCulture) + "%";

    /// <summary>One row per detector: threshold-free metrics, the counts' rates, and each group's flagged fraction.</summary>
    public static string Summary(IReadOnlyList<(string Name, DetectionReport Report)> rows, string firstGroupLabel)
    {
        // the first group is the normal class (its flagged fraction is the FPR); empty groups are left out
        var shown = Enumerable.Range(1, Math.Max(0, rows[0].Report.Groups.Count - 1))
            .Where(g => rows[0].Report.Groups[g].Count > 0).ToArray();
        var sb = new StringBuilder();
        sb.Append("| detector | AUROC | AUPRC | precision | recall | F1 | ").Append(firstGroupLabel).Append(" |");
        foreach (int g in shown) sb.Append(' ').Append(rows[0].Report.Groups[g].Group).Append(" |");
        sb.Append(" threshold |\n|---|---:|---:|---:|---:|---:|---:|");
        foreach (int _ in shown) sb.Append("---:|");
        sb.Append("---:|\n");
        foreach (var (name, r) in rows)
        {
            sb.Append($"| {name} | {F(r.Auroc)} | {F(r.AveragePrecision)} | {F(r.Precision)} | {F(r.Recall)} | {F(r.F1)} | ");
            sb.Append(Pct(r.FalsePositiveRate)).Append(" |");
            foreach (int g in shown) sb.Append(' ').Append(Pct(r.Groups[g].Rate, 1)).Append(" |");
            sb.Append(' ').Append(r.Threshold.ToString("G4", CultureInfo.InvariantCulture)).Append(" |\n");
        }
        return sb.ToString();
    }

    /// <summary>The 2×2 confusion matrix of each detector side by side.</summary>
    public static string Confusion(IReadOnlyList<(string Name, DetectionReport Report)> rows, string positive, string negative)
    {
        var sb = new StringBuilder("| detector | true class | flagged | not flagged |\n|---|---|---:|---:|\n");
        foreach (var (name, r) in rows)
        {
            sb.Append($"| {name} | {positive} | {r.Counts.TruePositives:N0} | {r.Counts.FalseNegatives:N0} |\n");
            sb.Append($"| | {negative} | {r.Counts.FalsePositives:N0} | {r.Counts.TrueNegatives:N0} |\n");
        }
        return sb.ToString();
    }

    /// <summary>The headline numbers of a report for --json.</summary>
    public static Dictionary<string, object> Json(DetectionReport r) => new()
    {
        ["auroc"] = r.Auroc,
        ["auprc"] = r.AveragePrecision,
        ["precision"] = r.Precision,
        ["recall"] = r.Recall,
        ["f1"] = r.F1,
        ["threshold"] = r.Threshold,
        ["fpr"] = r.FalsePositiveRate,
        ["confusion"] = new Dictionary<string, long>
        {
            ["tp"] = r.Counts.TruePositives, ["fp"] = r.Counts.FalsePositives,
            ["tn"] = r.Counts.TrueNegatives, ["fn"] = r.Counts.FalseNegatives,
        },
        ["detection_rate"] = r.Groups.ToDictionary(g => g.Group, g => g.Rate),
    };
}
