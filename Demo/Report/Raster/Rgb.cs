using System.Globalization;

namespace Demo.Report.Raster;

/// <summary>A colour with components in [0, 1], read from the "#rgb" / "#rrggbb" strings the charts draw with.</summary>
internal readonly record struct Rgb(float R, float G, float B)
{
    public static Rgb White => new(1, 1, 1);

    /// <summary>The colour, or null for "none" (nothing is painted).</summary>
    /// <exception cref="FormatException">Not "none", "#rgb" or "#rrggbb".</exception>
    public static Rgb? Parse(string color)
    {
        if (color == "none") return null;
        string hex = color.StartsWith('#') ? color[1..] : "";
        if (hex.Length == 3) hex = string.Concat(hex.Select(c => $"{c}{c}"));
        if (hex.Length != 6 || !int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v))
            throw new FormatException($"RasterCanvas: colour \"{color}\" is not \"none\", \"#rgb\" or \"#rrggbb\".");
        return new Rgb((v >> 16 & 255) / 255f, (v >> 8 & 255) / 255f, (v & 255) / 255f);
    }
}
