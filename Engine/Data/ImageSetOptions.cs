using Engine.Tensors;

namespace Engine.Data;

/// <summary>How <see cref="ImageSets.Load"/> reads an image data set.</summary>
public sealed record ImageSetOptions
{
    /// <summary>
    /// The size every image must have: images of another size are resized to it by area averaging
    /// (<see cref="ImageResize.Box"/>) and a note says how many. Null keeps the data's own size, and then images of
    /// different sizes are refused, naming two of them.
    /// </summary>
    public (int Width, int Height)? Size
    {
        get;
        init => field = value is { } size && (size.Width < 1 || size.Height < 1 || (long)size.Width * size.Height > 1 << 24)
            ? throw new ArgumentException($"ImageSetOptions.Size: width and height from 1 with at most 16,777,216 pixels, got {size.Width} x {size.Height}.")
            : value;
    }

    /// <summary>Share of each class held out as test images when a PNG folder has no train/test split (default 1/7, MNIST's 10,000 of 70,000).</summary>
    public double TestFraction
    {
        get;
        init => field = value is > 0 and < 1
            ? value
            : throw new ArgumentException($"ImageSetOptions.TestFraction must be above 0 and below 1, got {value}.");
    } = 1.0 / 7;

    /// <summary>Seeds that split.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Most images read (a guard against pointing at the wrong folder); 2,000,000 by default.</summary>
    public int MaxImages { get; init => field = Require.AtLeast(value, 1, "ImageSetOptions.MaxImages"); } = 2_000_000;
}
