using System.Reflection;
using Engine.Tensors;
using FsCheck.Xunit;

namespace Engine.Tests.Api;

/// <summary>
/// Random options (<see cref="OptionGenerators"/>): every options type of the public API, each member drawn from
/// values that broke the library before. A setting is either rejected where it is set, with an ArgumentException
/// naming the member, or it is sane (finite numbers, named enum values, lists present) and whatever takes the options
/// then works or rejects them with an ArgumentException: never a NullReference, an IndexOutOfRange, an overflow or a
/// silent NaN further on.
/// </summary>
[Trait("Layer", "Api")]
public sealed class OptionRecordProperties
{
    private static readonly Assembly EngineAssembly = typeof(Tensor).Assembly;

    [Property(Arbitrary = [typeof(OptionArbitraries)], MaxTest = 1500)]
    public void RandomOptions_AreRejectedNamingTheMember_OrAreSaneAndAccepted(OptionCase option)
    {
        object built;
        try
        {
            built = option.Shape.Build(option.Values);
        }
        catch (ArgumentException e)
        {
            Assert.True(option.Shape.Members.Any(m => NamesMember(e, m.Name)),
                $"{option}: the rejection names no member (ParamName {e.ParamName}): {e.Message}");
            return;
        }
        catch (Exception e)
        {
            Assert.Fail($"{option}: threw {e.GetType().Name}, not an ArgumentException: {e.Message}");
            return;
        }
        foreach (var property in option.Shape.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.PropertyType.IsByRefLike) continue;
            Assert.True(IsSane(property.GetValue(built), property), $"{option}: accepted, but {property.Name} = " +
                $"{OptionGenerators.Show(property.GetValue(built))} is not a sane value");
        }
        if (IsSmall(option))
            CallConsumers(option, built);
    }

    private static bool NamesMember(ArgumentException e, string member) =>
        string.Equals(e.ParamName, member, StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains(member, StringComparison.OrdinalIgnoreCase);

    /// <summary>Finite numbers, named enum values; a non-nullable list or record is present.</summary>
    private static bool IsSane(object? value, PropertyInfo property) => value switch
    {
        float f => float.IsFinite(f),
        double d => double.IsFinite(d),
        Enum e => Enum.IsDefined(e.GetType(), e),
        int[] widths => widths.All(w => w >= 0),
        null => new NullabilityInfoContext().Create(property).ReadState != NullabilityState.NotNull,
        _ => true,
    };

    /// <summary>Whether every size is small enough to build what takes the options (no int above 8, no huge list).</summary>
    private static bool IsSmall(OptionCase option) => option.Values.All(v => v switch
    {
        int i => i <= 8,
        long l => l <= 8,
        int[] a => a.Length <= 3 && a.All(x => x <= 8),
        _ => true,
    });

    /// <summary>Hands the accepted options to every public member that takes them (samples for the other arguments).</summary>
    private static void CallConsumers(OptionCase option, object built)
    {
        var type = option.Shape.Type;
        foreach (var (member, target) in Consumers(type, built))
        {
            if (!ApiSamples.TryArguments(member, 0, out object?[] arguments)) continue;
            // A member that fails on its sample arguments for another reason (a detector not fitted yet) says
            // nothing about the options: skip it.
            if (ApiReflection.Invoke(member, target, (object?[])arguments.Clone()) is { } baseline and not ArgumentException)
                continue;
            foreach (var p in member.GetParameters().Where(p => p.ParameterType.IsAssignableFrom(type)))
                arguments[p.Position] = built;
            var error = ApiReflection.Invoke(member, target, arguments);
            Assert.True(error is null or ArgumentException,
                $"{option} given to {ApiReflection.Describe(member)} threw {error?.GetType().Name}: {error?.Message}");
        }
    }

    /// <summary>Constructors and methods of other types that take the options, and the options type's own Fit methods.</summary>
    private static IEnumerable<(MethodBase Member, object? Target)> Consumers(Type type, object built)
    {
        foreach (var other in EngineAssembly.GetExportedTypes().Where(t => t != type && !t.ContainsGenericParameters))
        {
            var members = other.GetConstructors().Cast<MethodBase>()
                .Concat(other.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                    .Where(m => !m.IsSpecialName && !m.ContainsGenericParameters && ApiReflection.IsInvokable(m)))
                .Where(m => m.GetParameters().Any(p => p.ParameterType != typeof(object) && p.ParameterType.IsAssignableFrom(type)));
            foreach (var member in members)
            {
                if (member is ConstructorInfo || member.IsStatic)
                    yield return (member, null);
                else if (ApiSamples.TryCreate(other, null, 0, out object? instance) && instance is not null)
                    yield return (member, instance);
            }
        }
        foreach (var fit in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                     .Where(m => m.Name == "Fit" && ApiReflection.IsInvokable(m)))
            yield return (fit, built);
    }

    [Fact]
    public void EveryOptionsTypeOfTheApi_IsGenerated()
    {
        // A new type with init setters that a public member takes (or that has its own Fit) must join
        // OptionGenerators.Types, or be listed here with the reason its values are checked elsewhere.
        var elsewhere = new Dictionary<Type, string>
        {
            [typeof(global::Engine.Data.DataLoaderState)] = "a permutation only the DataLoader it is given to can check (DataLoader.State)",
            [typeof(RngState)] = "any 256-bit state but all zeros, which Rng rejects",
            [typeof(global::Engine.Layers.LstmState)] = "tensors whose shapes only the LSTM cell that takes them knows",
            [typeof(global::Engine.Analysis.BinaryCounts)] = "counts that DetectionReport reports; built by the engine",
            [typeof(global::Engine.Data.Kdd99Data)] = "built by Kdd99.Read from a checked file",
            [typeof(global::Engine.Data.Tables.TableLabels)] = "the label column TableReader reads from a checked file",
            [typeof(global::Engine.Data.ImageSet)] = "built by ImageSets.Load from checked files; FashionMnistData.From refuses a size the models cannot read",
            [typeof(global::Engine.Data.IdxArray)] = "checks its dimensions against its bytes in its constructor (IdxReaderTests)",
            [typeof(global::Engine.Persistence.Onnx.OnnxModelBuilder)] = "the ONNX IR and opset versions written into the file; any value is a valid header",
        };
        var missing = new List<string>();
        foreach (var type in EngineAssembly.GetExportedTypes().Where(t => !t.ContainsGenericParameters && !t.IsAbstract))
        {
            if (OptionShape.InitProperties(type).Count == 0 || OptionGenerators.Types.Contains(type) || elsewhere.ContainsKey(type))
                continue;
            bool taken = EngineAssembly.GetExportedTypes().Where(t => t != type)
                .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                    .Cast<MethodBase>().Concat(t.GetConstructors()))
                .Any(m => m.GetParameters().Any(p => (Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType) == type));
            bool fits = type.GetMethod("Fit", BindingFlags.Public | BindingFlags.Instance) is not null;
            if (taken || fits)
                missing.Add(type.FullName!);
        }
        Assert.True(missing.Count == 0, "options types that no generator covers: " + string.Join(", ", missing));
    }
}
