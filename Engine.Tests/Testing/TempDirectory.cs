namespace Engine.Tests.Testing;

/// <summary>A fresh directory under the system temp folder, deleted with everything in it on Dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>The directory's full path.</summary>
    public string Path { get; } = Directory.CreateTempSubdirectory("engine-test-").FullName;

    /// <summary>A file name inside the directory.</summary>
    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Deletes the directory.</summary>
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
