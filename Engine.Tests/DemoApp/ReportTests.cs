using System.Xml.Linq;
using Demo.Report;
using Engine.IO;
using Engine.Tests.Testing;
using Engine.Training;

namespace Engine.Tests.DemoApp;

/// <summary>
/// The demo's OUT/report.html: well-formed XHTML (parsed with System.Xml after the doctype), one section per part,
/// every chart an inline SVG with drawn content, every picture a PNG data URI that decodes to a PNG.
/// </summary>
[Trait("Layer", "DemoApp")]
public sealed class ReportTests
{
    private static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml", SvgNs = "http://www.w3.org/2000/svg";

    /// <summary>Parses the page as XML (the HTML doctype is not XML's) and returns its root.</summary>
    internal static XElement Parse(string html)
    {
        const string doctype = "<!DOCTYPE html>";
        Assert.StartsWith(doctype, html, StringComparison.Ordinal);
        return XDocument.Parse(html[doctype.Length..]).Root!;
    }

    /// <summary>The h2 titles of the page's sections, and per section its charts and pictures, checked for content.</summary>
    internal static Dictionary<string, (int Charts, int Pictures, int Tables)> Sections(XElement root)
    {
        var result = new Dictionary<string, (int, int, int)>();
        foreach (var section in root.Descendants(Xhtml + "section"))
        {
            string title = section.Element(Xhtml + "h2")!.Value;
            var charts = section.Descendants(SvgNs + "svg").ToList();
            foreach (var svg in charts)
                Assert.True(svg.Descendants().Count(e => e.Name.LocalName is "polyline" or "circle") > 0,
                    $"{title}: a chart with nothing drawn");
            var pictures = section.Descendants(Xhtml + "img").ToList();
            foreach (var img in pictures)
            {
                string src = img.Attribute("src")!.Value;
                Assert.StartsWith("data:image/png;base64,", src, StringComparison.Ordinal);
                byte[] png = Convert.FromBase64String(src["data:image/png;base64,".Length..]);
                Assert.True(png.Length > 50 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', $"{title}: not a PNG");
            }
            var tables = section.Descendants(Xhtml + "table").ToList();
            foreach (var table in tables)
                Assert.True(table.Descendants(Xhtml + "td").Any(td => td.Value.Length > 0), $"{title}: an empty table");
            result[title] = (charts.Count, pictures.Count, tables.Count);
        }
        return result;
    }

    [Fact]
    public void Render_EveryKindOfFigure_IsWellFormedAndInItsSection()
    {
        var report = new RunReport("test report <&>");
        report.Begin("Training");
        report.LossChart("dense AE", Enumerable.Range(0, 6)
            .Select(e => new EpochReport(e, 1f / (e + 1), new Dictionary<string, float>(), 1.2f / (e + 1), 1.0, 1e-3f)).ToList());
        var random = new Random(Seeds.Default);
        var images = Enumerable.Range(0, 20 * 784).Select(_ => (float)random.NextDouble()).ToArray();
        report.Picture("grid.png", "noisy & denoised", ImageGrid.Tile(images, 20, 28, 28, 10).ToPng());
        var points = Enumerable.Range(0, 300).Select(_ => (float)random.NextDouble()).ToArray();
        report.Chart("latent", "codes", new ScatterChart("latent", "z 1", "z 2", points,
            Enumerable.Range(0, 150).Select(i => i % 10).ToArray(), Engine.Data.FashionMnist.ClassNames));

        report.Begin("Anomalies");
        var isAnomaly = Enumerable.Range(0, 400).Select(i => i % 4 == 0).ToArray();
        var scores = isAnomaly.Select(a => (float)(random.NextDouble() + (a ? 0.5 : 0))).ToArray();
        DetectionCharts.Add(report, "synthetic", [new("AE", scores), new("PCA", scores.Select(s => -s).ToArray())], isAnomaly);
        report.Markdown("Intro **text**.\n\n| detector | AUROC | skipped |\n|---|---:|---:|\n| AE | 0.9 | – |\n| PCA | 0.1 | – |\n");

        report.Begin("PCA");
        report.Chart("pca", "by size", new LineChart("mse", "k", "mse",
            [new Series("PCA", [2, 8, 32, 64], [0.05, 0.03, 0.015, 0.01], Markers: true)]) { LogX = true, XTicks = [2, 8, 32, 64] });

        var root = Parse(HtmlReport.Render(report, "Demo test --out x", new Dictionary<string, object> { ["test_mse"] = 0.0123 }));
        Assert.Equal("test report <&>", root.Descendants(Xhtml + "h1").Single().Value);
        var sections = Sections(root);
        Assert.Equal((2, 1, 0), sections["Training"]);
        Assert.Equal((2, 0, 1), sections["Anomalies"]);
        Assert.Equal((1, 0, 0), sections["PCA"]);
        Assert.Equal((0, 0, 1), sections["Headline figures"]);
        Assert.Contains(root.Descendants(Xhtml + "td"), td => td.Value == "0.0123");
        Assert.DoesNotContain(root.Descendants(Xhtml + "th"), th => th.Value == "skipped"); // a column of "–" only
        var files = report.Sections.SelectMany(s => s.Items).OfType<Figure>().Select(f => f.File).ToList();
        Assert.Equal(6, files.Count);
        Assert.Equal(files.Count, files.Distinct().Count());

        using var scratch = new ScratchDirectory("report");
        HtmlReport.Write(report, scratch.Path, "Demo test", new Dictionary<string, object>());
        var charts = files.Where(f => f.EndsWith(".svg", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, charts.Count);
        foreach (string chart in charts)
        {
            Assert.True(File.Exists(Path.Combine(scratch.Path, chart)), chart);
            var png = IO.PngTests.Decode(File.ReadAllBytes(Path.Combine(scratch.Path, Path.ChangeExtension(chart, ".png"))));
            Assert.Equal((Axes.Width * ChartRendering.PngScale, Axes.Height * ChartRendering.PngScale), (png.Width, png.Height));
        }
        Assert.Equal(charts.Count, Directory.GetFiles(scratch.Path, "*.png").Length); // the picture lives in its command's file
    }

    [Fact]
    public void Chart_NameTakenByAPicture_GetsAStemFreeForBothSvgAndPng()
    {
        var report = new RunReport("t");
        report.Picture("latent.png", "a picture", [1, 2, 3]);
        var chart = new LineChart("t", "x", "y", []);
        Assert.Equal("latent-2.svg", report.Chart("latent", "first", chart));
        Assert.Equal("latent-3.svg", report.Chart("latent", "second", chart));
    }

    [Fact]
    public void Markdown_TablesAndParagraphs_AreSplit()
    {
        var report = new RunReport("t");
        report.Markdown("first line\nsecond line\n\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | **4** |\nafter\n- item\n  - nested");
        var items = report.Current.Items;
        Assert.Equal("first line second line", Assert.IsType<Paragraph>(items[0]).Text);
        var table = Assert.IsType<Table>(items[1]);
        Assert.Equal(["a", "b"], table.Headers);
        Assert.Equal(["3", "4"], table.Rows[1]);
        Assert.Equal("after", Assert.IsType<Paragraph>(items[2]).Text);
        Assert.Equal(new Paragraph("item", 0), items[3]);
        Assert.Equal(new Paragraph("nested", 1), items[4]);
    }
}
