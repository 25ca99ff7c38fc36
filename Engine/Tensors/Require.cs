using System.Globalization;

namespace Engine.Tensors;

/// <summary>
/// The range checks of option records, optimizers, schedules and trainers, so every bad value is rejected the same
/// way: an <see cref="ArgumentOutOfRangeException"/> whose <c>ParamName</c> is the property or parameter and whose
/// message names the owner, the rule and the value ("TrainerOptions.BatchSize must be at least 1, got 0.").
/// </summary>
/// <remarks>
/// Each check returns the value, so a record validates in its <c>init</c> accessor:
/// <c>public int BatchSize { get; init => field = Require.AtLeast(value, 1, "TrainerOptions.BatchSize"); }</c>.
/// The <c>what</c> arguments are "Owner.Name"; the part after the last dot becomes the ParamName.
/// </remarks>
internal static class Require
{
    /// <summary><paramref name="value"/> ≥ <paramref name="minimum"/>.</summary>
    public static int AtLeast(int value, int minimum, string what) =>
        value >= minimum ? value : throw Fail(what, $"must be at least {minimum}", value);

    /// <summary><paramref name="value"/> ≥ <paramref name="minimum"/>.</summary>
    public static long AtLeast(long value, long minimum, string what) =>
        value >= minimum ? value : throw Fail(what, $"must be at least {minimum}", value);

    /// <summary><paramref name="value"/> in [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public static int InRange(int value, int minimum, int maximum, string what) =>
        value >= minimum && value <= maximum ? value : throw Fail(what, $"must be in [{minimum}, {maximum}]", value);

    /// <summary>A finite number (not NaN, not ±∞).</summary>
    public static float Finite(float value, string what) =>
        float.IsFinite(value) ? value : throw Fail(what, "must be a finite number", value);

    /// <summary>A finite number ≥ <paramref name="minimum"/>.</summary>
    public static float FiniteAtLeast(float value, float minimum, string what) =>
        float.IsFinite(value) && value >= minimum ? value : throw Fail(what, $"must be finite and at least {Text(minimum)}", value);

    /// <summary>A finite number &gt; 0.</summary>
    public static float FinitePositive(float value, string what) =>
        float.IsFinite(value) && value > 0 ? value : throw Fail(what, "must be finite and greater than 0", value);

    /// <summary>A finite number ≥ <paramref name="minimum"/>.</summary>
    public static double FiniteAtLeast(double value, double minimum, string what) =>
        double.IsFinite(value) && value >= minimum ? value : throw Fail(what, $"must be finite and at least {Text(minimum)}", value);

    /// <summary>A finite number &gt; 0.</summary>
    public static double FinitePositive(double value, string what) =>
        double.IsFinite(value) && value > 0 ? value : throw Fail(what, "must be finite and greater than 0", value);

    /// <summary>A finite number.</summary>
    public static double Finite(double value, string what) =>
        double.IsFinite(value) ? value : throw Fail(what, "must be a finite number", value);

    /// <summary>A number in [<paramref name="minimum"/>, <paramref name="maximum"/>] (NaN is outside every range).</summary>
    public static float InRange(float value, float minimum, float maximum, string what) =>
        value >= minimum && value <= maximum ? value : throw Fail(what, $"must be in [{Text(minimum)}, {Text(maximum)}]", value);

    /// <summary>A number in [<paramref name="minimum"/>, <paramref name="maximum"/>) (NaN is outside every range).</summary>
    public static float InHalfOpenRange(float value, float minimum, float maximum, string what) =>
        value >= minimum && value < maximum ? value : throw Fail(what, $"must be in [{Text(minimum)}, {Text(maximum)})", value);

    /// <summary>A named member of <typeparamref name="T"/> (casts such as <c>(NoiseKind)7</c> are rejected).</summary>
    public static T Defined<T>(T value, string what) where T : struct, Enum =>
        Enum.IsDefined(value) ? value
            : throw Fail(what, $"must be one of {string.Join(", ", Enum.GetNames<T>())}", Convert.ToInt64(value, CultureInfo.InvariantCulture));

    /// <summary>A non-null reference.</summary>
    public static T NotNull<T>(T? value, string what) where T : class =>
        value ?? throw new ArgumentNullException(ParamName(what), $"{what} must not be null.");

    /// <summary>Every element ≥ <paramref name="minimum"/>; the message names the first offending index.</summary>
    public static int[] AllAtLeast(int[]? values, int minimum, string what)
    {
        NotNull(values, what);
        for (int i = 0; i < values!.Length; i++)
        {
            if (values[i] < minimum)
                throw new ArgumentOutOfRangeException(ParamName(what), values[i],
                    $"{what}[{i}] must be at least {minimum}, got {values[i]}.");
        }
        return values;
    }

    private static ArgumentOutOfRangeException Fail(string what, string rule, object value) =>
        new(ParamName(what), value, $"{what} {rule}, got {Text(value)}.");

    private static string ParamName(string what) => what[(what.LastIndexOf('.') + 1)..];

    private static string Text(object value) => value switch
    {
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null",
    };
}
