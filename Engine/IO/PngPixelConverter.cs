namespace Engine.IO;

/// <summary>
/// Turns unfiltered PNG rows of any colour type and bit depth into 8-bit gray, blending transparency onto black
/// (see <see cref="PngReader"/> for the formulas).
/// </summary>
internal sealed class PngPixelConverter
{
    private readonly PngReader.Header _h;
    private readonly byte[]? _paletteGray;
    private readonly byte[]? _paletteAlpha;
    private readonly int[]? _key;

    public PngPixelConverter(PngReader.Header header, byte[]? palette, byte[]? transparency)
    {
        _h = header;
        if (header.ColorType == 3 && palette is not null)
        {
            int n = palette.Length / 3;
            _paletteGray = new byte[256];
            _paletteAlpha = new byte[256];
            for (int i = 0; i < 256; i++)
            {
                _paletteAlpha[i] = 255;
                if (i < n) _paletteGray[i] = Luma(palette[3 * i], palette[3 * i + 1], palette[3 * i + 2]);
            }
            if (transparency is not null)
                for (int i = 0; i < Math.Min(transparency.Length, 256); i++) _paletteAlpha[i] = transparency[i];
        }
        // tRNS for gray (one 2-byte sample) or RGB (three): pixels of exactly that colour are transparent
        else if (transparency is not null && header.ColorType is 0 or 2 && transparency.Length >= 2 * header.Channels)
        {
            _key = new int[header.Channels];
            for (int c = 0; c < _key.Length; c++) _key[c] = (transparency[2 * c] << 8) | transparency[2 * c + 1];
        }
    }

    /// <summary>
    /// Writes <paramref name="rows"/> rows of <paramref name="width"/> pixels (starting at <paramref name="start"/> in
    /// <paramref name="raw"/>, each after its filter byte) to <paramref name="pixels"/> at (x0 + dx·i, y0 + dy·j).
    /// </summary>
    public void Rows(byte[] raw, long start, int width, int rows, byte[] pixels, int x0, int y0, int dx, int dy)
    {
        int rowBytes = _h.RowBytes(width);
        var samples = new int[_h.Channels];
        for (int y = 0; y < rows; y++)
        {
            var row = raw.AsSpan((int)(start + (long)y * (rowBytes + 1) + 1), rowBytes);
            long target = (long)(y0 + y * dy) * _h.Width + x0;
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < samples.Length; c++) samples[c] = Sample(row, x * samples.Length + c);
                pixels[target + (long)x * dx] = Gray(samples);
            }
        }
    }

    // Sample k of a row: packed big-endian bits for depths below 8, one byte, or two big-endian bytes.
    private int Sample(ReadOnlySpan<byte> row, int k) => _h.Depth switch
    {
        8 => row[k],
        16 => (row[2 * k] << 8) | row[2 * k + 1],
        _ => (row[k * _h.Depth / 8] >> (8 - _h.Depth - k * _h.Depth % 8)) & ((1 << _h.Depth) - 1),
    };

    private byte Gray(int[] s)
    {
        int max = (1 << _h.Depth) - 1;
        switch (_h.ColorType)
        {
            case 3:
                return Blend(_paletteGray![s[0]], _paletteAlpha![s[0]]);
            case 0:
                return _key is not null && s[0] == _key[0] ? (byte)0 : Scale(s[0], max);
            case 4:
                return Blend(Scale(s[0], max), Scale(s[1], max));
            case 2:
                if (_key is not null && s[0] == _key[0] && s[1] == _key[1] && s[2] == _key[2]) return 0;
                return Luma(Scale(s[0], max), Scale(s[1], max), Scale(s[2], max));
            default:
                return Blend(Luma(Scale(s[0], max), Scale(s[1], max), Scale(s[2], max)), Scale(s[3], max));
        }
    }

    private static byte Scale(int value, int max) => max == 255 ? (byte)value : (byte)((value * 255 + max / 2) / max);

    private static byte Blend(byte gray, byte alpha) => (byte)((gray * alpha + 127) / 255);

    /// <summary>ITU-R BT.601 luma, rounded: (299 R + 587 G + 114 B) / 1000.</summary>
    internal static byte Luma(int r, int g, int b) => (byte)((299 * r + 587 * g + 114 * b + 500) / 1000);
}
