using Demo.Report.Raster;

namespace Demo.Report;

/// <summary>One chart, two outputs from the same drawing calls: an SVG document and a PNG.</summary>
internal static class ChartRendering
{
    /// <summary>PNG pixels per chart pixel: twice the SVG's size, so thin lines and the bitmap font stay legible on screen.</summary>
    public const int PngScale = 2;

    public static string ToSvg(this IChart chart)
    {
        var svg = new Svg(Axes.Width, Axes.Height);
        chart.Draw(svg);
        return svg.ToString();
    }

    public static byte[] ToPng(this IChart chart, int scale = PngScale)
    {
        var canvas = new RasterCanvas(Axes.Width, Axes.Height, scale);
        chart.Draw(canvas);
        return canvas.ToPng();
    }
}
