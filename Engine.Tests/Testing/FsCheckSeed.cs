using FsCheck.Xunit;

[assembly: Engine.Tests.Testing.FsCheckSeedAttribute]

namespace Engine.Tests.Testing;

/// <summary>
/// The seed every FsCheck property of the suite starts from, so that a red run (CI's included) replays exactly.
/// <c>ENGINE_FSCHECK_SEED</c> unset: the pinned seed below. <c>random</c>: a fresh seed, printed in the test output.
/// A number, or a pair <c>(seed,gamma)</c> as FsCheck prints it in a failure: that seed.
/// </summary>
public static class FsCheckSeed
{
    /// <summary>The environment variable that chooses the seed.</summary>
    public const string Variable = "ENGINE_FSCHECK_SEED";

    /// <summary>The pinned seed (the suite's <see cref="Seeds.Default"/>).</summary>
    public const ulong Pinned = Seeds.Default;

    // SplitMix64's golden gamma (odd, as FsCheck's generator needs): used when only a seed is given.
    private const ulong Gamma = 0x9E3779B97F4A7C15;

    /// <summary>The seed of this run, as FsCheck's Replay string "(seed,gamma)".</summary>
    public static string Replay { get; } = Announce(Resolve(Environment.GetEnvironmentVariable(Variable)));

    /// <summary>Turns the variable's value into a Replay string.</summary>
    /// <exception cref="ArgumentException">The value is neither empty, <c>random</c>, a number nor a pair.</exception>
    public static string Resolve(string? value)
    {
        value = value?.Trim();
        if (string.IsNullOrEmpty(value))
            return Format(Pinned, Gamma);
        if (value.Equals("random", StringComparison.OrdinalIgnoreCase))
            return Format((ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.Next() << 40),
                (ulong)Random.Shared.NextInt64() | 1);
        string[] parts = value.Trim('(', ')').Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 1 && ulong.TryParse(parts[0], out ulong seed))
            return Format(seed, Gamma);
        if (parts.Length == 2 && ulong.TryParse(parts[0], out seed) && ulong.TryParse(parts[1], out ulong gamma) &&
            (gamma & 1) == 1)
            return Format(seed, gamma);
        throw new ArgumentException(
            $"{Variable}={value}: expected nothing (the pinned seed), 'random', a seed such as 12345, or the pair " +
            "'(seed,gamma)' of an FsCheck failure message (gamma odd).", Variable);
    }

    private static string Format(ulong seed, ulong gamma) => $"({seed},{gamma})";

    private static string Announce(string replay)
    {
        if (!replay.Equals(Format(Pinned, Gamma), StringComparison.Ordinal))
        {
            // A diagnostic message: `dotnet test` and the test executable both print it (xunit.runner.json turns
            // diagnostic messages on), where a console write from a test process is lost under `dotnet test`.
            TestContext.Current.SendDiagnosticMessage($"FsCheck seed of this run: {Variable}={replay} replays it.");
        }
        return replay;
    }
}

/// <summary>
/// Starts every FsCheck property of the assembly from <see cref="FsCheckSeed.Replay"/> (a property may still name
/// its own Replay). An attribute's constructor runs in the test process, so it can read the environment.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
#pragma warning disable xUnit3003 // an assembly-level setting, not a test: it has no source position
public sealed class FsCheckSeedAttribute : PropertiesAttribute
{
    /// <summary>Sets Replay to this run's seed.</summary>
    public FsCheckSeedAttribute() => Replay = FsCheckSeed.Replay;
}
#pragma warning restore xUnit3003
