using System.Reflection;
using System.Runtime.CompilerServices;
using Engine.Data;
using Engine.Data.Tables;
using Engine.Persistence.Onnx;
using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;
using Engine.Tests.Data;
using Engine.Text;

namespace Engine.Tests.Api;

/// <summary>
/// Cheap valid instances of Engine's public types for the instance sweep, and arguments that fit them. A type with
/// no recipe is built like any other sample (<see cref="ApiSamples"/>: the public constructor with the fewest
/// parameters); a type that cannot be built cheaply is listed in <see cref="Excluded"/> with the reason.
/// </summary>
internal static class InstanceRecipes
{
    public static readonly Assembly EngineAssembly = typeof(Tensor).Assembly;

    /// <summary>Types whose instances the sweep does not build, and why.</summary>
    public static readonly IReadOnlyDictionary<Type, string> Excluded = new Dictionary<Type, string>
    {
    };

    private static readonly Vocabulary Words = Vocabulary.Build([["a", "b"]]);

    private static readonly int[][] Sentences = [[4, 5], [5]];

    private static Linear SmallLinear() => new(2, 2, new Random(1));

    private static readonly Dictionary<Type, Func<object>> Builders = new()
    {
        [typeof(Engine.Kernels.Conv2DShape)] = () => new Engine.Kernels.Conv2DShape(1, 1, 3, 3, 1, 1, 1, 1, 0),
        [typeof(Engine.Kernels.ConvTranspose2DShape)] = () => new Engine.Kernels.ConvTranspose2DShape(1, 1, 3, 3, 1, 1, 1, 1, 0, 0),
        [typeof(Tensor)] = GraphOutput,
        [typeof(ByteImageDataset)] = () => new ByteImageDataset([1, 2, 3, 4], 2, [0, 1]),
        [typeof(TablePreprocessor)] = () => TablePreprocessor.Fit(Kdd().ToTable(), [0], Kdd99.PreprocessorOptions()),
        [typeof(Table)] = () => Kdd().ToTable(),
        [typeof(BagOfWordsEncoder)] = () => BagOfWordsEncoder.Fit(Words, [["a", "b"]]),
        [typeof(Adam)] = () => new Adam(SmallLinear().Parameters()),
        [typeof(Sgd)] = () => new Sgd(SmallLinear().Parameters(), 0.1f),
        [typeof(OnnxModelBuilder)] = () => Onnx(),
        [typeof(LstmTextAutoencoder)] = () => new LstmTextAutoencoder(Words,
            new LstmTextAutoencoderOptions { EmbeddingSize = 2, HiddenSize = 2, LatentSize = 2, MaxLength = 4 }, new Random(1)),
        [typeof(TransformerTextAutoencoder)] = () => new TransformerTextAutoencoder(Words,
            new TransformerTextAutoencoderOptions { ModelSize = 4, Heads = 1, FeedForwardSize = 4, EncoderLayers = 1,
                DecoderLayers = 1, LatentSize = 2, MaxLength = 4 }, new Random(1)),
    };

    /// <summary>A tensor computed from a leaf that requires grad, so that Backward has a graph to run.</summary>
    private static Tensor GraphOutput()
    {
        var leaf = Tensor.Full(0.5f, 2, 2);
        leaf.RequiresGrad = true;
        return leaf * Tensor.Full(0.5f, 2, 2);
    }

    private static Kdd99Data Kdd() => Kdd99.Read(new MemoryStream(KddFixture.Text([KddFixture.Line(), KddFixture.Line()])), "sweep.csv");

    /// <summary>A builder with a graph input "v" that every op sample refers to.</summary>
    private static OnnxModelBuilder Onnx()
    {
        var builder = new OnnxModelBuilder();
        builder.AddInput("v", 2);
        return builder;
    }

    /// <summary>
    /// Arguments that fit the recipe's instance: by type, a function of the method, the parameter and the
    /// arguments before it, returning null for the usual sample.
    /// </summary>
    private static readonly Dictionary<Type, Func<MethodInfo, ParameterInfo, object?[], object?>> Arguments = new()
    {
        [typeof(Conv2d)] = Tensors((1, 2, 3, 3)),
        [typeof(ConvTranspose2d)] = Tensors((1, 2, 3, 3)),
        [typeof(MaxPool2d)] = Tensors((1, 2, 2, 2)),
        [typeof(Upsample)] = Tensors((1, 2, 2, 2)),
        [typeof(Flatten)] = Tensors((2, 2, 2)),
        [typeof(Unflatten)] = Tensors((4, 2)),
        [typeof(PositionalEncoding)] = Tensors((2, 3, 2)),
        [typeof(LearnedPositionalEmbedding)] = Tensors((2, 3, 2)),
        [typeof(Lstm)] = Tensors((2, 2, 2)),
        [typeof(MultiheadAttention)] = Tensors((2, 3, 2)),
        [typeof(TransformerEncoderBlock)] = Tensors((2, 3, 2)),
        [typeof(TransformerDecoderBlock)] = Tensors((2, 3, 2)),
        [typeof(ConvAutoencoder)] = ImageArguments,
        [typeof(ConvVariationalAutoencoder)] = ImageArguments,
        [typeof(WordVectors)] = (_, p, _) => p.ParameterType == typeof(string) ? p.Name == "b" ? "b" : "a" : null,
        [typeof(TablePreprocessor)] = (_, p, _) => p.ParameterType == typeof(Table) ? Kdd().ToTable() : null,
        [typeof(OnnxModelBuilder)] = (m, p, _) => p.ParameterType == typeof(OnnxAttribute[]) ? Array.Empty<OnnxAttribute>()
            : p.ParameterType == typeof(int) && p.Name == "elementType" ? OnnxModelBuilder.ElementTypeFloat
            : p.ParameterType == typeof(IReadOnlyList<string>) && p.Name == "inputs" ? new[] { "v" }
            : p.ParameterType == typeof(string) && p.Name != "output" && p.Name != "path" && p.Name != "opType"
              && m.Name is not ("AddInput" or "AddTypedInput" or "HasValue") ? "v"
            : null,
        [typeof(LstmTextAutoencoder)] = TextArguments,
        [typeof(TransformerTextAutoencoder)] = TextArguments,
        [typeof(EncoderClassifier)] = (_, p, _) => p.Name == "labels" ? new[] { 0, 1 } : null,
        [typeof(JointAutoencoderClassifier)] = (_, p, _) => p.Name == "labels" ? new[] { 0, 1 } : null,
        [typeof(Engine.Training.Trainer)] = TrainingArguments,
        [typeof(Engine.Training.SupervisedTrainer)] = TrainingArguments,
    };

