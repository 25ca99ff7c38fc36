using Engine.Models;
using Engine.Tensors;

namespace Engine.Persistence;

/// <summary>
/// The table of model types that checkpoints can hold: <see cref="Engine.Persistence.Checkpoint"/> looks a model up here
/// by its type to save it, and by the name in the file to rebuild it.
/// </summary>
/// <remarks>
/// To make a new autoencoder type checkpointable:
/// <list type="number">
/// <item>Give it an options record holding its whole architecture (like <see cref="DenseAutoencoderOptions"/>)
/// and a public property returning it.</item>
/// <item>Add <c>[JsonSerializable(typeof(ItsOptions))]</c> to <c>ModelConfigJson</c> (Engine/Persistence/ModelConfigJson.cs).</item>
/// <item>Add one entry to the table below with <see cref="ModelRegistration.For{TModel, TOptions}"/>: the JSON
/// metadata, the options getter, the state size (floats in its state dict, so a crafted config is rejected before
/// any allocation), and a factory.</item>
/// <item>Test a save/load round trip (outputs bitwise equal) in Engine.Tests/IO/CheckpointTests.cs.</item>
/// </list>
/// ONNX export has its own per-model table in <c>Onnx.OnnxExport</c>.
/// </remarks>
public static class ModelRegistry
{
    private static readonly Lock Gate = new();

    private static ModelRegistration[] _registrations =
    [
        ModelRegistration.For<DenseAutoencoder, DenseAutoencoderOptions>(ModelConfigJson.Default.DenseAutoencoderOptions,
            model => model.Options, DenseStateSize, options => new DenseAutoencoder(options, new Rng(0))),
        ModelRegistration.For<VariationalAutoencoder, VaeOptions>(ModelConfigJson.Default.VaeOptions,
            model => model.Options, VaeStateSize, options => new VariationalAutoencoder(options, new Rng(0))),
        ModelRegistration.For<ConvAutoencoder, ConvAutoencoderOptions>(ModelConfigJson.Default.ConvAutoencoderOptions,
            model => model.Options, ConvStateSize, options => new ConvAutoencoder(options, new Rng(0))),
        ModelRegistration.For<ConvVariationalAutoencoder, ConvVaeOptions>(ModelConfigJson.Default.ConvVaeOptions,
            model => model.Options, ConvVaeStateSize, options => new ConvVariationalAutoencoder(options, new Rng(0))),
    ];

    private static ModelRegistration[] Registrations => Volatile.Read(ref _registrations);

    /// <summary>Every registered model type name.</summary>
    public static IReadOnlyList<string> TypeNames => Registrations.Select(r => r.TypeName).ToArray();

    /// <summary>
    /// Adds a model type defined outside the engine (an application's or a test's own autoencoder). Engine model
    /// types belong in the table above instead.
    /// </summary>
    /// <remarks>Registering the same model type again does nothing.</remarks>
    /// <exception cref="ArgumentException">A different type is already registered under the same name.</exception>
    public static void Register(ModelRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        lock (Gate)
        {
            var current = Registrations;
            if (Array.Exists(current, r => r.ModelType == registration.ModelType))
                return;
            if (Array.Exists(current, r => r.TypeName == registration.TypeName))
                throw new ArgumentException(
                    $"ModelRegistry.Register: the type name '{registration.TypeName}' is already registered.", nameof(registration));
            Volatile.Write(ref _registrations, [.. current, registration]);
        }
    }

    /// <summary>The registration of <paramref name="model"/>'s type.</summary>
    /// <exception cref="ArgumentException">The type is not registered.</exception>
    public static ModelRegistration Of(AutoencoderModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Array.Find(Registrations, r => r.ModelType == model.GetType())
               ?? throw new ArgumentException(
                   $"{model.GetType().Name} cannot be checkpointed yet: it is not in Engine.Persistence.ModelRegistry " +
                   $"(registered: {string.Join(", ", TypeNames)}). HINT: add an entry as the ModelRegistry docs describe.",
                   nameof(model));
    }

    /// <summary>Finds a registration by the type name stored in a checkpoint.</summary>
    public static bool TryGet(string typeName, out ModelRegistration registration)
    {
        registration = Array.Find(Registrations, r => r.TypeName == typeName)!;
        return registration is not null;
    }

    /// <summary>
    /// Floats in a VAE's state dict: encoder trunk, the μ and log σ² heads, and the mirrored decoder. Checked
    /// arithmetic over widths the options record has checked to be at least 1, so no two terms can cancel.
    /// </summary>
    private static long VaeStateSize(VaeOptions options)
    {
        Require.AllAtLeast(options.HiddenSizes, 1, "VaeOptions.HiddenSizes");
        static long Linear(long inputs, long outputs) => checked(inputs * outputs + outputs);
        long total = 0;
        long width = options.InputSize;
        foreach (int h in options.HiddenSizes)
        {
            total = checked(total + Linear(width, h));
            width = h;
        }
        total = checked(total + 2 * Linear(width, options.LatentSize));
        width = options.LatentSize;
        foreach (int h in options.HiddenSizes.Reverse())
        {
            total = checked(total + Linear(width, h));
            width = h;
        }
        return checked(total + Linear(width, options.InputSize));
    }

    /// <summary>Floats in a conv autoencoder's state dict: the conv trunk, the Linear code layer and the mirrored decoder.</summary>
    private static long ConvStateSize(ConvAutoencoderOptions o)
    {
        ConvStack.Validate(nameof(ConvAutoencoder), o.Channels, o.LatentSize, o.ImageSize, o.InputChannels);
        var (encoder, decoder, flat) = ConvStack.StateSizes(o.InputChannels, o.Channels, o.LatentSize, o.ImageSize, o.BatchNorm);
        return checked(encoder + flat * o.LatentSize + o.LatentSize + decoder);
    }

    /// <summary>Floats in a conv VAE's state dict: the conv trunk, the μ and log σ² heads and the mirrored decoder.</summary>
    private static long ConvVaeStateSize(ConvVaeOptions o)
    {
        ConvStack.Validate(nameof(ConvVariationalAutoencoder), o.Channels, o.LatentSize, o.ImageSize, o.InputChannels);
        var (encoder, decoder, flat) = ConvStack.StateSizes(o.InputChannels, o.Channels, o.LatentSize, o.ImageSize, o.BatchNorm);
        return checked(encoder + 2 * (flat * o.LatentSize + o.LatentSize) + decoder);
    }

    /// <summary>Floats in a dense autoencoder's state dict: each Linear's weight and bias (tied: encoder weights, all biases).</summary>
    private static long DenseStateSize(DenseAutoencoderOptions options)
    {
        int[] widths = [options.InputSize, .. options.HiddenSizes, options.LatentSize];
        if (widths.Any(w => w < 1))
            throw new ArgumentException($"every layer width must be at least 1, got {string.Join("-", widths)}.");
        long size = 0;
        for (int i = 0; i + 1 < widths.Length; i++)
        {
            long weight = checked((long)widths[i] * widths[i + 1]);
            size = checked(size + weight + widths[i + 1]);
            // The mirrored decoder layer (widths[i+1] -> widths[i]) adds its bias, and its own weight unless tied.
            size = checked(size + (options.TiedWeights ? 0 : weight) + widths[i]);
        }
        return size;
    }
}
