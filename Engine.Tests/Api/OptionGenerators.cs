using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using Engine.Analysis;
using Engine.Anomaly;
using Engine.Autodiff;
using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;
using Engine.Text;
using Engine.Training;
using FsCheck;
using FsCheck.Fluent;

namespace Engine.Tests.Api;

/// <summary>
/// An options type of the public API and how to build one: a positional record through its primary constructor,
/// anything else through its parameterless constructor and its <c>init</c> setters, one value per member.
/// </summary>
public sealed class OptionShape
{
    private OptionShape(Type type, ConstructorInfo? primary, IReadOnlyList<(string Name, Type Type)> members)
    {
        Type = type;
        Primary = primary;
        Members = members;
    }

    /// <summary>The options type.</summary>
    public Type Type { get; }

    /// <summary>The positional record constructor, or null when the members are init setters.</summary>
    public ConstructorInfo? Primary { get; }

    /// <summary>The members a case sets, in order: constructor parameters, then init-only properties.</summary>
    public IReadOnlyList<(string Name, Type Type)> Members { get; }

    /// <summary>
    /// The shape of <paramref name="type"/>: a record whose public constructor matches its properties by name, or a
    /// type with a public parameterless constructor and public init-only setters.
    /// </summary>
    public static OptionShape Of(Type type)
    {
        var inits = InitProperties(type);
        // A positional record's constructor, or one whose parameters are its properties in camelCase.
        var primary = type.GetConstructors()
            .Where(c => c.GetParameters().Length > 0 && c.GetParameters().All(p =>
                type.GetProperty(p.Name!, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { } property
                && property.PropertyType == p.ParameterType))
            .MaxBy(c => c.GetParameters().Length);
        var members = new List<(string, Type)>();
        if (primary is not null)
            members.AddRange(primary.GetParameters().Select(p => (p.Name!, p.ParameterType)));
        members.AddRange(inits.Where(p => !members.Any(m => m.Item1 == p.Name)).Select(p => (p.Name, p.PropertyType)));
        return new OptionShape(type, primary, members);
    }

    /// <summary>Public instance properties with an <c>init</c> accessor.</summary>
    public static IReadOnlyList<PropertyInfo> InitProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } setter
                        && setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)))
            .ToList();

    /// <summary>Builds an instance from <paramref name="values"/> (one per member); exceptions come out unwrapped.</summary>
    public object Build(object?[] values)
    {
        try
        {
            int positional = Primary?.GetParameters().Length ?? 0;
            object instance = Primary is not null ? Primary.Invoke(values[..positional]) : Activator.CreateInstance(Type)!;
            for (int i = positional; i < Members.Count; i++)
                Type.GetProperty(Members[i].Name)!.SetValue(instance, values[i]);
            return instance;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}

/// <summary>One random options case: a type and a value for each of its members.</summary>
public sealed record OptionCase(OptionShape Shape, object?[] Values)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Shape.Type.Name}({string.Join(", ", Shape.Members.Select((m, i) => $"{m.Name} = {OptionGenerators.Show(Values[i])}"))})";
}

/// <summary>
/// FsCheck generators of hostile settings: every options type of the public API with each member drawn from the
/// values that broke the library before (NaN, ±∞, ±1e30, negative and zero sizes, int.MinValue/MaxValue, undefined
/// enum values, null and empty lists, lists with a negative width) mixed with ordinary ones, so most cases set a few
/// bad values among good ones.
/// </summary>
public static class OptionGenerators
{
    /// <summary>
    /// The options types: every type whose purpose is to configure a model, optimizer, schedule, trainer, loader or
    /// analysis (a schedule with a constructor and read-only properties is built through its constructor).
    /// </summary>
    public static readonly Type[] Types =
    [
        typeof(TrainerOptions), typeof(DenseAutoencoderOptions), typeof(VaeOptions), typeof(ConvAutoencoderOptions),
        typeof(ConvVaeOptions), typeof(Corruption), typeof(Sparsity), typeof(KlAnnealing),
        typeof(LstmTextAutoencoderOptions), typeof(TransformerTextAutoencoderOptions), typeof(ConstantSchedule),
        typeof(StepSchedule), typeof(ExponentialSchedule), typeof(CosineSchedule), typeof(WarmupCosineSchedule),
        typeof(AutoencoderDetectorOptions),
        typeof(ThresholdRule), typeof(Word2VecOptions), typeof(GradCheckOptions), typeof(KNearestNeighbors),
        typeof(LinearSvm), typeof(LogisticRegression), typeof(MlpClassifier), typeof(RandomForest),
        typeof(global::Engine.Data.ImageSetOptions),
        typeof(global::Engine.Data.Tables.TablePreprocessorOptions), typeof(global::Engine.Data.Tables.TableReadOptions),
    ];

