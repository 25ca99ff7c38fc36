using System.Reflection;
using System.Text.RegularExpressions;
using Engine.Tensors;

namespace Engine.Tests.Api;

/// <summary>
/// A reflection sweep over Engine's public surface: every non-nullable reference parameter of every public
/// constructor and public static method must reject null with an ArgumentNullException naming that parameter,
/// and every size-like int parameter of a public constructor (features, channels, sizes, counts...) must reject 0
/// and -1 with an ArgumentException naming it. Each member is called with valid samples (see
/// <see cref="ApiSamples"/>) everywhere else.
/// </summary>
[Trait("Layer", "Api")]
public sealed partial class ArgumentValidationSweepTests(ITestOutputHelper output)
{
    private static readonly Assembly EngineAssembly = typeof(Tensor).Assembly;

    private static IEnumerable<Type> PublicTypes() =>
        EngineAssembly.GetExportedTypes().Where(t => !t.ContainsGenericParameters && !typeof(Delegate).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    private static IEnumerable<MethodBase> Members()
    {
        foreach (var type in PublicTypes())
        {
            if (!type.IsAbstract)
            {
                foreach (var constructor in type.GetConstructors())
                    yield return constructor;
            }
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (!method.ContainsGenericParameters && !method.Name.StartsWith("op_", StringComparison.Ordinal)
                    && !method.IsSpecialName)
                    yield return method;
            }
        }
    }