    /// <summary>Stands for null among the arguments a recipe fits (a plain null means "the usual sample").</summary>
    private static readonly object NullArgument = new();

    /// <summary>Every tensor argument of the given shape; optional tensors (masks) and initial states null.</summary>
    private static Func<MethodInfo, ParameterInfo, object?[], object?> Tensors(ITuple shape)
    {
        int[] dims = Enumerable.Range(0, shape.Length).Select(i => (int)shape[i]!).ToArray();
        return (_, p, _) => p.ParameterType == typeof(Tensor) || p.Name == "initialState"
            ? p.HasDefaultValue || p.Name!.EndsWith("Mask", StringComparison.Ordinal) || p.Name == "initialState"
                ? NullArgument : Tensor.Full(0.5f, dims)
            : p.Name == "lengths" ? new[] { dims[1], dims[1] }
            : null;
    }

    /// <summary>The conv models' samples take 2 channels of 2×2 images, 8 features a row.</summary>
    private static object? ImageArguments(MethodInfo method, ParameterInfo parameter, object?[] before) =>
        parameter.ParameterType == typeof(Tensor) && parameter.Name == "input" ? Tensor.Full(0.5f, 2, 8) : null;

    private static object? TextArguments(MethodInfo method, ParameterInfo parameter, object?[] before) =>
        parameter.ParameterType == typeof(IReadOnlyList<int[]>) ? Sentences
        : parameter.ParameterType == typeof(Tensor) && parameter.Name == "input" ? Tensor.Full(4f, 2, 2) // word ids
        : parameter.Name == "maxLength" ? 3
        : parameter.ParameterType == typeof(IReadOnlyList<int>) ? new[] { 0, 1 }
        : parameter.ParameterType == typeof(SequenceBatch) ? parameter.Name == "decoder"
            ? SequenceBatch.ForDecoder(Sentences) : SequenceBatch.Create(Sentences)
        : null;

    /// <summary>An optimizer over the parameters of the model passed before it.</summary>
    private static object? TrainingArguments(MethodInfo method, ParameterInfo parameter, object?[] before) =>
        parameter.ParameterType == typeof(Optimizer) && before.OfType<Engine.Layers.Module>().FirstOrDefault() is { } model
            ? new Adam(model.Parameters())
            : null;

    /// <summary>Public concrete types of Engine that can have instance methods.</summary>
    public static IEnumerable<Type> ConcreteTypes() =>
        EngineAssembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && !t.IsInterface && !t.IsEnum && !t.ContainsGenericParameters && !typeof(Delegate).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    /// <summary>A fresh instance of <paramref name="type"/>, or false with the reason.</summary>
    public static bool TryBuild(Type type, out object? instance, out string? why)
    {
        instance = null;
        if (Excluded.TryGetValue(type, out why))
            return false;
        if (Builders.TryGetValue(type, out var build))
        {
            instance = build();
            return true;
        }
        why = "no recipe, and no public constructor accepts the samples";
        return ApiSamples.TryCreate(type, null, 0, out instance) && instance is not null;
    }

    /// <summary>Arguments for <paramref name="method"/> that fit the instance <see cref="TryBuild"/> makes.</summary>
    public static bool TryArguments(Type type, MethodInfo method, out object?[] arguments, out string? why)
    {
        var parameters = method.GetParameters();
        arguments = new object?[parameters.Length];
        Arguments.TryGetValue(type, out var fitting);
        for (int i = 0; i < parameters.Length; i++)
        {
            if (fitting?.Invoke(method, parameters[i], arguments) is { } fit)
                arguments[i] = ReferenceEquals(fit, NullArgument) ? null : fit;
            else if (parameters[i].IsOut)
                arguments[i] = null;
            else if (!ApiSamples.TryCreate(parameters[i].ParameterType, parameters[i].Name, 0, out arguments[i]))
            {
                why = $"no sample for {parameters[i].ParameterType.Name} {parameters[i].Name}";
                return false;
            }
        }
        why = null;
        return true;
    }
}