    private static readonly OptionShape[] Shapes = [.. Types.Select(OptionShape.Of)];

    /// <summary>Ints: the edges (int.MinValue, -1, 0, int.MaxValue) and small ordinary sizes.</summary>
    public static Gen<int> Int { get; } = Gen.OneOf(
        Gen.Elements(int.MinValue, -2, -1, 0, 0, 1, 1, 2, 3, 64, int.MaxValue), Gen.Choose(1, 8));

    /// <summary>Floats: NaN, ±∞, ±huge, negative, zero, subnormal and ordinary rates.</summary>
    public static Gen<float> Float { get; } = Gen.OneOf(
        Gen.Elements(float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -float.MaxValue, 1e30f,
            -1e30f, -1f, -float.Epsilon, 0f, float.Epsilon, 0.999f, 1f, 1.5f, 1e38f),
        Gen.Choose(0, 100).Select(i => i / 100f));

    /// <summary>Doubles, as <see cref="Float"/>.</summary>
    public static Gen<double> Double { get; } = Gen.OneOf(
        Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, 1e300, -1e30, -1.0,
            0.0, double.Epsilon, 1.0, 1.5),
        Gen.Choose(0, 100).Select(i => i / 100.0));

    /// <summary>Width lists: null, empty, ordinary, and lists holding a zero, a negative or a huge width.</summary>
    public static Gen<int[]?> Widths { get; } = Gen.OneOf(
        Gen.Elements<int[]?>(null, [], [0], [-1], [3, -2], [2, int.MaxValue], [int.MinValue]),
        Gen.Choose(1, 6).ArrayOf().Select(a => (int[]?)a[..Math.Min(a.Length, 3)]));

    /// <summary>A value for a member of type <paramref name="type"/>.</summary>
    public static Gen<object?> ValueFor(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner)
            return Gen.OneOf(Gen.Constant<object?>(null), ValueFor(inner));
        if (type == typeof(int)) return Int.Select(v => (object?)v);
        if (type == typeof(long)) return Int.Select(v => (object?)(long)v);
        if (type == typeof(float)) return Float.Select(v => (object?)v);
        if (type == typeof(double)) return Double.Select(v => (object?)v);
        if (type == typeof(bool)) return Gen.Elements<object?>(false, true);
        if (type == typeof(int[])) return Widths.Select(v => (object?)v);
        if (type == typeof(IReadOnlyList<int>)) return Widths.Select(v => (object?)v);
        if (type == typeof(string)) return Gen.Elements<object?>(null, "", "   ");
        if (type == typeof(CancellationToken)) return Gen.Constant<object?>(CancellationToken.None);
        if (type == typeof(CheckpointInterval))
            return Gen.Elements<object?>(default(CheckpointInterval), CheckpointInterval.Epochs(1), CheckpointInterval.Batches(2));
        if (type.IsEnum)
        {
            var named = Enum.GetValues(type).Cast<object>();
            var unnamed = new[] { -1, 99 }.Select(v => Enum.ToObject(type, v));
            return Gen.Elements<object?>([.. named, .. unnamed]);
        }
        if (typeof(Delegate).IsAssignableFrom(type) || !type.IsValueType)
        {
            // Nested options and callbacks: null, or an ordinary sample (their own cases vary them).
            return ApiSamples.TryCreate(type, null, 0, out object? sample) && sample is not null
                ? Gen.Elements<object?>(null, sample)
                : Gen.Constant<object?>(null);
        }
        return Gen.Constant(Activator.CreateInstance(type));
    }

    /// <summary>A random options case of any of the <see cref="Types"/>.</summary>
    public static Gen<OptionCase> Case { get; } =
        from shape in Gen.Elements(Shapes)
        from values in Gen.CollectToArray(shape.Members.Select(m => ValueFor(m.Type)))
        select new OptionCase(shape, [.. values]);

    /// <summary>How a value reads in a failure message.</summary>
    public static string Show(object? value) => value switch
    {
        null => "null",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int[] a => $"[{string.Join(", ", a)}]",
        string s => $"\"{s}\"",
        _ => value.ToString() ?? value.GetType().Name,
    };
}

/// <summary>The FsCheck arbitraries of <see cref="OptionGenerators"/>, for <c>[Property(Arbitrary = ...)]</c>.</summary>
public static class OptionArbitraries
{
    /// <summary>Random options cases.</summary>
    public static Arbitrary<OptionCase> Options() => OptionGenerators.Case.ToArbitrary();
}
