namespace Engine.Tests.DemoApp;

/// <summary>A fresh temporary directory for one test, deleted with everything in it on dispose.</summary>
internal sealed class ScratchDirectory(string prefix) : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
