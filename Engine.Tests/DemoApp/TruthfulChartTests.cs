using Demo;
using Demo.Report;
using Engine.Training;

namespace Engine.Tests.DemoApp;

/// <summary>
/// Charts that cannot flatter: precision-recall with its base rate and a named positive class, ROC with a log
/// false-positive axis where it matters, operating points marked, a partial epoch drawn as partial, every axis with
/// its unit, and the PCA comparison trained as long as the autoencoder it is compared with elsewhere.
/// </summary>
[Trait("Layer", "DemoApp")]
public sealed class TruthfulChartTests
{
    private static List<LineChart> Charts(RunReport report) =>
        report.Sections.SelectMany(s => s.Items).OfType<Figure>().Select(f => f.Chart).OfType<LineChart>().ToList();

    private static List<Figure> Figures(RunReport report) => report.Sections.SelectMany(s => s.Items).OfType<Figure>().ToList();

    // 1,000 examples, 80% anomalies (as on KDD'99), scores that separate the classes imperfectly.
    private static (bool[] IsAnomaly, float[] Scores) Data()
    {
        var random = new Random(3);
        var isAnomaly = Enumerable.Range(0, 1000).Select(i => i % 5 != 0).ToArray();
        var scores = isAnomaly.Select(a => (float)(random.NextDouble() + (a ? 0.6 : 0))).ToArray();
        return (isAnomaly, scores);
    }

    [Fact]
    public void PrecisionRecall_DrawsTheBaseRate_OfThePositivesItNames()
    {
        var (isAnomaly, scores) = Data();
        var report = new RunReport("t");
        DetectionCharts.Add(report, "test", [new("AE", scores, 1f)], isAnomaly);
        var pr = Charts(report).Single(c => c.Title.EndsWith("precision-recall", StringComparison.Ordinal));
        var baseRate = pr.Series.Single(s => s.Reference);
        Assert.All(baseRate.Y, y => Assert.Equal(0.8, y, 12));
        Assert.Contains("positive class: anomaly = positive", Figures(report)[1].Caption, StringComparison.Ordinal);

        // The class that matters: a rare subset (here the anomalies among the first 300 examples, kept with all normals).
        var included = isAnomaly.Select((a, i) => !a || i < 300).ToArray();
        var rare = isAnomaly.Select((a, i) => a && i < 300).ToArray();
        report = new RunReport("t");
        DetectionCharts.Add(report, "test", [new("AE", scores, 1f)], isAnomaly, pr: new("rare anomalies among normals", included, rare));
        pr = Charts(report).Single(c => c.Title.EndsWith("precision-recall", StringComparison.Ordinal));
        double expected = rare.Count(r => r) / (double)included.Count(i => i);
        Assert.All(pr.Series.Single(s => s.Reference).Y, y => Assert.Equal(expected, y, 12));
        Assert.InRange(expected, 0.5, 0.6);
        Assert.Contains("positive class: rare anomalies among normals (240 positives among 440 examples)", Figures(report)[1].Caption, StringComparison.Ordinal);
    }

    [Fact]
    public void Roc_OnALogAxis_StartsAtAboutOneFalseAlarm_AndMarksTheOperatingPoint()
    {
        var (isAnomaly, scores) = Data();
        var report = new RunReport("t");
        DetectionCharts.Add(report, "test", [new("AE", scores, 1f), new("PCA", scores.Select(s => s * 0.5f).ToArray(), 0.5f)], isAnomaly, logFpr: true);
        var roc = Charts(report).Single(c => c.Title.EndsWith("ROC", StringComparison.Ordinal));

        Assert.True(roc.LogX);
        Assert.Equal(10, roc.LogBase);
        Assert.Equal(1e-3, roc.XRange!.Value.Min, 12); // 200 normals: one false alarm is 0.005, the axis starts at the decade below
        Assert.All(roc.Series.SelectMany(s => s.X), x => Assert.True(x >= 1e-3)); // a rate of 0 is drawn at the axis start
        Assert.Equal(2, roc.Series.Count(s => s.Point));
        Assert.Contains("log scale", roc.XLabel, StringComparison.Ordinal);
        string svg = roc.ToSvg();
        Assert.Contains(">0.001<", svg, StringComparison.Ordinal);
        Assert.Contains(">0.01<", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void LossChart_DrawsAPartialEpochAsPartial_WithTheLossUnit()
    {
        var epochs = Enumerable.Range(0, 3)
            .Select(e => new EpochReport(e, 0.1f / (e + 1), new Dictionary<string, float>(), null, 1.0, 1e-3f)).ToList();
        var report = new RunReport("t");
        report.LossChart("AE", epochs, "loss: MSE per pixel", partialFraction: 0.25);

        var chart = Charts(report).Single();
        Assert.Equal([1.0, 2.0, 2.25], chart.Series[0].X);
        Assert.Equal("loss: MSE per pixel", chart.YLabel);
        Assert.Contains("partial", chart.XLabel, StringComparison.Ordinal);
        Assert.Contains("The last point is a partial epoch (interrupted after 25% of its batches)", Figures(report)[0].Caption, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vae", "−ELBO (nats per image)")]
    [InlineData("ae", "MSE per pixel")]
    [InlineData("sparse", "MSE per pixel + penalty")]
    public void LossLabels_SayWhatIsMeasuredAndInWhichUnit(string model, string label)
    {
        Engine.Models.AutoencoderModel m = model switch
        {
            "vae" => new Engine.Models.VariationalAutoencoder(Engine.Models.VaeOptions.Reference(4), new Random(1)),
            "sparse" => new Engine.Models.DenseAutoencoder(Engine.Models.DenseAutoencoderOptions.Sparse(4), new Random(1)),
            _ => new Engine.Models.DenseAutoencoder(Engine.Models.DenseAutoencoderOptions.Reference(4), new Random(1)),
        };
        Assert.Equal("loss: " + label, ModelTraining.LossLabel(m));
    }

    [Fact]
    public void PcaComparison_TrainsAsLongAsTheDenseAutoencoder_InTheTourToo()
    {
        var parts = Demo.Commands.TourCommand.Parts.ToDictionary(p => p.Name, p => p.Epochs);
        Assert.Equal(parts["dense autoencoder"], parts["PCA vs autoencoders"]);
        Assert.Contains("anomaly detection on KDD Cup 1999", parts.Keys);
    }
}
