namespace Engine.Data;

/// <summary>
/// Resizes 8-bit gray images by area averaging (a box filter): each output pixel is the mean of the input area it
/// covers, every input pixel weighted by how much of it lies inside. Works for any ratio, up or down, and keeps the
/// mean brightness; shrinking by a whole factor averages whole blocks (Pillow's <c>reduce</c>).
/// </summary>
public static class ImageResize
{
    /// <summary>Resizes <paramref name="source"/> (width × height, row-major) into <paramref name="destination"/>.</summary>
    /// <param name="source">Input pixels.</param>
    /// <param name="width">Input width.</param>
    /// <param name="height">Input height.</param>
    /// <param name="destination">Output pixels, newWidth × newHeight.</param>
    /// <param name="newWidth">Output width.</param>
    /// <param name="newHeight">Output height.</param>
    /// <exception cref="ArgumentException">A size below 1, or a buffer of the wrong length.</exception>
    public static void Box(ReadOnlySpan<byte> source, int width, int height, Span<byte> destination, int newWidth, int newHeight)
    {
        if (width < 1 || height < 1 || newWidth < 1 || newHeight < 1)
            throw new ArgumentException($"ImageResize.Box: sizes must be at least 1, got {width}×{height} → {newWidth}×{newHeight}.");
        if (source.Length != (long)width * height || destination.Length != (long)newWidth * newHeight)
            throw new ArgumentException($"ImageResize.Box: buffers of {source.Length} and {destination.Length} bytes for {width}×{height} → {newWidth}×{newHeight}.");
        // rows first (width → newWidth), then columns (height → newHeight), in floats
        var columns = Weights(width, newWidth);
        var rows = Weights(height, newHeight);
        var wide = new float[height * newWidth];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < newWidth; x++)
            {
                float sum = 0;
                foreach (var (index, weight) in columns[x]) sum += weight * source[y * width + index];
                wide[y * newWidth + x] = sum;
            }
        for (int y = 0; y < newHeight; y++)
            for (int x = 0; x < newWidth; x++)
            {
                float sum = 0;
                foreach (var (index, weight) in rows[y]) sum += weight * wide[index * newWidth + x];
                destination[y * newWidth + x] = (byte)Math.Clamp(MathF.Round(sum), 0, 255);
            }
    }

    // For each output cell [o·n/m, (o+1)·n/m) of the input axis: the input cells it overlaps and the share of each.
    private static (int Index, float Weight)[][] Weights(int n, int m)
    {
        var result = new (int, float)[m][];
        for (int o = 0; o < m; o++)
        {
            double start = (double)o * n / m, end = (double)(o + 1) * n / m;
            var parts = new List<(int, float)>();
            for (int i = (int)Math.Floor(start); i < Math.Min(n, (int)Math.Ceiling(end)); i++)
            {
                double overlap = Math.Min(end, i + 1) - Math.Max(start, i);
                if (overlap > 0) parts.Add((i, (float)(overlap / (end - start))));
            }
            result[o] = [.. parts];
        }
        return result;
    }
}
