using System.Diagnostics;
using System.Text.Json;
using Engine.Tests.Testing;

namespace Engine.Tests.DemoApp;

/// <summary>global.json accepts any .NET 10 SDK a user may have (10.0.1xx to 10.0.4xx and later bands), not a preview.</summary>
[Trait("Layer", "DemoApp")]
public sealed class GlobalJsonTests
{
    [Fact]
    public void Sdk_IsTheFirstNet10Band_RollingForwardWithinNet10()
    {
        var sdk = JsonDocument.Parse(File.ReadAllText(Repository.File("global.json"))).RootElement.GetProperty("sdk");
        // latestFeature: the newest installed 10.0.x SDK at or above 10.0.100, whatever its feature band; never 11.
        Assert.Equal("10.0.100", sdk.GetProperty("version").GetString());
        Assert.Equal("latestFeature", sdk.GetProperty("rollForward").GetString());
        Assert.False(sdk.GetProperty("allowPrerelease").GetBoolean());
    }

    [Fact]
    public void TheSdkOfThisMachine_IsAccepted()
    {
        var start = new ProcessStartInfo("dotnet", ["--version"])
        {
            WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var dotnet = Process.Start(start)!;
        string version = dotnet.StandardOutput.ReadToEnd().Trim();
        string error = dotnet.StandardError.ReadToEnd();
        dotnet.WaitForExit();
        Assert.True(dotnet.ExitCode == 0, error);
        Assert.StartsWith("10.0.", version, StringComparison.Ordinal);
    }
}
