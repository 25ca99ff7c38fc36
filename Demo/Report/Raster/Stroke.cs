using System.Globalization;

namespace Demo.Report.Raster;

/// <summary>
/// Geometry of stroked lines: dash patterns cut into segments, and a segment's anti-aliased coverage of each pixel
/// (1 inside the stroke, 0 beyond half a pixel outside it, linear in between), with round ends so polyline joins are
/// round, as the SVG asks for.
/// </summary>
internal static class Stroke
{
    /// <summary>
    /// The "on" pieces of a polyline under an SVG dash array such as "5,3" (lengths in the points' units, pattern
    /// running on across corners); the polyline's own segments when <paramref name="dash"/> is null.
    /// </summary>
    /// <exception cref="FormatException">The dash array is not a list of non-negative numbers with a positive sum.</exception>
    public static List<(double X1, double Y1, double X2, double Y2)> Dashed(IReadOnlyList<(double X, double Y)> points,
        string? dash, double scale)
    {
        var pieces = new List<(double, double, double, double)>();
        double[] pattern = dash is null ? [] : dash.Split(',', ' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => double.Parse(d, NumberStyles.Float, CultureInfo.InvariantCulture) * scale).ToArray();
        if (dash is not null && (pattern.Any(d => !(d >= 0)) || !(pattern.Sum() > 0)))
            throw new FormatException($"RasterCanvas: dash array \"{dash}\" needs non-negative lengths with a positive sum.");
        int index = 0;
        double left = pattern.Length > 0 ? pattern[0] : double.PositiveInfinity;
        for (int i = 1; i < points.Count; i++)
        {
            var (x1, y1) = points[i - 1];
            var (x2, y2) = points[i];
            double length = Math.Sqrt((x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1));
            for (double done = 0; done < length;)
            {
                double step = Math.Min(left, length - done);
                if (index % 2 == 0 && step > 0)
                {
                    double t0 = done / length, t1 = (done + step) / length;
                    pieces.Add((x1 + t0 * (x2 - x1), y1 + t0 * (y2 - y1), x1 + t1 * (x2 - x1), y1 + t1 * (y2 - y1)));
                }
                done += step;
                left -= step;
                if (left <= 0 && pattern.Length > 0) left = pattern[++index % pattern.Length];
            }
        }
        return pieces;
    }

    /// <summary>
    /// Raises <paramref name="coverage"/> (row-major, <paramref name="width"/> × <paramref name="height"/>) to the
    /// segment's coverage where that is larger, so overlapping pieces of one polyline do not darken its joins; widens
    /// <paramref name="box"/> (min x, min y, max x, max y, inclusive) to the pixels touched.
    /// </summary>
    public static void Segment(float[] coverage, int width, int height, double x1, double y1, double x2, double y2,
        double lineWidth, ref (int X0, int Y0, int X1, int Y1) box)
    {
        double reach = lineWidth / 2 + 0.5;
        int left = Math.Max(0, (int)Math.Floor(Math.Min(x1, x2) - reach)), right = Math.Min(width - 1, (int)Math.Ceiling(Math.Max(x1, x2) + reach));
        int top = Math.Max(0, (int)Math.Floor(Math.Min(y1, y2) - reach)), bottom = Math.Min(height - 1, (int)Math.Ceiling(Math.Max(y1, y2) + reach));
        if (left > right || top > bottom) return;
        box = (Math.Min(box.X0, left), Math.Min(box.Y0, top), Math.Max(box.X1, right), Math.Max(box.Y1, bottom));
        double dx = x2 - x1, dy = y2 - y1, lengthSquared = dx * dx + dy * dy;
        for (int y = top; y <= bottom; y++)
            for (int x = left; x <= right; x++)
            {
                // Distance from the pixel's centre to the nearest point of the segment.
                double px = x + 0.5 - x1, py = y + 0.5 - y1;
                double t = lengthSquared > 0 ? Math.Clamp((px * dx + py * dy) / lengthSquared, 0, 1) : 0;
                double ex = px - t * dx, ey = py - t * dy;
                float c = (float)Math.Clamp(reach - Math.Sqrt(ex * ex + ey * ey), 0, 1);
                ref float slot = ref coverage[y * width + x];
                if (c > slot) slot = c;
            }
    }
}
