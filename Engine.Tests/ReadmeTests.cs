using System.Text.RegularExpressions;

namespace Engine.Tests;

[Trait("Layer", "Readme")]
public sealed partial class ReadmeTests
{
    private static string RepoFile(string name)
    {
        // The tests run from Engine.Tests/bin/<config>/<tfm>/; walk up to the repository root.
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) dir = dir.Parent;
        Assert.True(dir is not null, "the repository root (Engine.sln) was not found above the test binaries");
        return File.ReadAllText(Path.Combine(dir!.FullName, name));
    }

    private static string[] CodeLines(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void ReadmeExample_IsTheCodeThisTestRuns_AndPrintsWhatTheReadmeSays()
    {
        string readme = RepoFile("README.md");
        var block = CodeBlock().Match(readme);
        Assert.True(block.Success, "README.md has no ```csharp block");
        string source = RepoFile("Engine.Tests/ReadmeExample.cs");
        int begin = source.IndexOf("// README-BEGIN", StringComparison.Ordinal), end = source.IndexOf("// README-END", StringComparison.Ordinal);
        string example = source[(begin + "// README-BEGIN".Length)..end];
        Assert.Equal(CodeLines(block.Groups[1].Value), CodeLines(example));

        var claimed = PrintsClaim().Match(readme);
        Assert.True(claimed.Success, "README.md does not say what the example prints");
        var writer = new StringWriter();
        var original = Console.Out;
        Console.SetOut(writer);
        try
        {
            ReadmeExample.Run();
        }
        finally
        {
            Console.SetOut(original);
        }
        Assert.Equal(claimed.Groups[1].Value, writer.ToString().Trim());
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"This prints `([^`]*)`")]
    private static partial Regex PrintsClaim();
}
