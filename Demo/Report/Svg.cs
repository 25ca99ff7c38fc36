using System.Globalization;
using System.Text;

namespace Demo.Report;

/// <summary>
/// A tiny SVG writer: elements appended to a buffer with invariant-culture numbers and escaped text, so every
/// chart is well-formed XML that can sit inline in the report's XHTML and in a stand-alone .svg file.
/// </summary>
internal sealed class Svg : ICanvas
{
    private readonly StringBuilder _body = new();

    public Svg(int width, int height)
    {
        Width = width;
        Height = height;
    }

    public int Width { get; }

    public int Height { get; }

    public static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    public static string Escape(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null) =>
        _body.Append($"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\"{Dash(dash)}/>");

    public void Rect(double x, double y, double width, double height, string fill, string? stroke = null) =>
        _body.Append($"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(width)}\" height=\"{N(height)}\" fill=\"{fill}\""
            + (stroke is null ? "" : $" stroke=\"{stroke}\"") + "/>");

    public void Circle(double x, double y, double radius, string fill, double opacity = 1) =>
        _body.Append($"<circle cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"{N(radius)}\" fill=\"{fill}\""
            + (opacity < 1 ? $" fill-opacity=\"{N(opacity)}\"" : "") + "/>");

    public void Polyline(IEnumerable<(double X, double Y)> points, string stroke, double width = 2, string? dash = null)
    {
        var piece = new List<string>();
        void Flush()
        {
            if (piece.Count >= 2)
                _body.Append($"<polyline points=\"{string.Join(' ', piece)}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\" stroke-linejoin=\"round\"{Dash(dash)}/>");
            piece.Clear();
        }
        foreach (var (x, y) in points)
        {
            if (double.IsFinite(x) && double.IsFinite(y)) piece.Add($"{N(x)},{N(y)}");
            else Flush();
        }
        Flush();
    }

    public void Text(double x, double y, string text, int size = 12, string anchor = "start", string fill = "#222",
        double rotate = 0, bool bold = false) =>
        _body.Append($"<text x=\"{N(x)}\" y=\"{N(y)}\" font-size=\"{size}\" text-anchor=\"{anchor}\" fill=\"{fill}\""
            + (bold ? " font-weight=\"bold\"" : "")
            + (rotate != 0 ? $" transform=\"rotate({N(rotate)} {N(x)} {N(y)})\"" : "")
            + $">{Escape(text)}</text>");

    public override string ToString() =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" "
        + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">"
        + $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>{_body}</svg>";

    private static string Dash(string? dash) => dash is null ? "" : $" stroke-dasharray=\"{dash}\"";
}
