using System.Reflection;
using FsCheck.Xunit;

namespace Engine.Tests.Testing;

/// <summary>The suite's FsCheck seed: pinned unless ENGINE_FSCHECK_SEED says otherwise (docs/reliability.md).</summary>
[Trait("Layer", "Testing")]
public sealed class FsCheckSeedTests
{
    [Fact]
    public void EveryProperty_StartsFromThisRunsSeed()
    {
        var attribute = typeof(FsCheckSeedTests).Assembly.GetCustomAttributes<PropertiesAttribute>().Single();
        Assert.IsType<FsCheckSeedAttribute>(attribute);
        Assert.Equal(FsCheckSeed.Replay, attribute.Replay);
        TestContext.Current.TestOutputHelper?.WriteLine($"{FsCheckSeed.Variable}={FsCheckSeed.Replay}");
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(FsCheckSeed.Variable)))
            Assert.Equal(FsCheckSeed.Resolve(null), FsCheckSeed.Replay);
    }

    [Fact]
    public void Resolve_PinsByDefault_AndTakesNumbersPairsAndRandom()
    {
        Assert.Equal(FsCheckSeed.Resolve(null), FsCheckSeed.Resolve(""));
        Assert.StartsWith($"({FsCheckSeed.Pinned},", FsCheckSeed.Resolve(" "));
        Assert.StartsWith("(12345,", FsCheckSeed.Resolve("12345"));
        Assert.Equal("(7,13)", FsCheckSeed.Resolve("(7,13)"));
        Assert.Equal("(7,13)", FsCheckSeed.Resolve("7, 13"));
        string a = FsCheckSeed.Resolve("random"), b = FsCheckSeed.Resolve("RANDOM");
        Assert.NotEqual(a, b);
        ulong gamma = ulong.Parse(a.Trim('(', ')').Split(',')[1]);
        Assert.Equal(1UL, gamma & 1);
    }

    [Theory]
    [InlineData("seven")]
    [InlineData("-3")]
    [InlineData("(7,12)")]
    [InlineData("(1,3,5,7)")]
    public void Resolve_RejectsAnythingElse_NamingTheVariable(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => FsCheckSeed.Resolve(value));
        Assert.Contains(FsCheckSeed.Variable, e.Message);
        Assert.Contains(value.Trim(), e.Message);
    }
}
