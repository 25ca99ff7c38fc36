using Demo.Report;
using Demo.Report.Raster;
using Engine.Tests.IO;

namespace Engine.Tests.DemoApp;

/// <summary>
/// The PNG twins of the report's charts: a chart's PNG decodes to the expected size with the series drawn inside the
/// plot, strokes cover the pixels a brute-force distance says they should, and text lands in the box it measures.
/// </summary>
[Trait("Layer", "DemoApp")]
public sealed class RasterChartTests
{
    private const int Scale = ChartRendering.PngScale;

    [Fact]
    public void LineChart_Png_DecodesWithTheSeriesInsideThePlotArea()
    {
        var series = new Series("diagonal", [0.1, 0.5, 0.9], [0.2, 0.8, 0.3]);
        var chart = new LineChart("known", "x", "y", [series]) { XRange = (0, 1), YRange = (0, 1) };
        var empty = new LineChart("known", "x", "y", []) { XRange = (0, 1), YRange = (0, 1) };
        var axes = new Axes(0, 1, 0, 1, logX: false); // the mapping the chart uses for these ranges

        var png = PngTests.Decode(chart.ToPng());

        Assert.Equal((Axes.Width * Scale, Axes.Height * Scale, 8, 2), (png.Width, png.Height, png.BitDepth, png.ColorType));
        int inside = SeriesPixels(png, axes, insidePlot: true), outside = SeriesPixels(png, axes, insidePlot: false);
        // The polyline's length in bitmap pixels times a stroke of 2 chart pixels, less the anti-aliased rim.
        double length = 0;
        for (int i = 1; i < series.X.Length; i++)
            length += Math.Sqrt(Math.Pow(axes.X(series.X[i]) - axes.X(series.X[i - 1]), 2)
                + Math.Pow(axes.Y(series.Y[i]) - axes.Y(series.Y[i - 1]), 2)) * Scale;
        Assert.InRange(inside, length * (2 * Scale - 2), length * (2 * Scale + 2));
        Assert.True(outside < inside / 10, $"{outside} series-coloured pixels outside the plot (the legend swatch only)");
        Assert.Equal(0, SeriesPixels(PngTests.Decode(empty.ToPng()), axes, insidePlot: true));
    }

    [Fact]
    public void Line_CoversThePixelsNearItAndNothingFarther()
    {
        var canvas = new RasterCanvas(40, 30);
        (double X, double Y) a = (3.3, 4.6), b = (33.8, 21.2);
        canvas.Line(a.X, a.Y, b.X, b.Y, "#000000");

        for (int y = 0; y < 30; y++)
            for (int x = 0; x < 40; x++)
            {
                double d = NaiveDistance(x + 0.5, y + 0.5, a, b);
                int ink = 255 - canvas.Pixel(x, y).R;
                if (d <= 0.45) Assert.True(ink >= 140, $"({x},{y}) at {d:F2} from the line has ink {ink}");
                if (d >= 1.0) Assert.True(ink == 0, $"({x},{y}) at {d:F2} from the line has ink {ink}");
            }
        // No gaps: every column the line crosses has a pixel at least half covered.
        for (int x = 4; x < 33; x++)
            Assert.Contains(Enumerable.Range(0, 30), y => canvas.Pixel(x, y).R <= 128);
    }

    [Fact]
    public void HorizontalLine_OnPixelCentres_IsOneSolidRow()
    {
        var canvas = new RasterCanvas(24, 12);
        canvas.Line(2, 5.5, 20, 5.5, "#1f77b4", width: 1);
        for (int x = 3; x < 19; x++)
        {
            Assert.Equal(((byte)0x1f, (byte)0x77, (byte)0xb4), canvas.Pixel(x, 5));
            Assert.Equal(((byte)255, (byte)255, (byte)255), canvas.Pixel(x, 4));
            Assert.Equal(((byte)255, (byte)255, (byte)255), canvas.Pixel(x, 6));
        }
    }

    [Fact]
    public void DashedLine_LeavesGapsOfTheDashLength()
    {
        var canvas = new RasterCanvas(60, 5);
        canvas.Line(0, 2.5, 60, 2.5, "#000000", width: 1, dash: "6,4");
        // Dashes cover [0, 6), [10, 16), ...; pixel centres 2 away from a dash end are in it or clear of it.
        for (int x = 0; x < 60; x++)
        {
            double phase = (x + 0.5) % 10;
            if (phase is > 1 and < 5) Assert.True(canvas.Pixel(x, 2).R < 10, $"pixel {x} should be in a dash");
            if (phase > 7 && phase < 9) Assert.True(canvas.Pixel(x, 2).R == 255, $"pixel {x} should be in a gap");
        }
    }

