using Engine.IO;

namespace Engine.Latent;

/// <summary>
/// A minimal scatter plot of 2-D points coloured by class, drawn into an RGB buffer (white background, a thin
/// grey frame, each point a small square), for looking at a 2-D latent space without a plotting library.
/// </summary>
public static class ScatterPlot
{
    // Matplotlib's "tab10" palette: ten colours that stay distinguishable, in class order.
    private static readonly byte[] Palette =
    [
        31, 119, 180, 255, 127, 14, 44, 160, 44, 214, 39, 40, 148, 103, 189,
        140, 86, 75, 227, 119, 194, 127, 127, 127, 188, 189, 34, 23, 190, 207,
    ];

    /// <summary>The colour (R, G, B) used for class <paramref name="label"/>; the ten colours repeat after 10.</summary>
    public static (byte R, byte G, byte B) ColorOf(int label)
    {
        int i = ((label % 10) + 10) % 10 * 3;
        return (Palette[i], Palette[i + 1], Palette[i + 2]);
    }

    /// <summary>
    /// Draws the points into a (height, width, 3) RGB buffer, row-major. Axes are scaled to the points' range
    /// with a margin; later points are drawn over earlier ones. Non-finite points are skipped.
    /// </summary>
    /// <param name="points">Row-major (rows, 2): x then y (y grows upwards in the picture).</param>
    /// <param name="labels">Class of each point (colour via <see cref="ColorOf"/>).</param>
    /// <param name="width">Picture width in pixels, at least 16.</param>
    /// <param name="height">Picture height in pixels, at least 16.</param>
    /// <param name="pointSize">Side of each point's square in pixels, at least 1.</param>
    /// <exception cref="ArgumentException">Shapes do not match or a size is too small.</exception>
    public static byte[] Draw(ReadOnlySpan<float> points, ReadOnlySpan<int> labels, int width, int height, int pointSize = 3)
    {
        const string op = "ScatterPlot.Draw";
        if (points.Length != 2 * labels.Length)
            throw new ArgumentException($"{op}: {points.Length} coordinates for {labels.Length} labels; need 2 per label.", nameof(points));
        if (width < 16 || height < 16 || pointSize < 1 || (long)width * height * 3 > Array.MaxLength)
            throw new ArgumentException($"{op}: a {width}×{height} picture with point size {pointSize} is not drawable.", nameof(width));

        var rgb = new byte[width * height * 3];
        Array.Fill(rgb, (byte)255);
        int margin = Math.Max(4, Math.Min(width, height) / 20);
        DrawFrame(rgb, width, height, margin);

        float minX = float.PositiveInfinity, maxX = float.NegativeInfinity;
        float minY = float.PositiveInfinity, maxY = float.NegativeInfinity;
        for (int i = 0; i < labels.Length; i++)
        {
            float x = points[2 * i], y = points[2 * i + 1];
            if (!float.IsFinite(x) || !float.IsFinite(y)) continue;
            (minX, maxX) = (Math.Min(minX, x), Math.Max(maxX, x));
            (minY, maxY) = (Math.Min(minY, y), Math.Max(maxY, y));
        }
        if (minX > maxX) return rgb; // no finite point
        float spanX = Math.Max(maxX - minX, 1e-12f), spanY = Math.Max(maxY - minY, 1e-12f);
        int plotWidth = width - 2 * margin - pointSize, plotHeight = height - 2 * margin - pointSize;
        for (int i = 0; i < labels.Length; i++)
        {
            float x = points[2 * i], y = points[2 * i + 1];
            if (!float.IsFinite(x) || !float.IsFinite(y)) continue;
            // Map to pixels; flip y so that larger values are higher up.
            int px = margin + (int)MathF.Round((x - minX) / spanX * plotWidth);
            int py = margin + (int)MathF.Round((maxY - y) / spanY * plotHeight);
            var (r, g, b) = ColorOf(labels[i]);
            for (int dy = 0; dy < pointSize; dy++)
            {
                for (int dx = 0; dx < pointSize; dx++)
                {
                    int at = ((py + dy) * width + px + dx) * 3;
                    rgb[at] = r;
                    rgb[at + 1] = g;
                    rgb[at + 2] = b;
                }
            }
        }
        return rgb;
    }

    /// <summary>The plot of <see cref="Draw"/> encoded as a PNG file's bytes.</summary>
    public static byte[] ToPng(ReadOnlySpan<float> points, ReadOnlySpan<int> labels, int width, int height, int pointSize = 3) =>
        Png.EncodeRgb8(Draw(points, labels, width, height, pointSize), width, height);

    private static void DrawFrame(byte[] rgb, int width, int height, int margin)
    {
        const byte grey = 200;
        int left = margin / 2, right = width - 1 - margin / 2, top = margin / 2, bottom = height - 1 - margin / 2;
        for (int x = left; x <= right; x++)
            foreach (int y in new[] { top, bottom })
                rgb.AsSpan((y * width + x) * 3, 3).Fill(grey);
        for (int y = top; y <= bottom; y++)
            foreach (int x in new[] { left, right })
                rgb.AsSpan((y * width + x) * 3, 3).Fill(grey);
    }
}
