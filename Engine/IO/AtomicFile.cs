namespace Engine.IO;

/// <summary>
/// Writes a file so that a crash, a full disk or an exception in the middle never leaves a half-written file
/// behind: readers see either the old file or the complete new one.
/// </summary>
/// <remarks>
/// The content goes to a temporary file in the same directory (a rename is only atomic within one file system),
/// is flushed to the disk (<see cref="FileStream.Flush(bool)"/> with <c>flushToDisk: true</c>, so the rename can
/// not reach the disk before the data), and is then renamed over the target with
/// <see cref="File.Move(string, string, bool)"/>. On failure the temporary file is deleted and the target is left
/// untouched.
/// </remarks>
public static class AtomicFile
{
    /// <summary>UTF-8 without a byte-order mark that throws on invalid bytes: the encoding of every text file we write.</summary>
    public static readonly System.Text.UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Creates or replaces <paramref name="path"/> with the text <paramref name="write"/> writes ("\n" line ends).</summary>
    public static void WriteText(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8, bufferSize: 1 << 16, leaveOpen: true);
            writer.NewLine = "\n";
            write(writer);
        });
    }

    /// <summary>Creates or replaces <paramref name="path"/> with what <paramref name="write"/> writes to the stream.</summary>
    /// <param name="path">Target file; its directory must exist.</param>
    /// <param name="write">Writes the whole content; it must not close the stream.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a directory.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory of <paramref name="path"/> does not exist.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string fileName = Path.GetFileName(fullPath);
        if (fileName.Length == 0)
            throw new ArgumentException($"AtomicFile.Write: '{path}' names a directory, not a file.", nameof(path));
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"AtomicFile.Write: '{path}' has no directory.", nameof(path));

        // A random suffix keeps two concurrent writers of the same target from sharing a temporary file.
        string tempPath = Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None,
                       bufferSize: 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    /// <summary>Creates or replaces <paramref name="path"/> with <paramref name="bytes"/>, atomically.</summary>
    /// <param name="path">Target file; its directory must exist.</param>
    /// <param name="bytes">The complete file content.</param>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, stream => stream.Write(bytes));
    }

    private static void TryDelete(string tempPath)
    {
        try
        {
            File.Delete(tempPath);
        }
        catch (IOException)
        {
            // The original exception matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
