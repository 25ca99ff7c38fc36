using System.Collections;
using System.Globalization;
using System.Text;
using Engine.IO;

namespace Demo.Report;

/// <summary>
/// Writes a <see cref="RunReport"/> as OUT/report.html: one self-contained XHTML-compatible page (inline CSS,
/// inline SVG charts, pictures as base64 PNG data URIs, nothing fetched from the network), plus every chart as
/// OUT/NAME.svg and OUT/NAME.png beside it. Pictures are already written as PNG files by the commands that drew them.
/// </summary>
internal static class HtmlReport
{
    public const string FileName = "report.html";

    private const string Style = """
        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 1176px; margin: 24px auto; padding: 0 12px; color: #222; line-height: 1.45; }
        h1 { font-size: 26px; margin-bottom: 4px; }
        h2 { font-size: 20px; border-bottom: 2px solid #1f77b4; padding-bottom: 3px; margin-top: 36px; }
        p.meta { color: #666; font-size: 13px; margin-top: 0; }
        p.notice { background: #fff3cd; border: 1px solid #e0b84c; padding: 6px 10px; font-weight: bold; }
        nav ol { columns: 2; font-size: 14px; }
        div.figures { display: flex; flex-wrap: wrap; gap: 12px 16px; align-items: flex-start; margin-top: 12px; }
        figure { margin: 0; }
        p.item { margin: 2px 0 2px 0; } p.item1 { margin: 2px 0 2px 28px; }
        figure img { image-rendering: pixelated; border: 1px solid #ccc; max-width: 100%; }
        figure svg { border: 1px solid #ddd; width: 540px; height: auto; }
        figcaption { font-size: 12px; color: #555; max-width: 540px; }
        table { border-collapse: collapse; margin: 10px 0 16px 0; font-size: 13px; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        th { background: #f0f4f8; }
        caption { caption-side: top; text-align: left; font-size: 13px; color: #555; padding-bottom: 4px; }
        p { max-width: 1000px; }
        """;

    /// <summary>Writes the charts' .svg and .png files and report.html (atomically); returns the page's path.</summary>
    public static string Write(RunReport report, string outDirectory, string commandLine,
        IReadOnlyDictionary<string, object> results)
    {
        Directory.CreateDirectory(outDirectory);
        foreach (var figure in report.Sections.SelectMany(s => s.Items).OfType<Figure>())
            if (figure.Chart is not null)
            {
                AtomicFile.WriteText(Path.Combine(outDirectory, figure.File), w => w.Write(figure.Chart.ToSvg()));
                AtomicFile.WriteAllBytes(Path.Combine(outDirectory, Path.ChangeExtension(figure.File, ".png")), figure.Chart.ToPng());
            }
        string path = Path.Combine(outDirectory, FileName);
        AtomicFile.WriteText(path, w => w.Write(Render(report, commandLine, results)));
        return path;
    }

