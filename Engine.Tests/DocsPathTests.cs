using System.Text.RegularExpressions;
using Engine.Tests.Testing;

namespace Engine.Tests;

/// <summary>
/// A learner follows README → chapter → file: every repository path the README and docs/ name in backticks
/// (`Engine/…`, `Demo/…`, `Engine.Bench/…`, `Engine.Tests/…`, `docs/…`, `.ci/…`) exists, so a file that moves or goes
/// takes its mentions with it. A class may be named by its file's path without ".cs".
/// </summary>
[Trait("Layer", "Readme")]
public sealed partial class DocsPathTests
{
    [GeneratedRegex(@"`((?:Engine|Demo|Engine\.Bench|Engine\.Tests|docs|\.ci)/[^`\s]*)`")]
    private static partial Regex RepositoryPath();

    [Fact]
    public void EveryPathTheDocsName_Exists()
    {
        var files = Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md")
            .Append(Path.Combine(Repository.Root, "README.md")).ToList();
        var missing = new List<string>();
        int checkedPaths = 0;
        foreach (string file in files)
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                foreach (Match m in RepositoryPath().Matches(lines[i]))
                {
                    string path = m.Groups[1].Value.TrimEnd('.', ',', ':', ';', ')');
                    // Patterns and placeholders name no one file.
                    if (path.IndexOfAny(['*', '{', '<', '…']) >= 0) continue;
                    checkedPaths++;
                    string full = Path.Combine(Repository.Root, path.Replace('/', Path.DirectorySeparatorChar));
                    // A test or helper class may be named by its file without the extension.
                    if (!File.Exists(full) && !Directory.Exists(full) && !File.Exists(full + ".cs"))
                        missing.Add($"{Path.GetRelativePath(Repository.Root, file)}:{i + 1}: {path}");
                }
            }
        }
        Assert.True(checkedPaths > 100, $"only {checkedPaths} paths found: is the pattern still right?");
        Assert.True(missing.Count == 0, "paths named in the docs that do not exist:\n" + string.Join('\n', missing));
    }
}
