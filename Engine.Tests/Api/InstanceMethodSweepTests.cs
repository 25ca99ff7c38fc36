using System.Reflection;
using Engine.Anomaly;
using Engine.Data;
using Engine.Data.Tables;
using Engine.Persistence.Onnx;
using Engine.Models;
using Engine.Tensors;
using Engine.Text;

namespace Engine.Tests.Api;

/// <summary>
/// The instance half of the argument sweep: every public instance method and property setter that Engine declares
/// on a public type is called on a cheaply built instance (<see cref="InstanceRecipes"/>) with null in one
/// non-nullable reference parameter at a time, and must throw an ArgumentNullException naming its own parameter
/// (not the parameter of some op it calls). Methods that take tensors and accept the sample arguments are then
/// called with a wrongly shaped tensor in each tensor parameter: they may accept it (broadcasting, any-shape
/// modules), but if they reject it, it must be an ArgumentException whose message names the method ("Type.Method",
/// or the public method of the same type it delegates to) and the wrong shape.
/// </summary>
[Trait("Layer", "Api")]
public sealed class InstanceMethodSweepTests(ITestOutputHelper output)
{
    /// <summary>Public instance methods and setters declared in Engine that a concrete type exposes, each once.</summary>
    private static IEnumerable<(Type Type, MethodInfo Method)> InstanceMembers()
    {
        var seen = new HashSet<MethodInfo>();
        foreach (var type in InstanceRecipes.ConcreteTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance).OrderBy(m => m.ToString(), StringComparer.Ordinal))
            {
                if (method.DeclaringType?.Assembly != InstanceRecipes.EngineAssembly || method.ContainsGenericParameters
                    || method.Name.StartsWith('<') || method.IsSpecialName && !IsSetterOrIndexer(method)
                    || IsInitOnly(method))
                    continue;
                var key = method.DeclaringType == type ? method : method.DeclaringType!.GetMethod(method.Name,
                    BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly, method.GetParameters().Select(p => p.ParameterType).ToArray())!;
                if (seen.Add(key))
                    yield return (type, method);
            }
        }
    }

    private static bool IsSetterOrIndexer(MethodInfo method) =>
        method.Name.StartsWith("set_", StringComparison.Ordinal)
        || method.Name.StartsWith("get_", StringComparison.Ordinal) && method.GetParameters().Length > 0;

    private static int InitOnlySetters() =>
        InstanceRecipes.ConcreteTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Count(m => m.IsSpecialName && m.Name.StartsWith("set_", StringComparison.Ordinal) && IsInitOnly(m));

    /// <summary>An <c>init</c> accessor belongs to object construction: options are validated where they are consumed.</summary>
    private static bool IsInitOnly(MethodInfo method) =>
        method.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");

    private static string Describe(Type type, MethodInfo method) =>
        type == method.DeclaringType ? ApiReflection.Describe(method) : $"{type.Name}:{ApiReflection.Describe(method)}";

    [Fact]
    public void Null_ForEveryNonNullableReferenceParameterOfAnInstanceMethod_ThrowsArgumentNullNamingIt()
    {
        int methods = 0, checkedParameters = 0;
        var failures = new List<string>();
        var inconclusive = new List<string>();
        var unbuilt = new List<string>();
        var unreachable = new List<string>();
        foreach (var (type, method) in InstanceMembers())
        {
            var nullable = ApiReflection.NonNullableReferenceParameters(method);
            if (nullable.Count == 0)
                continue;
            methods++;
            if (!ApiReflection.IsInvokable(method))
            {
                unreachable.Add(Describe(type, method));
                continue;
            }
            foreach (var parameter in nullable)
            {
                if (!InstanceRecipes.TryBuild(type, out object? target, out string? why)
                    || !InstanceRecipes.TryArguments(type, method, out object?[] arguments, out why))
                {
                    unbuilt.Add($"{Describe(type, method)}: {why}");
                    break;
                }
                arguments[parameter.Position] = null;
                var error = ApiReflection.Invoke(method, target, arguments);
                checkedParameters++;
                switch (error)
                {
                    case ArgumentNullException a when a.ParamName == parameter.Name:
                        break;
                    case ArgumentException a when a is not ArgumentNullException && a.ParamName != parameter.Name:
                        inconclusive.Add($"{Describe(type, method)} null {parameter.Name}: {a.GetType().Name} for {a.ParamName}: {a.Message}");
                        break;
                    case null:
                        failures.Add($"{Describe(type, method)}: null '{parameter.Name}' was accepted");
                        break;
                    default:
                        failures.Add($"{Describe(type, method)}: null '{parameter.Name}' gave {error.GetType().Name} " +
                            $"(ParamName {(error as ArgumentException)?.ParamName ?? "-"}): {error.Message.Split('\n')[0]}");
                        break;
                }
            }
        }
        output.WriteLine($"{InstanceMembers().Count()} public instance methods, setters and indexers over " +
            $"{InstanceRecipes.ConcreteTypes().Count()} concrete types ({InitOnlySetters()} init-only setters left to the consumers " +
            "of their records); " +
            $"{methods} instance methods and setters with non-nullable reference parameters, {checkedParameters} " +
            $"parameters set to null, {unbuilt.Count} methods not built, {unreachable.Count} not callable by reflection (span arguments or results), {inconclusive.Count} inconclusive, {failures.Count} failures");
        output.WriteLine($"{InstanceRecipes.Excluded.Count} types excluded: " +
            string.Join("; ", InstanceRecipes.Excluded.Select(e => $"{e.Key.Name} ({e.Value})")));
        foreach (string line in unbuilt.Concat(unreachable.Select(u => "span, not called: " + u)).Concat(inconclusive.Select(i => "inconclusive: " + i)))
            output.WriteLine(line);
        Assert.True(failures.Count == 0, $"{failures.Count} of {checkedParameters} null checks failed:\n" + string.Join("\n", failures));
        Assert.True(unbuilt.Count == 0, "members that could not be called:\n" + string.Join("\n", unbuilt));
        Assert.True(checkedParameters >= 150, $"only {checkedParameters} parameters were checked: the sweep lost its reach");
        Assert.True(inconclusive.Count * 10 <= checkedParameters, $"{inconclusive.Count} inconclusive of {checkedParameters}");
    }

    /// <summary>Wrong shapes derived from a valid one: the last axis one longer, one more axis, one axis fewer.</summary>
    private static IEnumerable<int[]> WrongShapes(Shape valid)
    {
        int[] dims = valid.Dims.ToArray();
        if (dims.Length > 0)
            yield return [.. dims[..^1], dims[^1] + 1];
        yield return [.. dims, 3];
        if (dims.Length > 1)
            yield return dims[1..];
    }

    /// <summary>
    /// Whether <paramref name="message"/> names the method as "Type.Method", or another public method of the same
    /// type that received the same tensor (Reconstruct and Forward report the Encode they call; Forward of an
    /// LSTM cell, the Step it runs); a fluent method of Tensor may report as the op it aliases ("MatMul: ...").
    /// </summary>
    private static bool NamesAMethodOf(Type type, MethodInfo method, string message) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Select(m => m.Name).Prepend(method.Name).Distinct()
            .Any(name => message.Contains($"{type.Name}.{name}", StringComparison.Ordinal)
                || message.Contains($"{method.DeclaringType!.Name}.{name}", StringComparison.Ordinal))
        || IsOpAlias(method) && message.StartsWith(method.Name + ":", StringComparison.Ordinal);

    /// <summary>
    /// Tensor's fluent methods (<c>a.MatMul(b)</c>, <c>loss.Backward()</c>) are documented aliases of the static of
    /// the same name in Op or Autograd.
    /// </summary>
    private static bool IsOpAlias(MethodInfo method) =>
        method.DeclaringType == typeof(Tensor)
        && typeof(Engine.Autodiff.Ops.Op).GetMethods().Concat(typeof(Engine.Autodiff.Autograd).GetMethods()).Any(m => m.Name == method.Name);

    [Fact]
    public void WrongShape_ForEveryTensorParameterOfAnInstanceMethod_IsAcceptedOrNamesMethodAndShape()
    {
        int methods = 0, calls = 0, rejected = 0;
        var failures = new List<string>();
        var unreached = new List<string>();
        foreach (var (type, method) in InstanceMembers())
        {
            var tensors = method.GetParameters().Where(p => p.ParameterType == typeof(Tensor)).ToList();
            if (tensors.Count == 0 || !ApiReflection.IsInvokable(method))
                continue;
            if (!InstanceRecipes.TryBuild(type, out object? target, out string? why)
                || !InstanceRecipes.TryArguments(type, method, out object?[] samples, out why))
            {
                unreached.Add($"{Describe(type, method)}: {why}");
                continue;
            }
            if (ApiReflection.Invoke(method, target, samples) is { } refused)
            {
                unreached.Add($"{Describe(type, method)}: the samples are refused: {refused.GetType().Name}: {refused.Message.Split('\n')[0]}");
                continue;
            }
            methods++;
            foreach (var parameter in tensors)
            {
                if (samples[parameter.Position] is not Tensor valid)
                    continue;
                foreach (int[] wrong in WrongShapes(valid.Shape))
                {
                    InstanceRecipes.TryBuild(type, out target, out _);
                    InstanceRecipes.TryArguments(type, method, out object?[] arguments, out _);
                    arguments[parameter.Position] = Tensor.Full(valid.Size > 0 ? valid.ReadOnlySpan[0] : 0.5f, wrong); // ids stay ids
                    calls++;
                    string shape = new Shape(wrong).ToString();
                    switch (ApiReflection.Invoke(method, target, arguments))
                    {
                        case null:
                            break;
                        case ArgumentException a when NamesAMethodOf(type, method, a.Message)
                            && a.Message.Contains(shape, StringComparison.Ordinal):
                            rejected++;
                            break;
                        case var error:
                            failures.Add($"{Describe(type, method)}: {parameter.Name} {shape} gave {error.GetType().Name}: {error.Message.Split('\n')[0]}");
                            break;
                    }
                }
            }
        }
        output.WriteLine($"{methods} instance methods taking tensors, {calls} calls with a wrong shape, {rejected} rejected " +
            $"naming method and shape, {calls - rejected - failures.Count} accepted, {failures.Count} failures; " +
            $"{unreached.Count} methods not reached");
        foreach (string line in unreached)
            output.WriteLine("not reached: " + line);
        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} wrong-shape calls failed:\n" + string.Join("\n", failures));
        Assert.True(rejected >= 30, $"only {rejected} wrong shapes were rejected: the sweep lost its reach");
    }

    /// <summary>The members reflection cannot call (they take or return spans), by hand: each null must name its parameter.</summary>
    public static IEnumerable<(string Parameter, Action Call)> SpanMemberCalls()
    {
        var detector = new AutoencoderDetector(new DenseAutoencoder(new DenseAutoencoderOptions(2, [2], 2), new Random(1)));
        InstanceRecipes.TryBuild(typeof(TablePreprocessor), out object? preprocessor, out _);
        var words = new WordVectors(["a", "b"], [0.1f, 0.2f, 0.3f, 0.4f], 2);
        yield return ("data", () => detector.Calibrate(ThresholdRule.Contamination(0.1), (IDataset)null!, default));
        yield return ("table", () => ((TablePreprocessor)preprocessor!).Transform(null!, 0, 0, Span<float>.Empty));
        yield return ("name", () => new OnnxModelBuilder().AddInitializer(null!, [1], [1f]));
        yield return ("shape", () => new OnnxModelBuilder().AddInitializer("w", null!, [1f]));
        yield return ("name", () => new OnnxModelBuilder().AddInt64Initializer(null!, [1], [1L]));
        yield return ("shape", () => new OnnxModelBuilder().AddInt64Initializer("w", null!, [1L]));
        yield return ("word", () => words.GetVector(null!));
    }

    [Fact]
    public void Null_ForTheSpanMembersReflectionCannotCall_ThrowsArgumentNullNamingIt()
    {
        foreach (var (parameter, call) in SpanMemberCalls())
            Assert.Equal(parameter, Assert.Throws<ArgumentNullException>(call).ParamName);
    }
}
