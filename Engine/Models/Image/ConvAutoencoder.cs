using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Tensors;
using Engine.Kernels;

namespace Engine.Models;

/// <summary>The architecture of a <see cref="ConvAutoencoder"/>.</summary>
/// <param name="Channels">Output channels of each stride-2 convolution, outermost first (each halves the image).</param>
/// <param name="LatentSize">Width of the code.</param>
/// <param name="ImageSize">Side of the square input image (28 for Fashion-MNIST).</param>
/// <param name="InputChannels">Channels of the input image (1 for grey levels).</param>
/// <param name="BatchNorm">Put a batch-norm layer after every convolution and after the decoder's Linear.</param>
/// <param name="Hidden">Activation after every hidden layer.</param>
/// <param name="Output">Activation of the reconstruction (sigmoid for pixels in [0, 1]).</param>
/// <param name="Noise">Corrupt the input before encoding (a denoising autoencoder); null for none.</param>
public sealed record ConvAutoencoderOptions(
    int[] Channels,
    int LatentSize,
    int ImageSize = 28,
    int InputChannels = 1,
    bool BatchNorm = false,
    ActivationKind Hidden = ActivationKind.Relu,
    ActivationKind Output = ActivationKind.Sigmoid,
    Corruption? Noise = null)
{
    /// <summary>Output channels of each stride-2 convolution (at least one layer, each at least 1).</summary>
    public int[] Channels { get; init => field = Layers(value); } = Layers(Channels);

    /// <summary>Width of the code (at least 1).</summary>
    public int LatentSize { get; init => field = AtLeast(value, 1, "LatentSize"); } = AtLeast(LatentSize, 1, "LatentSize");

    /// <summary>Side of the square input image (at least 2).</summary>
    public int ImageSize { get; init => field = AtLeast(value, 2, "ImageSize"); } = AtLeast(ImageSize, 2, "ImageSize");

    /// <summary>Channels of the input image (at least 1).</summary>
    public int InputChannels { get; init => field = AtLeast(value, 1, "InputChannels"); } = AtLeast(InputChannels, 1, "InputChannels");

    /// <summary>Activation after every hidden layer.</summary>
    public ActivationKind Hidden { get; init => field = Defined(value, "Hidden"); } = Defined(Hidden, "Hidden");

    /// <summary>Activation of the reconstruction.</summary>
    public ActivationKind Output { get; init => field = Defined(value, "Output"); } = Defined(Output, "Output");

    private static int[] Layers(int[] value) => ConvStack.Channels(value, "ConvAutoencoderOptions");

    private static int AtLeast(int value, int minimum, string name) => Require.AtLeast(value, minimum, "ConvAutoencoderOptions." + name);

    private static T Defined<T>(T value, string name) where T : struct, Enum => Require.Defined(value, "ConvAutoencoderOptions." + name);

    /// <summary>
    /// The project's reference: Conv(1,32,3,s2,p1)-ReLU-Conv(32,64,3,s2,p1)-ReLU-Flatten-Linear(3136,latent), and the
    /// decoder Linear(latent,3136)-ReLU-Unflatten(64,7,7)-ConvT(64,32,3,s2,p1,op1)-ReLU-ConvT(32,1,3,s2,p1,op1)-Sigmoid.
    /// </summary>
    public static ConvAutoencoderOptions Reference(int latent = 32) => new([32, 64], latent);
}

