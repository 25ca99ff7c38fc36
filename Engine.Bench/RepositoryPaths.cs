namespace Engine.Bench;

/// <summary>
/// Files the benchmarks read, relative to the repository root (the folder holding Engine.sln, found by walking up
/// from the working folder or the benchmark binaries): the data that ships in the repository, and the developers'
/// shared data folder <c>../shared/data</c> beside it. The product never reads the shared folder.
/// </summary>
internal static class RepositoryPaths
{
    /// <summary>The repository root, or "." when no Engine.sln is above the working folder or the binaries.</summary>
    public static string Root
    {
        get
        {
            foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                    if (File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) return dir.FullName;
            return ".";
        }
    }

    /// <summary>A file inside the repository.</summary>
    public static string InRepository(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>A file inside ../shared/data beside the repository (it may not exist).</summary>
    public static string Shared(params string[] parts) => Path.GetFullPath(Path.Combine([Root, "..", "shared", "data", .. parts]));
}