    /// <summary>
    /// Positional records are data: a result record (EpochReport, LstmState...) is only built by the engine, so its
    /// constructor may accept a bad value if every public constructor or static method taking that record then
    /// rejects the record with an ArgumentException. An options record (<see cref="OptionGenerators.Types"/>) has no
    /// such leeway: it rejects a bad value itself, where it is set.
    /// </summary>
    private static bool IsRecord(Type type) =>
        type.GetProperty("EqualityContract", BindingFlags.NonPublic | BindingFlags.Instance) is not null
        || type.IsValueType && type.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) is not null;

    private static List<MethodBase> ConsumersOf(Type record) =>
        Members().Where(m => m.DeclaringType != record && m.GetParameters().Any(p => p.ParameterType == record)).ToList();

    /// <summary>Null when every consumer rejects <paramref name="bad"/>; else what accepted it.</summary>
    private static string? AcceptedByAConsumer(Type record, object bad)
    {
        foreach (var consumer in ConsumersOf(record))
        {
            if (!ApiSamples.TryArguments(consumer, 0, out object?[] arguments))
                continue;
            foreach (var p in consumer.GetParameters().Where(p => p.ParameterType == record))
                arguments[p.Position] = bad;
            if (Invoke(consumer, arguments) is not ArgumentException)
                return Describe(consumer);
        }
        return null;
    }

    /// <summary>Outcome of a bad argument that the member itself accepted: a failure, or null when that is allowed.</summary>
    private static string? WhenAccepted(MethodBase member, object?[] arguments, string what)
    {
        var type = member.DeclaringType!;
        if (member is ConstructorInfo && typeof(Exception).IsAssignableFrom(type))
            return null; // exceptions take any message, null included, as the framework's do
        if (member is not ConstructorInfo || !IsRecord(type) || OptionGenerators.Types.Contains(type))
            return $"{Describe(member)}: {what} was accepted";
        object built = ((ConstructorInfo)member).Invoke(arguments);
        return AcceptedByAConsumer(type, built) is { } consumer
            ? $"{Describe(member)}: {what} was accepted, and so was the record by {consumer}"
            : null;
    }

    private static string Describe(MethodBase member) => ApiReflection.Describe(member);

    private static Exception? Invoke(MethodBase member, object?[] arguments) => ApiReflection.Invoke(member, null, arguments);

    [Fact]
    public void Null_ForEveryNonNullableReferenceParameter_ThrowsArgumentNullNamingIt()
    {
        int members = 0, checkedParameters = 0, unbuildable = 0, exempt = 0;
        var failures = new List<string>();
        var inconclusive = new List<string>();
        foreach (var member in Members())
        {
            var nullable = ApiReflection.NonNullableReferenceParameters(member);
            if (nullable.Count == 0)
                continue;
            members++;
            if (!ApiSamples.TryArguments(member, 0, out object?[] samples))
            {
                unbuildable++;
                inconclusive.Add($"{Describe(member)}: no samples");
                continue;
            }
            foreach (var parameter in nullable)
            {
                object?[] arguments = (object?[])samples.Clone();
                arguments[parameter.Position] = null;
                var error = Invoke(member, arguments);
                checkedParameters++;
                switch (error)
                {
                    case ArgumentException a when a.ParamName == parameter.Name:
                        break;
                    case ArgumentException a when a is not ArgumentNullException && a.ParamName != parameter.Name:
                        inconclusive.Add($"{Describe(member)} null {parameter.Name}: {a.GetType().Name} for {a.ParamName}: {a.Message}");
                        break;
                    case null:
                        if (WhenAccepted(member, arguments, $"null '{parameter.Name}'") is { } failure)
                            failures.Add(failure);
                        else
                            exempt++;
                        break;
                    default:
                        failures.Add($"{Describe(member)}: null '{parameter.Name}' gave {error.GetType().Name} " +
                            $"(ParamName {(error as ArgumentException)?.ParamName ?? "-"}): {error.Message.Split('\n')[0]}");
                        break;
                }
            }
        }
        output.WriteLine($"{members} members, {checkedParameters} non-nullable reference parameters set to null, " +
            $"{unbuildable} members without samples, {inconclusive.Count} inconclusive, {exempt} accepted by records " +
            $"(no consumer, or every consumer rejects the record), {failures.Count} failures");
        foreach (string line in inconclusive)
            output.WriteLine("inconclusive: " + line);
        Assert.True(failures.Count == 0, $"{failures.Count} of {checkedParameters} null checks failed:\n" + string.Join("\n", failures));
        Assert.True(checkedParameters >= 250, $"only {checkedParameters} parameters were checked: the sweep lost its reach");
        Assert.True(inconclusive.Count * 10 <= checkedParameters, $"{inconclusive.Count} inconclusive of {checkedParameters}");
    }

    [GeneratedRegex("(size|count|features|channels|classes|dimensions|dims|units|hidden|latent|width|height|length|heads|components|neighbors|trees|depth)$",
        RegexOptions.IgnoreCase)]
    private static partial Regex SizeLike();

    [Fact]
    public void NonPositiveSizes_ForEverySizeParameterOfAConstructor_ThrowArgumentExceptionNamingIt()
    {
        int constructors = 0, checkedParameters = 0, exempt = 0;
        var failures = new List<string>();
        foreach (var constructor in Members().OfType<ConstructorInfo>())
        {
            var sizes = constructor.GetParameters().Where(p => p.ParameterType == typeof(int) && SizeLike().IsMatch(p.Name!)).ToList();
            if (sizes.Count == 0 || !ApiSamples.TryArguments(constructor, 0, out object?[] samples) || Invoke(constructor, samples) is not null)
                continue;
            constructors++;
            foreach (var parameter in sizes)
            {
                foreach (int bad in new[] { 0, -1 })
                {
                    object?[] arguments = (object?[])samples.Clone();
                    arguments[parameter.Position] = bad;
                    checkedParameters++;
                    var error = Invoke(constructor, arguments);
                    if (error is null)
                    {
                        if (WhenAccepted(constructor, arguments, $"{parameter.Name} = {bad}") is { } failure)
                            failures.Add(failure);
                        else
                            exempt++;
                    }
                    else if (error is not ArgumentException a
                        || a.ParamName != parameter.Name && !a.Message.Contains(parameter.Name!, StringComparison.OrdinalIgnoreCase))
                    {
                        failures.Add($"{Describe(constructor)}: {parameter.Name} = {bad} gave {error.GetType().Name}: {error.Message.Split('\n')[0]}");
                    }
                }
            }
        }
        output.WriteLine($"{constructors} constructors, {checkedParameters} size arguments of 0 or -1, {exempt} accepted by " +
            $"records (no consumer, or every consumer rejects the record), {failures.Count} failures");
        Assert.True(failures.Count == 0, $"{failures.Count} of {checkedParameters} size checks failed:\n" + string.Join("\n", failures));
        Assert.True(checkedParameters >= 40, $"only {checkedParameters} size arguments were checked");
    }
}