    [Theory]
    [InlineData("start", 0)]
    [InlineData("middle", -0.5)]
    [InlineData("end", -1)]
    public void Text_InksInsideTheBoxItMeasures(string anchor, double shift)
    {
        const string text = "Hg 0.5 (AUROC)|";
        var canvas = new RasterCanvas(200, 40);
        canvas.Text(100, 25, text, size: 11, anchor: anchor);

        int width = BitmapFont.Measure(text), left = 100 + (int)Math.Round(shift * width);
        var (x0, y0, x1, y1) = InkBox(canvas);
        Assert.Equal(left, x0); // 'H' inks its first column
        Assert.InRange(x1, left + width - 5, left + width - 1);
        Assert.Equal(25 - BitmapFont.Ascent, y0); // capitals reach 7 rows above the baseline
        Assert.Equal(25 + 1, y1); // 'g' descends two rows below it
    }

    [Fact]
    public void Text_RotatedAQuarterTurn_ReadsUpwardsLeftOfTheAnchor()
    {
        var canvas = new RasterCanvas(40, 120);
        canvas.Text(20, 60, "loss", size: 11, anchor: "middle", rotate: -90);
        int width = BitmapFont.Measure("loss");
        var (x0, y0, x1, y1) = InkBox(canvas);
        Assert.InRange(x0, 20 - BitmapFont.Ascent, 20 - 1);
        Assert.InRange(x1, x0, 20 - 1);
        Assert.InRange(y0, 60 - width / 2 - 1, 60);
        Assert.InRange(y1, 60, 60 + width / 2 + 1);
        Assert.True(y1 - y0 > 3 * (x1 - x0), "rotated text is taller than wide");
    }

    [Fact]
    public void Text_TooLongForTheCanvas_ShrinksToFit()
    {
        var canvas = new RasterCanvas(Axes.Width, Axes.Height, Scale);
        canvas.Text(Axes.Width / 2.0, 20, new string('W', 70), size: 14, anchor: "middle", bold: true);
        var (x0, _, x1, _) = InkBox(canvas);
        Assert.True(x0 > 0 && x1 < canvas.PixelWidth - 1, $"ink from {x0} to {x1} of {canvas.PixelWidth}");
    }

    [Fact]
    public void Font_EveryPrintableGlyph_HasInkAndDiffers()
    {
        var shapes = new HashSet<string>();
        for (char c = '!'; c <= '~'; c++)
        {
            var pixels = new List<(int, int)>();
            BitmapFont.Rasterise(c.ToString(), (x, y) => pixels.Add((x, y)));
            Assert.NotEmpty(pixels);
            Assert.All(pixels, p => Assert.True(p.Item1 is >= 0 and < 5 && p.Item2 is >= -BitmapFont.Ascent and <= 1, $"'{c}' at {p}"));
            Assert.True(shapes.Add(string.Join(' ', pixels)), $"'{c}' looks like another glyph");
        }
    }

    // Pixels close to the first palette colour (the only series), inside or outside the plot frame.
    private static int SeriesPixels(PngTests.Decoded png, Axes axes, bool insidePlot)
    {
        var (r, g, b) = Engine.Latent.ScatterPlot.ColorOf(0);
        int count = 0;
        for (int y = 0; y < png.Height; y++)
            for (int x = 0; x < png.Width; x++)
            {
                int i = (y * png.Width + x) * 3;
                if (Math.Abs(png.Pixels[i] - r) + Math.Abs(png.Pixels[i + 1] - g) + Math.Abs(png.Pixels[i + 2] - b) > 60) continue;
                bool inside = x > axes.PlotLeft * Scale && x < axes.PlotRight * Scale && y > axes.PlotTop * Scale && y < axes.PlotBottom * Scale;
                if (inside == insidePlot) count++;
            }
        return count;
    }

    // The segment sampled at 10,001 points: the nearest sample's distance, an oracle independent of the projection formula.
    private static double NaiveDistance(double px, double py, (double X, double Y) a, (double X, double Y) b) =>
        Enumerable.Range(0, 10001).Select(i => i / 10000.0)
            .Min(t => Math.Sqrt(Math.Pow(a.X + t * (b.X - a.X) - px, 2) + Math.Pow(a.Y + t * (b.Y - a.Y) - py, 2)));

    private static (int X0, int Y0, int X1, int Y1) InkBox(RasterCanvas canvas)
    {
        var (x0, y0, x1, y1) = (int.MaxValue, int.MaxValue, -1, -1);
        for (int y = 0; y < canvas.PixelHeight; y++)
            for (int x = 0; x < canvas.PixelWidth; x++)
                if (canvas.Pixel(x, y) != ((byte)255, (byte)255, (byte)255))
                    (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x), Math.Max(y1, y));
        Assert.True(x1 >= 0, "no ink");
        return (x0, y0, x1, y1);
    }
}
