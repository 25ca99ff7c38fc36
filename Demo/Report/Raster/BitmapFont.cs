using System.Globalization;
using System.Text;

namespace Demo.Report.Raster;

/// <summary>
/// A 5×7 bitmap font for printable ASCII, enough for tick labels, titles and legends in the PNG charts. Capitals and
/// digits are 7 rows tall above the baseline; g, j, p, q, y (and , ;) reach up to 2 rows below it. Each glyph is a
/// run of hex bytes, one per row from the top, the low 5 bits a row's pixels (bit 4 = leftmost column).
/// </summary>
internal static class BitmapFont
{
    /// <summary>Font pixels from one glyph's left edge to the next one's (5 columns and a blank one).</summary>
    public const int Advance = 6;

    /// <summary>Rows above the baseline.</summary>
    public const int Ascent = 7;

    // Glyphs for ' ' (32) to '~' (126), in order.
    private const string Table =
        "00000000000000 04040404040004 0A0A0000000000 0A0A1F0A1F0A0A 040F140E051E04 18190204081303 0C12140815120D " +
        "04040000000000 02040808080402 08040202020408 0004150E150400 0004041F040400 00000000000C0408 0000001F000000 " +
        "00000000000C0C 00010204081000 0E11131519110E 040C040404040E 0E11010204081F 1F02040201110E 02060A121F0202 " +
        "1F101E0101110E 0608101E11110E 1F010204080808 0E11110E11110E 0E11110F01020C 000C0C000C0C00 000C0C000C0C0408 " +
        "02040810080402 00001F001F0000 08040201020408 0E110102040004 0E11010D15150E 0E11111F111111 1E11111E11111E " +
        "0E11101010110E 1C12111111121C 1F10101E10101F 1F10101E101010 0E11101711110F 1111111F111111 0E04040404040E " +
        "0702020202120C 11121418141211 1010101010101F 111B1515111111 11111915131111 0E11111111110E 1E11111E101010 " +
        "0E11111115120D 1E11111E141211 0F10100E01011E 1F040404040404 1111111111110E 11111111110A04 1111111515150A " +
        "11110A040A1111 11110A04040404 1F01020408101F 0E08080808080E 00100804020100 0E02020202020E 040A1100000000 " +
        "0000000000001F 08040000000000 00000E010F110F 1010161911111E 00000E1010110E 01010D1311110F 00000E111F100E " +
        "0609081C080808 00000F1111130D010E 10101619111111 04000C0404040E 02000602020202120C 10101214181412 " +
        "0C04040404040E 00001A15151515 00001619111111 00000E1111110E 00001E111119161010 00000F1111130D0101 " +
        "00001619101010 00000E100E011E 08081C08080906 0000111111130D 00001111110A04 0000111115150A 0000110A040A11 " +
        "0000111111130D010E 00001F0204081F 02040408040402 04040404040404 08040402040408 00000815020000";

    private static readonly byte[][] Glyphs = Table.Split(' ').Select(Convert.FromHexString).ToArray();

    /// <summary>Width of the text in font pixels (no blank column after the last glyph).</summary>
    public static int Measure(string text) => text.Length == 0 ? 0 : Printable(text).Length * Advance - 1;

    /// <summary>
    /// Calls <paramref name="pixel"/>(column, row) for every inked font pixel: column from the text's left edge,
    /// row relative to the baseline (−7 is the top row of a capital, 0 and 1 the descender rows).
    /// </summary>
    public static void Rasterise(string text, Action<int, int> pixel)
    {
        string printable = Printable(text);
        for (int i = 0; i < printable.Length; i++)
        {
            byte[] glyph = Glyphs[printable[i] - ' '];
            for (int row = 0; row < glyph.Length; row++)
                for (int column = 0; column < 5; column++)
                    if ((glyph[row] >> (4 - column) & 1) != 0) pixel(i * Advance + column, row - Ascent);
        }
    }

    // The text with accents dropped, dashes and other typographic marks spelled in ASCII, anything else as '?'.
    private static string Printable(string text)
    {
        var ascii = new StringBuilder(text.Length);
        foreach (char c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            ascii.Append(c switch
            {
                >= ' ' and <= '~' => c,
                '–' or '—' or '−' => '-',
                '×' => 'x',
                '·' or '•' => '.',
                '’' or '‘' => '\'',
                '“' or '”' => '"',
                _ => '?',
            });
        }
        return ascii.ToString();
    }
}