    public static string Render(RunReport report, string commandLine, IReadOnlyDictionary<string, object> results)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>");
        html.Append($"<title>{E(report.Title)}</title><style>{Style}</style></head><body>\n");
        html.Append($"<h1>{E(report.Title)}</h1>\n<p class=\"meta\">{E(commandLine)} · written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · "
            + $"{Environment.ProcessorCount} cores</p>\n");
        foreach (string notice in report.Notices) html.Append($"<p class=\"notice\">{E(notice)}</p>\n");
        var sections = report.Sections.Where(s => s.Items.Count > 0).ToList();
        var headline = Headline(results);
        if (sections.Count > 1)
        {
            html.Append("<nav><ol>");
            for (int i = 0; i < sections.Count; i++) html.Append($"<li><a href=\"#s{i + 1}\">{E(Capitalised(sections[i].Title))}</a></li>");
            if (headline.Rows.Count > 0) html.Append("<li><a href=\"#headline\">Headline figures</a></li>");
            html.Append("</ol></nav>\n");
        }
        for (int i = 0; i < sections.Count; i++)
        {
            html.Append($"<section id=\"s{i + 1}\"><h2>{E(Capitalised(sections[i].Title))}</h2>\n");
            var (text, figures, details) = Arrange(sections[i].Items);
            foreach (object item in text) AppendItem(html, item);
            if (figures.Count > 0)
            {
                html.Append("<div class=\"figures\">");
                foreach (object figure in figures) AppendItem(html, figure);
                html.Append("</div>\n");
            }
            foreach (object item in details) AppendItem(html, item);
            html.Append("</section>\n");
        }
        if (headline.Rows.Count > 0)
        {
            html.Append("<section id=\"headline\"><h2>Headline figures</h2>\n");
            AppendItem(html, headline);
            html.Append("</section>\n");
        }
        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>
    /// A section's layout: its paragraphs first, then its figures side by side, then the details — tables and
    /// lists, each with the paragraph that introduces it — so long tables never push the charts down. Order is
    /// kept within each group.
    /// </summary>
    private static (List<object> Text, List<object> Figures, List<object> Details) Arrange(IReadOnlyList<object> items)
    {
        static bool IsDetail(object item) => item is Table or Paragraph { Item: not null };
        var text = new List<object>();
        var figures = new List<object>();
        var details = new List<object>();
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is Figure) figures.Add(items[i]);
            else if (IsDetail(items[i]) || (i + 1 < items.Count && IsDetail(items[i + 1]))) details.Add(items[i]);
            else text.Add(items[i]);
        }
        return (text, figures, details);
    }

    private static void AppendItem(StringBuilder html, object item)
    {
        switch (item)
        {
            case Paragraph { Item: int level } p:
                html.Append($"<p class=\"item{(level > 0 ? "1" : "")}\">• {E(p.Text)}</p>\n");
                break;
            case Paragraph p:
                html.Append($"<p>{E(p.Text)}</p>\n");
                break;
            case Table t:
                // Columns with nothing but "–" (e.g. label budgets a shortened run skipped) are left out.
                var shown = Enumerable.Range(0, t.Headers.Count)
                    .Where(c => t.Rows.Count == 0 || t.Rows.Any(r => c < r.Count && r[c] != "–")).ToList();
                html.Append("<table>");
                if (t.Caption is not null) html.Append($"<caption>{E(t.Caption)}</caption>");
                html.Append("<thead><tr>");
                foreach (int c in shown) html.Append($"<th>{E(t.Headers[c])}</th>");
                html.Append("</tr></thead><tbody>");
                foreach (var row in t.Rows)
                {
                    html.Append("<tr>");
                    foreach (string cell in shown.Select(c => c < row.Count ? row[c] : ""))
                        html.Append(IsNumber(cell) ? $"<td class=\"num\">{E(cell)}</td>" : $"<td>{E(cell)}</td>");
                    html.Append("</tr>");
                }
                html.Append("</tbody></table>\n");
                break;
            case Figure { Chart: IChart chart } f:
                html.Append($"<figure>{chart.ToSvg()}<figcaption>{E(f.Caption)} ({E(f.File)})</figcaption></figure>\n");
                break;
            case Figure { Png: byte[] png } f:
                html.Append($"<figure><img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\" alt=\"{E(f.Caption)}\"/>"
                    + $"<figcaption>{E(f.Caption)} ({E(f.File)})</figcaption></figure>\n");
                break;
        }
    }

    // The --json figures as a two-column table: scalars as they are, short lists joined, nested records left out.
    private static Table Headline(IReadOnlyDictionary<string, object> results)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (key, value) in results)
        {
            string? text = value switch
            {
                string s => s,
                double d => Number(d),
                float f => Number(f),
                IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
                bool b => b ? "true" : "false",
                IEnumerable<double> list when list.Count() <= 12 => string.Join(", ", list.Select(Number)),
                IEnumerable<float> list when list.Count() <= 12 => string.Join(", ", list.Select(v => Number(v))),
                IDictionary dict when dict.Count <= 12 && dict.Values.Cast<object>().All(v => v is double or float) =>
                    string.Join(", ", dict.Keys.Cast<object>().Select(k => $"{k} {Number(Convert.ToDouble(dict[k], CultureInfo.InvariantCulture))}")),
                _ => null,
            };
            if (text is not null) rows.Add([key, text]);
        }
        return new Table("The figures also written by --json.", ["figure", "value"], rows);
    }

    private static string Number(double value) => Math.Abs(value) >= 1000 || value == Math.Round(value)
        ? value.ToString("0.##", CultureInfo.InvariantCulture)
        : value.ToString("G5", CultureInfo.InvariantCulture);

    private static bool IsNumber(string cell) =>
        cell.Length > 0 && double.TryParse(cell.TrimEnd('%', 's', ' ').Replace(",", "", StringComparison.Ordinal),
            NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string Capitalised(string title) => title.Length == 0 ? title : char.ToUpperInvariant(title[0]) + title[1..];

    private static string E(string text) => Svg.Escape(text);
}
