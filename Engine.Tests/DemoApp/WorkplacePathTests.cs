using System.Diagnostics;
using Engine.Tests.Testing;

namespace Engine.Tests.DemoApp;

/// <summary>
/// Nothing in the repository names a folder of our machines: not the shared folder as it sits on them, not a home
/// directory, not the folder this checkout is in. The product finds its files relative to itself; tests and
/// benchmarks reach the shared folder as ../shared from the repository root.
/// </summary>
[Trait("Layer", "DemoApp")]
public sealed class WorkplacePathTests
{
    // Spelled in pieces, so that this file does not contain what it looks for.
    private static readonly string[] Forbidden = ["/" + "work/", "/" + "root/", "C:\\" + "Users\\"];

    [Fact]
    public void NoTrackedFile_NamesAFolderOfOurMachines()
    {
        var files = TrackedFiles();
        Assert.True(files.Count > 100, $"only {files.Count} tracked files found");
        string checkout = Repository.Root.TrimEnd(Path.DirectorySeparatorChar) + "/";
        var offenders = new List<string>();
        foreach (string file in files)
        {
            string path = Repository.File(file);
            if (!File.Exists(path) || IsBinary(path)) continue;
            string[] lines = File.ReadAllLines(path);
            for (int i = 0; i < lines.Length; i++)
            {
                foreach (string bad in Forbidden.Append(checkout))
                    if (lines[i].Contains(bad, StringComparison.Ordinal)) offenders.Add($"{file}:{i + 1}: {bad}");
            }
        }
        Assert.True(offenders.Count == 0, "workplace paths in tracked files:\n" + string.Join('\n', offenders.Take(40)));
    }

    // `git ls-files` where git and the repository's history are at hand; otherwise every file outside build output.
    private static List<string> TrackedFiles()
    {
        try
        {
            var start = new ProcessStartInfo("git", ["-C", Repository.Root, "ls-files", "-z"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var git = Process.Start(start)!;
            string output = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            if (git.ExitCode == 0) return output.Split('\0', StringSplitOptions.RemoveEmptyEntries).ToList();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // no git on this machine
        }
        string[] skipped = ["bin", "obj", "out", ".git", "TestResults", "BenchmarkDotNet.Artifacts"];
        return Directory.EnumerateFiles(Repository.Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repository.Root, f))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(skipped.Contains)).ToList();
    }

    private static bool IsBinary(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[Math.Min(8000, stream.Length)];
        stream.ReadExactly(head);
        return head.Contains((byte)0);
    }
}
