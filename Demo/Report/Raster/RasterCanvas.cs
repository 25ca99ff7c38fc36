using Engine.IO;

namespace Demo.Report.Raster;

/// <summary>
/// Paints chart primitives into an RGB bitmap <see cref="Scale"/> times the chart's size, on white: anti-aliased
/// lines, polylines, discs and rectangles (coverage from the distance to each pixel's centre, blended over what is
/// there), and text in <see cref="BitmapFont"/>. The PNG twin of <see cref="Svg"/>.
/// </summary>
internal sealed class RasterCanvas : ICanvas
{
    private readonly float[] _rgb;
    private readonly float[] _coverage;

    /// <exception cref="ArgumentException">A size or the scale is not positive, or the bitmap would be too large.</exception>
    public RasterCanvas(int width, int height, int scale = 1)
    {
        if (width <= 0 || height <= 0 || scale <= 0 || (long)width * height * scale * scale * 3 > Array.MaxLength)
            throw new ArgumentException($"RasterCanvas: a {width}×{height} canvas at scale {scale} is not drawable.", nameof(width));
        (Width, Height, Scale) = (width, height, scale);
        (PixelWidth, PixelHeight) = (width * scale, height * scale);
        _rgb = new float[PixelWidth * PixelHeight * 3];
        Array.Fill(_rgb, 1f);
        _coverage = new float[PixelWidth * PixelHeight];
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Bitmap pixels per chart pixel along each axis.</summary>
    public int Scale { get; }

    public int PixelWidth { get; }

    public int PixelHeight { get; }

    /// <summary>The bitmap pixel at (x, y) as bytes.</summary>
    public (byte R, byte G, byte B) Pixel(int x, int y)
    {
        int i = (y * PixelWidth + x) * 3;
        return (ToByte(_rgb[i]), ToByte(_rgb[i + 1]), ToByte(_rgb[i + 2]));
    }

    public byte[] ToRgb8() => _rgb.Select(ToByte).ToArray();

    public byte[] ToPng() => Png.EncodeRgb8(ToRgb8(), PixelWidth, PixelHeight);

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null) =>
        Polyline([(x1, y1), (x2, y2)], stroke, width, dash);

    public void Polyline(IEnumerable<(double X, double Y)> points, string stroke, double width = 2, string? dash = null)
    {
        if (Rgb.Parse(stroke) is not Rgb color) return;
        var piece = new List<(double X, double Y)>();
        foreach (var (x, y) in points.Append((double.NaN, double.NaN)))
        {
            if (double.IsFinite(x) && double.IsFinite(y))
            {
                piece.Add((x * Scale, y * Scale));
                continue;
            }
            var box = (X0: int.MaxValue, Y0: int.MaxValue, X1: -1, Y1: -1);
            foreach (var (ax, ay, bx, by) in Stroke.Dashed(piece, dash, Scale))
                Stroke.Segment(_coverage, PixelWidth, PixelHeight, ax, ay, bx, by, width * Scale, ref box);
            for (int py = box.Y0; py <= box.Y1; py++)
                for (int px = box.X0; px <= box.X1; px++)
                {
                    ref float c = ref _coverage[py * PixelWidth + px];
                    Blend(px, py, color, c);
                    c = 0;
                }
            piece.Clear();
        }
    }

    public void Rect(double x, double y, double width, double height, string fill, string? stroke = null)
    {
        if (Rgb.Parse(fill) is Rgb color)
        {
            double x0 = x * Scale, y0 = y * Scale, x1 = (x + width) * Scale, y1 = (y + height) * Scale;
            for (int py = Math.Max(0, (int)Math.Floor(y0)); py < Math.Min(PixelHeight, Math.Ceiling(y1)); py++)
                for (int px = Math.Max(0, (int)Math.Floor(x0)); px < Math.Min(PixelWidth, Math.Ceiling(x1)); px++)
                    Blend(px, py, color, Overlap(px, x0, x1) * Overlap(py, y0, y1));
        }
        if (stroke is not null)
            Polyline([(x, y), (x + width, y), (x + width, y + height), (x, y + height), (x, y)], stroke, 1);
    }

