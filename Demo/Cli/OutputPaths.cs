namespace Demo.Cli;

/// <summary>
/// Checks, before any work, that the files and folders a run will write can be written, and writes them so that a
/// failure names the path the user gave (never the temporary file an atomic write goes through).
/// </summary>
/// <remarks>
/// A check looks for the nearest folder of the path that exists, refuses when something in the way is a file, and
/// proves the folder writable by creating (and at once deleting) an empty probe file in it: permissions alone do not
/// say whether /proc, a read-only mount or a full quota will take a new file. Folders that do not exist yet are
/// created when the run writes, as they would be by <c>mkdir -p</c>.
/// </remarks>
internal static class OutputPaths
{
    /// <summary>Why the file <paramref name="path"/> could not be written, or null when it can.</summary>
    public static string? FileProblem(string path)
    {
        if (path.Length == 0) return "needs a file name.";
        if (Full(path) is not string full) return "is not a valid path.";
        if (Directory.Exists(full)) return "is a folder; give a file name.";
        if (path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar)) return "ends with a folder separator; give a file name.";
        if (File.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReadOnly) != 0) return "is a read-only file.";
        return FolderProblem(Path.GetDirectoryName(full)!, full);
    }

    /// <summary>Why files could not be written in the folder <paramref name="path"/>, or null when they can.</summary>
    public static string? FolderProblem(string path) =>
        path.Length == 0 ? "needs a folder name."
        : Full(path) is not string full ? "is not a valid path."
        : File.Exists(full) ? "is a file, not a folder."
        : FolderProblem(full, full);

    /// <summary>
    /// Creates the folders of <paramref name="file"/> and runs <paramref name="write"/>; an I/O failure becomes an
    /// <see cref="IOException"/> whose message starts with "<paramref name="what"/> <paramref name="file"/>:".
    /// </summary>
    public static void Write(string what, string file, Action<string> write)
    {
        try
        {
            if (Path.GetDirectoryName(Path.GetFullPath(file)) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
            write(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{what} {file}: could not be written ({Reason(e, file)}).", e);
        }
    }

    // The reason in a few words; the message of an atomic write names its temporary file, so say the user's path.
    private static string Reason(Exception e, string file)
    {
        string message = e.Message;
        string name = Path.GetFileName(file);
        int start = message.IndexOf($".{name}.", StringComparison.Ordinal);
        if (start >= 0)
        {
            int end = message.IndexOf(".tmp", start, StringComparison.Ordinal);
            int folderStart = message.LastIndexOf('\'', start) + 1;
            if (end > start && folderStart > 0) message = message[..folderStart] + file + message[(end + 4)..];
        }
        return e is UnauthorizedAccessException ? $"permission denied: {message}" : message;
    }

    private static string? FolderProblem(string folder, string forWhat)
    {
        var existing = new DirectoryInfo(folder);
        while (!existing.Exists)
        {
            if (File.Exists(existing.FullName)) return $"{existing.FullName} is a file, not a folder.";
            if (existing.Parent is null) return $"{existing.FullName} does not exist.";
            existing = existing.Parent;
        }
        string probe = Path.Combine(existing.FullName, $".write-check-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string where = existing.FullName == forWhat ? "this folder" : existing.FullName;
            // The system's message names the probe file, which would only confuse: say what failed in our words.
            return e is UnauthorizedAccessException
                ? $"no permission to create files in {where}."
                : $"cannot create files in {where} (the system refused a new file there).";
        }
    }

    private static string? Full(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
    }
}
