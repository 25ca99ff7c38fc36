namespace Engine.IO;

/// <summary>Lays many small grayscale images (e.g. 28×28 reconstructions) out as one grid image.</summary>
public static class ImageGrid
{
    /// <summary>
    /// Tiles <paramref name="count"/> images of <paramref name="tileHeight"/> × <paramref name="tileWidth"/> floats,
    /// stored back to back in <paramref name="images"/>, into rows of <paramref name="columns"/> tiles.
    /// </summary>
    /// <param name="images">count × tileHeight × tileWidth values; <paramref name="low"/> maps to black, <paramref name="high"/> to white (clamped).</param>
    /// <param name="count">Number of tiles.</param>
    /// <param name="tileHeight">Rows of one tile.</param>
    /// <param name="tileWidth">Columns of one tile.</param>
    /// <param name="columns">Tiles per grid row; the last row may be partly empty.</param>
    /// <param name="padding">Background pixels between tiles and around the border (before upscaling).</param>
    /// <param name="scale">Each pixel becomes a scale × scale block (nearest-neighbour upscaling).</param>
    /// <param name="background">Gray level of the padding and of empty cells.</param>
    /// <param name="low">Value shown as black.</param>
    /// <param name="high">Value shown as white.</param>
    /// <returns>The grid: width = scale·(columns·(tileWidth + padding) + padding), and likewise for height.</returns>
    /// <exception cref="ArgumentException">Non-positive sizes, negative padding, or a length mismatch.</exception>
    public static GrayImage Tile(ReadOnlySpan<float> images, int count, int tileHeight, int tileWidth, int columns,
        int padding = 2, int scale = 1, byte background = 64, float low = 0f, float high = 1f)
    {
        if (count <= 0 || tileHeight <= 0 || tileWidth <= 0 || columns <= 0 || scale <= 0 || padding < 0)
            throw new ArgumentException(
                $"ImageGrid.Tile: count {count}, tile {tileHeight}×{tileWidth}, columns {columns} and scale {scale} " +
                $"must be positive and padding {padding} non-negative.", nameof(count));
        long tileSize = (long)tileHeight * tileWidth;
        if (tileSize * count != images.Length)
            throw new ArgumentException(
                $"ImageGrid.Tile: {count} tiles of {tileHeight}×{tileWidth} need {tileSize * count} values, got {images.Length}.",
                nameof(images));
        int rows = (count + columns - 1) / columns;
        long width = (long)scale * (columns * (long)(tileWidth + padding) + padding);
        long height = (long)scale * (rows * (long)(tileHeight + padding) + padding);
        if (width * height > Array.MaxLength)
            throw new ArgumentException($"ImageGrid.Tile: a {width}×{height} grid is too large.", nameof(count));

        byte[] levels = Png.ToBytes(images, low, high);
        var pixels = new byte[width * height];
        Array.Fill(pixels, background);
        int w = (int)width;
        for (int t = 0; t < count; t++)
        {
            // Top-left corner of tile t, in unscaled grid pixels.
            int originY = padding + t / columns * (tileHeight + padding);
            int originX = padding + t % columns * (tileWidth + padding);
            for (int y = 0; y < tileHeight * scale; y++)
            {
                int sourceRow = t * tileHeight * tileWidth + y / scale * tileWidth;
                int targetRow = (originY * scale + y) * w + originX * scale;
                for (int x = 0; x < tileWidth * scale; x++)
                    pixels[targetRow + x] = levels[sourceRow + x / scale];
            }
        }
        return new GrayImage(w, (int)height, pixels);
    }
}
