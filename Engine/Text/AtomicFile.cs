using System.Text;

namespace Engine.Text;

/// <summary>
/// Writes a file so that readers see either the old file or the complete new one, never a half-written file:
/// the content goes to a temporary file in the same folder, is flushed to disk, and is then renamed over the target.
/// </summary>
internal static class AtomicFile
{
    /// <summary>UTF-8 without a byte-order mark, the encoding of every text file this namespace writes.</summary>
    internal static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes text through <paramref name="write"/> to <paramref name="path"/> atomically.</summary>
    internal static void WriteText(string path, Action<TextWriter> write) =>
        WriteBytes(path, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8, bufferSize: 1 << 16, leaveOpen: true);
            writer.NewLine = "\n";
            write(writer);
        });

    /// <summary>Writes bytes through <paramref name="write"/> to <paramref name="path"/> atomically.</summary>
    internal static void WriteBytes(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        string temp = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }
}
