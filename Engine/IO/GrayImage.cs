namespace Engine.IO;

/// <summary>An 8-bit grayscale image: <see cref="Pixels"/> holds <see cref="Width"/> × <see cref="Height"/> bytes, row-major.</summary>
/// <param name="Width">Columns, &gt; 0.</param>
/// <param name="Height">Rows, &gt; 0.</param>
/// <param name="Pixels">Row-major bytes, 0 = black, 255 = white.</param>
public sealed record GrayImage(int Width, int Height, byte[] Pixels)
{
    /// <summary>Writes the image as a PNG, atomically.</summary>
    public void SavePng(string path) => Png.WriteGray8(path, Pixels, Width, Height);

    /// <summary>The PNG bytes of the image.</summary>
    public byte[] ToPng() => Png.EncodeGray8(Pixels, Width, Height);
}
