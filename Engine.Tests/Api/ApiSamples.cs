using System.Linq.Expressions;
using System.Reflection;
using Engine.Data;
using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Text;
using Module = Engine.Layers.Module;
using Engine.Tensors;

namespace Engine.Tests.Api;

/// <summary>
/// Builds a plausible argument of any type the public API takes, so a sweep can call a member with valid values
/// everywhere but in the one parameter under test: small sizes (2), a seeded Random, 2×2 tensors, a Linear layer
/// for a Module, and for other types the public constructor with the fewest parameters, built recursively.
/// </summary>
internal static class ApiSamples
{
    private static readonly Assembly EngineAssembly = typeof(Tensor).Assembly;
    private static int _names;

    private static readonly string Directory = System.IO.Directory.CreateTempSubdirectory("api-samples-").FullName;

    /// <summary>A value for <paramref name="type"/> (a parameter named <paramref name="name"/>), or false.</summary>
    public static bool TryCreate(Type type, string? name, int depth, out object? value)
    {
        value = null;
        if (depth > 4 || type.IsByRef || type.IsPointer || type.IsByRefLike || type.ContainsGenericParameters)
            return false;
        if (Nullable.GetUnderlyingType(type) is { } inner)
            return TryCreate(inner, name, depth, out value);
        string lower = name?.ToLowerInvariant() ?? "";
        value = type switch
        {
            _ when type == typeof(int) => IntFor(lower),
            _ when type == typeof(long) => 2L,
            _ when type == typeof(float) => lower.Contains("prob") || lower.Contains("rate") || lower.Contains("fraction") ? 0.25f : 0.5f,
            _ when type == typeof(double) => 0.25,
            _ when type == typeof(bool) => false,
            _ when type == typeof(byte) => (byte)1,
            _ when type == typeof(string) => lower.Contains("path") || lower.Contains("file") || lower.Contains("dir")
                ? Path.Combine(Directory, "sample") : $"x{Interlocked.Increment(ref _names)}",
            _ when type == typeof(CancellationToken) => CancellationToken.None,
            _ when type == typeof(Random) => new Random(1),
            _ when type == typeof(Rng) => new Rng(1),
            _ when type == typeof(Tensor) => Tensor.Full(0.5f, 2, 2),
            _ when type == typeof(Shape) => new Shape([2, 2]),
            _ when type == typeof(Module) => new Linear(2, 2, new Random(1)),
            _ when type == typeof(Optimizer) => new Adam(new Linear(2, 2, new Random(1)).Parameters()),
            _ when type == typeof(IDataset) => new FloatDataset([0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f], 2, [0, 1, 0, 1]),
            _ when type == typeof(int[]) => new[] { 2, 2 },
            _ when type == typeof(float[]) => new[] { 0.1f, 0.2f, 0.3f, 0.4f },
            _ when type == typeof(double[]) => new[] { 0.1, 0.2, 0.3, 0.4 },
            _ when type == typeof(byte[]) => new byte[] { 1, 2, 3, 4 },
            _ when type == typeof(string[]) => new[] { "a", "b" },
            _ when type == typeof(object) => new object(),
            _ when type == typeof(Stream) => new MemoryStream([1, 2, 3, 4]),
            _ when type == typeof(Vocabulary) => Vocabulary.Build([["a", "b"]]),
            _ when type == typeof(WordVectors) => new WordVectors(["a", "b"], [0.1f, 0.2f, 0.3f, 0.4f], 2),
            _ when type == typeof(DenseAutoencoder) => new DenseAutoencoder(new DenseAutoencoderOptions(2, [2], 2), new Random(1)),
            _ when type == typeof(AutoencoderModel) => new DenseAutoencoder(new DenseAutoencoderOptions(2, [2], 2), new Random(1)),
            _ when type == typeof(IVariationalModel) => new VariationalAutoencoder(new VaeOptions(2, [2], 2), new Random(1)),
            _ => null,
        };
        if (value is not null)
            return true;
        if (type.IsEnum)
        {
            value = Enum.GetValues(type).GetValue(0);
            return value is not null;
        }
        if (typeof(Delegate).IsAssignableFrom(type))
            return TryDelegate(type, out value);
        if (type.IsArray)
            return TryList(type.GetElementType()!, type, name, depth, out value);
        if (type.IsGenericType && type.GetGenericTypeDefinition() is { } definition)
        {
            var args = type.GetGenericArguments();
            if (definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>)
                || definition == typeof(IReadOnlyCollection<>) || definition == typeof(ICollection<>) || definition == typeof(List<>))
                return TryList(args[0], type, name, depth, out value);
            if (definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>))
            {
                value = Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(args));
                return true;
            }
        }
        if (type.IsValueType)
        {
            value = Activator.CreateInstance(type);
            return true;
        }
        return TryConstruct(type, depth, out value);
    }

    private static int IntFor(string name) =>
        name.Contains("seed") ? 1
        : name.StartsWith("max", StringComparison.Ordinal) ? 1000
        : name.Contains("kernel") || name.Contains("stride") || name.Contains("heads") || name.Contains("layers") ? 1
        : name.Contains("padding") || name.Contains("axis") || name.Contains("start") || name.Contains("index")
          || name.Contains("offset") || name.Contains("epoch") || name == "dim" ? 0
        : 2;

    private static bool TryList(Type element, Type target, string? name, int depth, out object? value)
    {
        value = null;
        var array = Array.CreateInstance(element, 2);
        for (int i = 0; i < 2; i++)
        {
            if (!TryCreate(element, name, depth + 1, out object? item))
                return false;
            array.SetValue(item, i);
        }
        value = target.IsAssignableFrom(array.GetType())
            ? array
            : Activator.CreateInstance(typeof(List<>).MakeGenericType(element), array);
        return value is not null && target.IsInstanceOfType(value);
    }

    private static bool TryDelegate(Type type, out object? value)
    {
        var invoke = type.GetMethod("Invoke")!;
        var parameters = invoke.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
        Expression body = invoke.ReturnType == typeof(void)
            ? Expression.Empty()
            : TryCreate(invoke.ReturnType, null, 3, out object? result)
                ? Expression.Constant(result, invoke.ReturnType)
                : Expression.Default(invoke.ReturnType);
        value = Expression.Lambda(type, body, parameters).Compile();
        return true;
    }

    private static bool TryConstruct(Type type, int depth, out object? value)
    {
        value = null;
        var candidates = type.IsAbstract || type.IsInterface
            ? EngineAssembly.GetExportedTypes().Where(t => !t.IsAbstract && !t.ContainsGenericParameters && type.IsAssignableFrom(t))
                .OrderBy(t => t.FullName, StringComparer.Ordinal)
            : new[] { type }.AsEnumerable();
        foreach (var candidate in candidates)
        {
            foreach (var constructor in candidate.GetConstructors().OrderBy(c => c.GetParameters().Length))
            {
                if (TryArguments(constructor, depth + 1, out object?[] arguments))
                {
                    try
                    {
                        value = constructor.Invoke(arguments);
                        return true;
                    }
                    catch (TargetInvocationException)
                    {
                        // this constructor rejects the samples; try the next one
                    }
                }
            }
        }
        return false;
    }

    /// <summary>Samples for every parameter of <paramref name="method"/>.</summary>
    public static bool TryArguments(MethodBase method, int depth, out object?[] arguments)
    {
        var parameters = method.GetParameters();
        arguments = new object?[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!TryCreate(parameters[i].ParameterType, parameters[i].Name, depth, out arguments[i]))
                return false;
        }
        return true;
    }
}
