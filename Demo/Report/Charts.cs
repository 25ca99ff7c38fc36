using Engine.Latent;

namespace Demo.Report;

/// <summary>
/// One line of a <see cref="LineChart"/>: points (x, y) in data units; markers for sparse series. A
/// <paramref name="Point"/> series is a marker without a line in the colour of the line before it (e.g. a detector
/// at its threshold), left out of the legend; a <paramref name="Reference"/> series is a grey dashed guide (a base rate).
/// </summary>
internal sealed record Series(string Name, double[] X, double[] Y, bool Markers = false, bool Dashed = false,
    bool Point = false, bool Reference = false);

/// <summary>
/// A chart the report can embed: it draws itself once onto an <see cref="Axes.Width"/> × <see cref="Axes.Height"/>
/// canvas, which <see cref="ChartRendering"/> turns into an SVG document or a PNG.
/// </summary>
internal interface IChart
{
    void Draw(ICanvas canvas);
}

/// <summary>Lines on linear axes (or a logarithmic x axis), with a legend: loss curves, ROC, PR, error by size.</summary>
internal sealed record LineChart(string Title, string XLabel, string YLabel, IReadOnlyList<Series> Series) : IChart
{
    public bool LogX { get; init; }

    /// <summary>The base of a logarithmic x axis: 2 (ticks at powers of two, e.g. latent sizes) or 10 (decades, e.g. rates).</summary>
    public int LogBase { get; init; } = 2;

    /// <summary>Fixed ranges (e.g. [0, 1] for ROC and PR curves); null: the data's range.</summary>
    public (double Min, double Max)? XRange { get; init; }

    public (double Min, double Max)? YRange { get; init; }

    /// <summary>Tick positions for the x axis (e.g. the latent sizes tried); null: automatic.</summary>
    public IReadOnlyList<double>? XTicks { get; init; }

    /// <summary>A dashed grey diagonal from (0,0) to (1,1): chance level on a ROC curve.</summary>
    public bool Diagonal { get; init; }

    public LegendCorner Legend { get; init; } = LegendCorner.TopRight;

    public void Draw(ICanvas canvas)
    {
        var points = Series.SelectMany(s => s.X.Zip(s.Y)).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)
            && (!LogX || p.First > 0)).ToList();
        var (x0, x1) = XRange ?? (points.Count == 0 ? (0, 1) : (points.Min(p => p.First), points.Max(p => p.First)));
        var (y0, y1) = YRange ?? (points.Count == 0 ? (0, 1) : (points.Min(p => p.Second), points.Max(p => p.Second)));
        var axes = new Axes(x0, x1, y0, y1, LogX, logBase: LogBase);
        axes.Draw(canvas, Title, XLabel, YLabel, XTicks);
        if (Diagonal) DrawDiagonal(canvas, axes, x0, x1);
        var legend = new List<(string, string, bool)>();
        string color = Palette(0);
        for (int i = 0, line = 0; i < Series.Count; i++)
        {
            var s = Series[i];
            color = s.Reference ? ReferenceColor : s.Point ? color : Palette(line++);
            var pixels = s.X.Zip(s.Y, (x, y) => (axes.X(x), axes.Y(y))).ToList();
            if (!s.Point) canvas.Polyline(pixels, color, s.Reference ? 1.5 : 2, s.Dashed ? "6,4" : null);
            if (s.Markers)
                foreach (var (px, py) in pixels.Where(p => double.IsFinite(p.Item1) && double.IsFinite(p.Item2)))
                    canvas.Circle(px, py, s.Point ? 5 : 3.5, color);
            if (!s.Point) legend.Add((s.Name, color, s.Dashed));
        }
        axes.Legend(canvas, legend, Legend);
    }

    private const string ReferenceColor = "#777777";

    // Chance level y = x: a straight line on linear axes, a curve through many points on a logarithmic x axis.
    private void DrawDiagonal(ICanvas canvas, Axes axes, double x0, double x1)
    {
        if (!LogX)
        {
            canvas.Line(axes.X(0), axes.Y(0), axes.X(1), axes.Y(1), "#999999", 1, "4,4");
            return;
        }
        double from = Math.Log(Math.Max(x0, 1e-12)), to = Math.Log(Math.Min(x1, 1));
        var points = Enumerable.Range(0, 61).Select(k => Math.Exp(from + (to - from) * k / 60)).Select(x => (axes.X(x), axes.Y(x)));
        canvas.Polyline(points, "#999999", 1, "4,4");
    }

    public static string Palette(int i)
    {
        var (r, g, b) = ScatterPlot.ColorOf(i);
        return $"#{r:x2}{g:x2}{b:x2}";
    }
}

/// <summary>Points (x, y) coloured by class with a legend of class names beside the plot: a 2-D view of a latent space.</summary>
internal sealed record ScatterChart(string Title, string XLabel, string YLabel, float[] Points, int[] Labels,
    IReadOnlyList<string> ClassNames) : IChart
{
    private const double LegendWidth = 130;

    public void Draw(ICanvas canvas)
    {
        var finite = Enumerable.Range(0, Labels.Length)
            .Where(i => float.IsFinite(Points[2 * i]) && float.IsFinite(Points[2 * i + 1])).ToList();
        double x0 = finite.Count == 0 ? 0 : finite.Min(i => Points[2 * i]), x1 = finite.Count == 0 ? 1 : finite.Max(i => Points[2 * i]);
        double y0 = finite.Count == 0 ? 0 : finite.Min(i => Points[2 * i + 1]), y1 = finite.Count == 0 ? 1 : finite.Max(i => Points[2 * i + 1]);
        var axes = new Axes(x0, x1, y0, y1, logX: false, rightMargin: LegendWidth);
        axes.Draw(canvas, Title, XLabel, YLabel);
        foreach (int i in finite)
            canvas.Circle(axes.X(Points[2 * i]), axes.Y(Points[2 * i + 1]), 2.6, LineChart.Palette(Labels[i]), 0.75);
        var present = Labels.Distinct().Order().ToList();
        axes.Legend(canvas, present.Select(c => (c < ClassNames.Count ? ClassNames[c] : $"class {c}", LineChart.Palette(c), false)).ToList(),
            LegendCorner.Outside);
    }
}