/// <summary>
/// A convolutional autoencoder trained with mean squared error. It takes and returns flat rows (N, C·S·S), as the
/// data loader delivers them, so the trainer treats it like the dense one; inside, the rows are viewed (no copy) as
/// (N, C, S, S) images. Parameters are named as in a PyTorch model with <c>encoder</c> and <c>decoder</c>
/// nn.Sequential members (see <see cref="ConvAutoencoderOptions.Reference"/> for the layers).
/// </summary>
public sealed class ConvAutoencoder : AutoencoderModel
{
    /// <summary>Builds the model with PyTorch's default initialisation drawn from <paramref name="random"/>.</summary>
    /// <exception cref="ArgumentException">The options describe no usable network.</exception>
    public ConvAutoencoder(ConvAutoencoderOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        ConvStack.Validate(nameof(ConvAutoencoder), options.Channels, options.LatentSize, options.ImageSize, options.InputChannels);
        options.Noise?.RequireFits(nameof(ConvAutoencoder), nameof(options));
        Options = options;
        Encoder = RegisterModule("encoder", new Sequential());
        int flat = ConvStack.AddEncoder(Encoder, options.InputChannels, options.Channels, options.ImageSize,
            options.BatchNorm, options.Hidden, random);
        Encoder.Add(new Linear(flat, options.LatentSize, random));
        Decoder = RegisterModule("decoder", new Sequential());
        ConvStack.AddDecoder(Decoder, options.LatentSize, options.InputChannels, options.Channels, options.ImageSize,
            options.BatchNorm, options.Hidden, options.Output, random);
    }

    /// <summary>The architecture.</summary>
    public ConvAutoencoderOptions Options { get; }

    /// <summary>The encoder: convolutions, Flatten and the Linear code layer.</summary>
    public Sequential Encoder { get; }

    /// <summary>The decoder: Linear, Unflatten and transposed convolutions, ending in the output activation.</summary>
    public Sequential Decoder { get; }

    /// <summary>Features per example, C·S·S.</summary>
    public int InputSize => Options.InputChannels * Options.ImageSize * Options.ImageSize;

    /// <inheritdoc/>
    public override int LatentSize => Options.LatentSize;

    /// <summary>The code of a batch given as rows (N, C·S·S) or images (N, C, S, S).</summary>
    /// <exception cref="ArgumentException">The input does not hold images of the configured size.</exception>
    public override Tensor Encode(Tensor input) =>
        Encoder.Forward(AsImages(input, Options.InputChannels, Options.ImageSize, "ConvAutoencoder.Encode"));

    /// <summary>The reconstruction of a code batch (N, latent), as rows (N, C·S·S).</summary>
    public override Tensor Decode(Tensor latent)
    {
        var images = Decoder.Forward(TensorChecks.Rows(latent, Options.LatentSize, "ConvAutoencoder.Decode"));
        return Op.Reshape(images, images.Shape[0], InputSize);
    }

    /// <summary>
    /// Mean squared error between the reconstruction and the clean input. With
    /// <see cref="ConvAutoencoderOptions.Noise"/> the encoder sees a corrupted input (a denoising autoencoder).
    /// </summary>
    public override ModelLoss Loss(Tensor input, Random random)
    {
        var clean = AsRows(input, InputSize, "ConvAutoencoder.Loss");
        ArgumentNullException.ThrowIfNull(random);
        var seen = Options.Noise is { } noise ? noise.Apply(clean, random) : clean;
        var mse = Op.MseLoss(Decode(Encode(seen)), clean);
        return new ModelLoss(mse, new Dictionary<string, float> { ["mse"] = mse.Item() });
    }

    /// <summary>Views rows (N, C·S·S) or images (N, C, S, S) as images (no copy).</summary>
    internal static Tensor AsImages(Tensor input, int channels, int side, string method)
    {
        ArgumentNullException.ThrowIfNull(input);
        int n = input.Rank >= 1 ? input.Shape[0] : 0;
        bool rows = input.Rank == 2 && input.Shape[1] == channels * side * side;
        bool images = input.Rank == 4 && input.Shape[1] == channels && input.Shape[2] == side && input.Shape[3] == side;
        if (!rows && !images)
            throw new ArgumentException(
                $"{method}: input is {input.Shape}; expected rows (N, {channels * side * side}) or images (N, {channels}, {side}, {side}).",
                nameof(input));
        return images ? input : Op.Reshape(input, n, channels, side, side);
    }

    /// <summary>Views images (N, C, S, S) or rows as rows (N, C·S·S) (no copy).</summary>
    internal static Tensor AsRows(Tensor input, int features, string method)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2 || input.Size != input.Shape[0] * features)
            throw new ArgumentException($"{method}: input is {input.Shape}; expected (N, {features}) rows or the same as images.",
                nameof(input));
        return input.Rank == 2 ? input : Op.Reshape(input, input.Shape[0], features);
    }
}
