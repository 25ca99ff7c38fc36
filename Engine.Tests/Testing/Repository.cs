namespace Engine.Tests.Testing;

/// <summary>
/// The repository the tests run from (the folder holding Engine.sln above the test binaries) and the developers'
/// shared data folder beside it (<c>../shared/data</c>). A test that needs shared data it cannot find reports
/// "skipped" with the reason, never a silent pass.
/// </summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>A path inside the repository.</summary>
    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>A path inside ../shared/data; skips the test when it does not exist.</summary>
    public static string SharedData(params string[] parts)
    {
        string path = Path.GetFullPath(Path.Combine([Root, "..", "shared", "data", .. parts]));
        if (!System.IO.File.Exists(path) && !Directory.Exists(path))
            Assert.Skip($"needs {path} (the shared data folder beside the repository), which is not on this machine");
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (Engine.sln) was not found above the test binaries");
    }
}
