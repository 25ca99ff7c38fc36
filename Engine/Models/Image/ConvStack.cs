using Engine.Layers;
using Engine.Tensors;
using Engine.Kernels;

namespace Engine.Models;

/// <summary>
/// Builds the convolutional trunk shared by <see cref="ConvAutoencoder"/> and <see cref="ConvVariationalAutoencoder"/>:
/// stride-2 3×3 convolutions (padding 1) halving the image per layer, and the mirror image of transposed
/// convolutions doubling it back. Layers are appended to nn.Sequential-style containers so parameter names follow
/// PyTorch's (<c>encoder.0.weight</c>, ...).
/// </summary>
internal static class ConvStack
{
    /// <summary>
    /// The image side after each encoder layer, input first: <c>s' = (s + 2 − 3) / 2 + 1</c>, so 28 → 14 → 7.
    /// </summary>
    public static int[] Sides(int imageSize, int layers)
    {
        var sides = new int[layers + 1];
        sides[0] = imageSize;
        for (int i = 0; i < layers; i++) sides[i + 1] = (sides[i] - 1) / 2 + 1;
        return sides;
    }

    /// <summary>The channel list of an options record: at least one layer, every count at least 1.</summary>
    public static int[] Channels(int[] value, string owner)
    {
        Require.AllAtLeast(value, 1, owner + ".Channels");
        if (value.Length == 0)
            throw new ArgumentException($"{owner}.Channels is empty; give at least one convolution layer.", "Channels");
        return value;
    }

    /// <summary>
    /// Checks what the options records cannot check field by field: that an image, its flattened code layer and
    /// every layer's weights fit in one array (long arithmetic, so a huge image size is reported as itself and not
    /// as an overflowed width).
    /// </summary>
    public static void Validate(string model, int[] channels, int latent, int imageSize, int inputChannels)
    {
        if (channels is null || channels.Length == 0 || channels.Any(c => c < 1))
            throw new ArgumentException($"{model}: channels must be a non-empty list of positive counts.");
        if (latent < 1 || imageSize < 2 || inputChannels < 1)
            throw new ArgumentException(
                $"{model}: latent size {latent}, image size {imageSize} and input channels {inputChannels} must be at least 1, 2 and 1.");
        long pixels = (long)imageSize * imageSize;
        long input = pixels * inputChannels;
        int side = Sides(imageSize, channels.Length)[^1];
        long flat = (long)channels[^1] * side * side;
        long widest = Math.Max(input, Math.Max(flat * latent, channels.Max() * (long)pixels));
        if (input > Array.MaxLength || flat * latent > Array.MaxLength || widest > Array.MaxLength)
            throw new ArgumentException(
                $"{model}: an image of {inputChannels} × {imageSize} × {imageSize} (ImageSize {imageSize}) with channels " +
                $"[{string.Join(", ", channels)}] and latent size {latent} needs arrays of {widest:N0} values, more than one " +
                $"array holds ({Array.MaxLength:N0}). HINT: use a smaller ImageSize.", "ImageSize");
    }

    /// <summary>Appends Conv2d(3, s2, p1) [BatchNorm2d] activation per layer, then Flatten; returns the flat width.</summary>
    public static int AddEncoder(Sequential encoder, int inputChannels, int[] channels, int imageSize, bool batchNorm,
        ActivationKind hidden, Random random)
    {
        int from = inputChannels;
        foreach (int c in channels)
        {
            encoder.Add(new Conv2d(from, c, 3, random, stride: 2, padding: 1));
            if (batchNorm) encoder.Add(new BatchNorm2d(c));
            encoder.Add(new Activation(hidden));
            from = c;
        }
        encoder.Add(new Flatten());
        int side = Sides(imageSize, channels.Length)[^1];
        return channels[^1] * side * side;
    }

    /// <summary>
    /// Appends Linear(latent, flat) [BatchNorm1d] activation, Unflatten, then ConvTranspose2d(3, s2, p1) per layer in
    /// reverse, each but the last followed by [BatchNorm2d] activation; the last maps to the input channels and is
    /// followed by <paramref name="output"/> unless it is the identity (a VAE decoder ends in logits).
    /// Output padding is 1 where the encoder halved an even side and 0 for an odd one, so the sides match exactly.
    /// </summary>
    public static void AddDecoder(Sequential decoder, int latent, int inputChannels, int[] channels, int imageSize,
        bool batchNorm, ActivationKind hidden, ActivationKind output, Random random)
    {
        var sides = Sides(imageSize, channels.Length);
        int last = channels[^1];
        decoder.Add(new Linear(latent, last * sides[^1] * sides[^1], random));
        if (batchNorm) decoder.Add(new BatchNorm1d(last * sides[^1] * sides[^1]));
        decoder.Add(new Activation(hidden));
        decoder.Add(new Unflatten(1, last, sides[^1], sides[^1]));
        for (int i = channels.Length - 1; i >= 0; i--)
        {
            int to = i == 0 ? inputChannels : channels[i - 1];
            int outputPadding = sides[i] - (2 * sides[i + 1] - 1);
            decoder.Add(new ConvTranspose2d(channels[i], to, 3, random, stride: 2, padding: 1, outputPadding: outputPadding));
            if (i > 0)
            {
                if (batchNorm) decoder.Add(new BatchNorm2d(to));
                decoder.Add(new Activation(hidden));
            }
            else if (output != ActivationKind.Identity)
            {
                decoder.Add(new Activation(output));
            }
        }
    }

    /// <summary>
    /// Floats in the state dicts <see cref="AddEncoder"/> and <see cref="AddDecoder"/> build, computed without building
    /// them (checked arithmetic, so a crafted config overflows instead of allocating): the encoder's convolutions
    /// (with batch norm: γ, β, the running mean and variance, and the batch counter), the whole decoder, and the
    /// flat width between them.
    /// </summary>
    public static (long Encoder, long Decoder, long Flat) StateSizes(int inputChannels, int[] channels, int latent,
        int imageSize, bool batchNorm)
    {
        static long Norm(long c, bool on) => on ? checked(4 * c + 1) : 0;
        static long Conv(long from, long to) => checked(from * to * 9 + to);
        int side = Sides(imageSize, channels.Length)[^1];
        long flat = checked((long)channels[^1] * side * side);
        long encoder = 0;
        long previous = inputChannels;
        foreach (int c in channels)
        {
            encoder = checked(encoder + Conv(previous, c) + Norm(c, batchNorm));
            previous = c;
        }
        long decoder = checked((long)latent * flat + flat + Norm(flat, batchNorm));
        for (int i = channels.Length - 1; i >= 0; i--)
        {
            long to = i == 0 ? inputChannels : channels[i - 1];
            decoder = checked(decoder + Conv(channels[i], to) + (i > 0 ? Norm(to, batchNorm) : 0));
        }
        return (encoder, decoder, flat);
    }
}
