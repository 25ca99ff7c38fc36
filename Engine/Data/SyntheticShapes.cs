namespace Engine.Data;

/// <summary>
/// Procedurally drawn grayscale images of four shape classes (0 horizontal bar, 1 vertical bar, 2 square,
/// 3 disc) at random positions and sizes. Needs no download, so examples and tests run anywhere.
/// </summary>
public static class SyntheticShapes
{
    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["horizontal bar", "vertical bar", "square", "disc"];

    /// <summary>Draws <paramref name="count"/> labelled images of <paramref name="size"/>×size pixels.</summary>
    public static ByteImageDataset Generate(int count, int seed, int size = 28)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 8);
        var random = new Random(seed);
        var pixels = new byte[count * size * size];
        var labels = new byte[count];
        for (int n = 0; n < count; n++)
        {
            int label = n % 4;
            labels[n] = (byte)label;
            var image = pixels.AsSpan(n * size * size, size * size);
            int extent = random.Next(size / 4, size / 2);         // half-size of the shape
            int thickness = random.Next(2, Math.Max(3, size / 7));
            int cx = random.Next(extent, size - extent), cy = random.Next(extent, size - extent);
            byte ink = (byte)random.Next(160, 256);
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    int dx = x - cx, dy = y - cy;
                    bool on = label switch
                    {
                        0 => Math.Abs(dx) <= extent && Math.Abs(dy) <= thickness / 2,
                        1 => Math.Abs(dy) <= extent && Math.Abs(dx) <= thickness / 2,
                        2 => Math.Abs(dx) <= extent * 3 / 4 && Math.Abs(dy) <= extent * 3 / 4,
                        _ => dx * dx + dy * dy <= extent * extent * 9 / 16,
                    };
                    if (on) image[y * size + x] = ink;
                }
            }
        }
        return new ByteImageDataset(pixels, size * size, labels, size, size);
    }
}