    public void Circle(double x, double y, double radius, string fill, double opacity = 1)
    {
        if (Rgb.Parse(fill) is not Rgb color) return;
        double cx = x * Scale, cy = y * Scale, r = radius * Scale;
        for (int py = Math.Max(0, (int)Math.Floor(cy - r - 1)); py <= Math.Min(PixelHeight - 1, cy + r + 1); py++)
            for (int px = Math.Max(0, (int)Math.Floor(cx - r - 1)); px <= Math.Min(PixelWidth - 1, cx + r + 1); px++)
            {
                double d = Math.Sqrt((px + 0.5 - cx) * (px + 0.5 - cx) + (py + 0.5 - cy) * (py + 0.5 - cy));
                Blend(px, py, color, (float)(Math.Clamp(r + 0.5 - d, 0, 1) * Math.Clamp(opacity, 0, 1)));
            }
    }

    /// <summary>
    /// Text in <see cref="BitmapFont"/>, each font pixel a square of about size/11 chart pixels (shrunk until the
    /// text fits the canvas), bold drawn twice one bitmap pixel apart; rotation snapped to quarter turns.
    /// </summary>
    public void Text(double x, double y, string text, int size = 12, string anchor = "start", string fill = "#222",
        double rotate = 0, bool bold = false)
    {
        if (Rgb.Parse(fill) is not Rgb color) return;
        double turn = Math.Round(rotate / 90) * Math.PI / 2;
        int cos = (int)Math.Round(Math.Cos(turn)), sin = (int)Math.Round(Math.Sin(turn));
        int cell = Math.Max(1, (int)Math.Round(Scale * size / 11.0));
        int room = (sin == 0 ? PixelWidth : PixelHeight) - 8 * Scale;
        while (cell > 1 && BitmapFont.Measure(text) * cell > room) cell--;
        int textWidth = BitmapFont.Measure(text) * cell + (bold ? 1 : 0);
        int start = anchor switch { "middle" => -textWidth / 2, "end" => -textWidth, _ => 0 };
        int ox = (int)Math.Round(x * Scale), oy = (int)Math.Round(y * Scale);
        BitmapFont.Rasterise(text, (column, row) =>
        {
            // The font pixel's square in unrotated offsets from the anchor, then turned about it.
            int dx0 = start + column * cell, dy0 = row * cell, dx1 = dx0 + cell + (bold ? 1 : 0), dy1 = dy0 + cell;
            int ax = ox + dx0 * cos - dy0 * sin, ay = oy + dx0 * sin + dy0 * cos;
            int bx = ox + dx1 * cos - dy1 * sin, by = oy + dx1 * sin + dy1 * cos;
            for (int py = Math.Max(0, Math.Min(ay, by)); py < Math.Min(PixelHeight, Math.Max(ay, by)); py++)
                for (int px = Math.Max(0, Math.Min(ax, bx)); px < Math.Min(PixelWidth, Math.Max(ax, bx)); px++)
                    Blend(px, py, color, 1);
        });
    }

    private void Blend(int x, int y, Rgb color, float alpha)
    {
        if (alpha <= 0) return;
        int i = (y * PixelWidth + x) * 3;
        _rgb[i] += (color.R - _rgb[i]) * alpha;
        _rgb[i + 1] += (color.G - _rgb[i + 1]) * alpha;
        _rgb[i + 2] += (color.B - _rgb[i + 2]) * alpha;
    }

    // How much of the pixel [p, p + 1) lies inside [low, high].
    private static float Overlap(int p, double low, double high) => (float)Math.Clamp(Math.Min(p + 1, high) - Math.Max(p, low), 0, 1);

    private static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round(v * 255f), 0f, 255f);
}
