namespace Demo.Report;

/// <summary>
/// What a chart draws with: the few primitives every chart needs, in chart pixels (origin top left, y down),
/// colours as "#rgb" / "#rrggbb" or "none". Charts draw once into this; <see cref="Svg"/> writes the strokes as SVG
/// elements and <see cref="Raster.RasterCanvas"/> paints them into an RGB bitmap for the PNG beside each .svg.
/// </summary>
internal interface ICanvas
{
    int Width { get; }

    int Height { get; }

    /// <summary>A straight line; <paramref name="dash"/> is an SVG dash array such as "5,3" (null: solid).</summary>
    void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null);

    /// <summary>An axis-aligned rectangle filled with <paramref name="fill"/> (or "none"), outlined 1 pixel wide if <paramref name="stroke"/> is given.</summary>
    void Rect(double x, double y, double width, double height, string fill, string? stroke = null);

    /// <summary>A filled disc; <paramref name="opacity"/> in [0, 1].</summary>
    void Circle(double x, double y, double radius, string fill, double opacity = 1);

    /// <summary>A polyline through the points (already in pixels) with round joins; NaN points break the line into pieces.</summary>
    void Polyline(IEnumerable<(double X, double Y)> points, string stroke, double width = 2, string? dash = null);

    /// <summary>Text with its baseline at <paramref name="y"/>; <paramref name="anchor"/> is start, middle or end; <paramref name="rotate"/> in degrees about the anchor point.</summary>
    void Text(double x, double y, string text, int size = 12, string anchor = "start", string fill = "#222",
        double rotate = 0, bool bold = false);
}
