using System.Globalization;

namespace Demo.Report;

/// <summary>Where a chart's legend goes: a corner of the plot, or the margin right of it.</summary>
internal enum LegendCorner
{
    TopRight,
    BottomRight,
    BottomLeft,
    Outside,
}

/// <summary>
/// A chart's frame: the data ranges mapped onto a plot area, with "nice" ticks (1, 2, 5 × 10^k) on linear axes
/// and ticks at powers of the base (2 or 10) on logarithmic ones, grid lines, tick labels and axis titles.
/// </summary>
internal sealed class Axes
{
    public const int Width = 560, Height = 340;
    private const double Left = 70, Right = 20, Top = 34, Bottom = 52;

    private readonly double _x0, _x1, _y0, _y1;
    private readonly bool _logX;
    private readonly int _logBase;

    public Axes(double xMin, double xMax, double yMin, double yMax, bool logX, double rightMargin = Right, int logBase = 2)
    {
        _logX = logX;
        _logBase = logBase;
        (_x0, _x1) = Range(logX ? Log(xMin) : xMin, logX ? Log(xMax) : xMax);
        (_y0, _y1) = Range(yMin, yMax);
        PlotRight = Width - rightMargin;
    }

    public double PlotLeft => Left;

    public double PlotRight { get; }

    public double PlotTop => Top;

    public double PlotBottom => Height - Bottom;

    public double X(double value) =>
        PlotLeft + ((_logX ? Log(value) : value) - _x0) / (_x1 - _x0) * (PlotRight - PlotLeft);

    private double Log(double value) => _logBase == 10 ? Math.Log10(value) : Math.Log2(value);

    public double Y(double value) => PlotBottom - (value - _y0) / (_y1 - _y0) * (PlotBottom - PlotTop);

    /// <summary>Frame, grid, ticks, tick labels, title and axis labels.</summary>
    public void Draw(ICanvas canvas, string title, string xLabel, string yLabel, IReadOnlyList<double>? xTicks = null)
    {
        canvas.Text(Width / 2.0, 20, title, 14, "middle", bold: true);
        var xs = xTicks ?? (_logX ? PowerTicks(_x0, _x1, _logBase) : NiceTicks(_x0, _x1));
        foreach (double t in xs)
        {
            double x = X(t);
            if (x < PlotLeft - 0.5 || x > PlotRight + 0.5) continue;
            canvas.Line(x, PlotTop, x, PlotBottom, "#e4e4e4");
            canvas.Line(x, PlotBottom, x, PlotBottom + 5, "#444");
            canvas.Text(x, PlotBottom + 18, Format(t), 11, "middle");
        }
        foreach (double t in NiceTicks(_y0, _y1))
        {
            double y = Y(t);
            if (y < PlotTop - 0.5 || y > PlotBottom + 0.5) continue;
            canvas.Line(PlotLeft, y, PlotRight, y, "#e4e4e4");
            canvas.Line(PlotLeft - 5, y, PlotLeft, y, "#444");
            canvas.Text(PlotLeft - 8, y + 4, Format(t), 11, "end");
        }
        canvas.Rect(PlotLeft, PlotTop, PlotRight - PlotLeft, PlotBottom - PlotTop, "none", "#444");
        canvas.Text((PlotLeft + PlotRight) / 2, Height - 12, xLabel, 12, "middle");
        canvas.Text(16, (PlotTop + PlotBottom) / 2, yLabel, 12, "middle", rotate: -90);
    }

    /// <summary>A legend box in the top-right (or right-margin) corner: a coloured swatch and a name per entry.</summary>
    public void Legend(ICanvas canvas, IReadOnlyList<(string Name, string Color, bool Dashed)> entries,
        LegendCorner corner = LegendCorner.TopRight)
    {
        if (entries.Count == 0) return;
        double longest = entries.Max(e => e.Name.Length);
        double boxWidth = 34 + 6.6 * longest, boxHeight = 8 + 17 * entries.Count;
        double x = corner switch
        {
            LegendCorner.Outside => PlotRight + 10,
            LegendCorner.BottomLeft => PlotLeft + 8,
            _ => PlotRight - boxWidth - 8,
        };
        double y = corner is LegendCorner.BottomLeft or LegendCorner.BottomRight ? PlotBottom - boxHeight - 8 : PlotTop + 8;
        canvas.Rect(x, y, boxWidth, boxHeight, "#ffffff", "#bbbbbb");
        for (int i = 0; i < entries.Count; i++)
        {
            double row = y + 14 + 17 * i;
            canvas.Line(x + 6, row - 4, x + 24, row - 4, entries[i].Color, 3, entries[i].Dashed ? "5,3" : null);
            canvas.Text(x + 30, row, entries[i].Name, 11);
        }
    }

    public static string Format(double value)
    {
        double a = Math.Abs(value);
        if (a == 0) return "0";
        if (a >= 1e5 || a < 1e-3) return value.ToString("0.#E+0", CultureInfo.InvariantCulture);
        return value.ToString(a >= 100 ? "0" : a >= 1 ? "0.##" : "0.####", CultureInfo.InvariantCulture);
    }

    // Pads a range by 5% each side so points do not sit on the frame.
    private static (double, double) Range(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max)) return (0, 1);
        if (max - min < 1e-12 * Math.Max(1, Math.Abs(max)))
        {
            // One value: a band of ±10% around it (±0.5 around zero), so a positive loss keeps a positive axis.
            double half = max == 0 ? 0.5 : 0.1 * Math.Abs(max);
            return (min - half, max + half);
        }
        double pad = 0.05 * (max - min);
        return (min - pad, max + pad);
    }

    private static List<double> NiceTicks(double min, double max)
    {
        double raw = (max - min) / 5;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = magnitude * (raw / magnitude < 1.5 ? 1 : raw / magnitude < 3.5 ? 2 : raw / magnitude < 7.5 ? 5 : 10);
        var ticks = new List<double>();
        for (double t = Math.Ceiling(min / step) * step; t <= max + step * 1e-9; t += step)
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        return ticks;
    }

    private static List<double> PowerTicks(double log0, double log1, int logBase)
    {
        var ticks = new List<double>();
        for (int e = (int)Math.Ceiling(log0); e <= (int)Math.Floor(log1); e++) ticks.Add(Math.Pow(logBase, e));
        return ticks;
    }
}
