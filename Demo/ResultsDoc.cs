using System.Text;
using Engine.IO;

namespace Demo;

/// <summary>
/// Writes what a demo run measured into the docs chapters. A chapter marks each generated part with a pair of lines
/// <c>&lt;!-- generated:NAME --&gt;</c> … <c>&lt;!-- /generated:NAME --&gt;</c>; a command replaces the text between
/// its markers and leaves the rest of the chapter (the prose around it) alone. Figures are copied to docs/figures/.
/// </summary>
/// <remarks>
/// The markers are HTML comments, so they do not show when the markdown is rendered. A missing, repeated or nested
/// marker is refused with a message naming the file and line: guessing where a table belongs could overwrite prose.
/// Every file is written with <see cref="AtomicFile"/>, so a failed write leaves the old chapter as it was.
/// </remarks>
internal static class ResultsDoc
{
    /// <summary>The folder under docs/ that holds the figures the chapters show.</summary>
    public const string FiguresFolder = "figures";

    private const string StartPrefix = "<!-- generated:";
    private const string EndPrefix = "<!-- /generated:";
    private const string MarkerSuffix = " -->";

    /// <summary>The line that opens the block <paramref name="name"/>.</summary>
    public static string StartMarker(string name) => StartPrefix + name + MarkerSuffix;

    /// <summary>The line that closes the block <paramref name="name"/>.</summary>
    public static string EndMarker(string name) => EndPrefix + name + MarkerSuffix;

    /// <summary>
    /// The machine a timing was taken on, as a reader needs it to weigh the number: its logical cores and the 1-minute
    /// load average (Linux; "not known" elsewhere) when the text is written, e.g. "2 logical cores, load average 1.95".
    /// </summary>
    public static string Machine() => $"{Environment.ProcessorCount} logical cores, load average {LoadAverage()}";

    /// <summary>The processor's model name (Linux: /proc/cpuinfo), else its architecture, e.g. "AMD EPYC 9R45" or "Arm64".</summary>
    public static string Processor()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is int colon and > 0)
                        return line[(colon + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>The 1-minute load average from /proc/loadavg, or "not known" where there is none.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "not known";
        }
        catch (IOException)
        {
            return "not known";
        }
    }

    /// <summary>docs/ under the first ancestor of <paramref name="start"/> holding Engine.sln, or null.</summary>
    public static string? LocateDocs(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
                return Path.Combine(dir.FullName, "docs");
        }
        return null;
    }

    /// <summary>
    /// The document with the lines between the markers of block <paramref name="name"/> replaced by
    /// <paramref name="content"/> (set off by blank lines, so tables and images render as blocks of their own).
    /// </summary>
    /// <param name="document">The markdown text ("\n" or "\r\n" line ends; the result uses "\n").</param>
    /// <param name="name">Block name: lower-case letters, digits and '-'.</param>
    /// <param name="content">The new markdown of the block; it must not contain generated-block markers itself.</param>
    /// <param name="what">The file name, for error messages.</param>
    /// <exception cref="ArgumentException">A bad block name, or content that holds markers.</exception>
    /// <exception cref="InvalidDataException">The markers are missing, repeated, out of order or nested.</exception>
    public static string ReplaceBlock(string document, string name, string content, string what)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(content);
        CheckName(name);
        if (content.Contains(StartPrefix, StringComparison.Ordinal) || content.Contains(EndPrefix, StringComparison.Ordinal))
            throw new ArgumentException($"ResultsDoc: the content for block '{name}' of {what} contains a generated-block marker.", nameof(content));

        var lines = document.Replace("\r\n", "\n").Split('\n');
        int start = Single(lines, StartMarker(name), name, what);
        int end = Single(lines, EndMarker(name), name, what);
        if (start < 0 || end < 0)
            throw new InvalidDataException($"{what}: block '{name}' needs the lines '{StartMarker(name)}' and "
                + $"'{EndMarker(name)}'; {(start < 0 ? "the first" : "the second")} is missing.");
        if (end < start)
            throw new InvalidDataException($"{what}: block '{name}' closes on line {end + 1} before it opens on line {start + 1}.");
        for (int i = start + 1; i < end; i++)
        {
            if (IsMarker(lines[i]))
                throw new InvalidDataException($"{what}: block '{name}' (lines {start + 1}-{end + 1}) holds another marker on "
                    + $"line {i + 1} ('{lines[i].Trim()}'); nested blocks are not allowed.");
        }

        var result = new StringBuilder();
        foreach (string line in lines.AsSpan(0, start + 1)) result.Append(line).Append('\n');
        string body = content.Replace("\r\n", "\n").Trim('\n');
        result.Append('\n');
        if (body.Length > 0) result.Append(body).Append("\n\n");
        result.AppendJoin('\n', lines[end..]);
        return result.ToString();
    }

    /// <summary>Replaces block <paramref name="name"/> of the markdown file <paramref name="path"/>, atomically.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The markers are missing, repeated, out of order or nested.</exception>
    public static void WriteBlock(string path, string name, string content)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ResultsDoc: {path} does not exist.", path);
        string updated = ReplaceBlock(File.ReadAllText(path), name, content, path);
        AtomicFile.WriteText(path, w => w.Write(updated));
    }

    /// <summary>
    /// Copies a figure (PNG or SVG) to docs/figures/<paramref name="targetName"/>, atomically; returns the link to it
    /// relative to docs/ ("figures/NAME").
    /// </summary>
    public static string CopyFigure(string docsDirectory, string sourcePath, string targetName)
    {
        string extension = Path.GetExtension(targetName).ToLowerInvariant();
        if (extension is not (".png" or ".svg") || Path.GetFileName(targetName) != targetName)
            throw new ArgumentException($"ResultsDoc: a figure is a .png or .svg file name without folders, got '{targetName}'.", nameof(targetName));
        string folder = Path.Combine(docsDirectory, FiguresFolder);
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllBytes(Path.Combine(folder, targetName), File.ReadAllBytes(sourcePath));
        return FiguresFolder + "/" + targetName;
    }

    /// <summary>The chapter that shows each command on data other than the book's: the worked examples.</summary>
    public const string OwnDataChapter = "10-bring-your-own-data.md";

    /// <summary>Where the worked examples of <see cref="OwnDataChapter"/> live, relative to the repository root.</summary>
    public const string ExamplesFolder = "Demo/data/examples";

    /// <summary>
    /// With --write-docs, for a run whose data may be the user's own: a run on the book's data for this chapter
    /// (<paramref name="isChapterData"/>: Fashion-MNIST, TREC, KDD'99) writes block <paramref name="block"/> of
    /// <paramref name="chapter"/>; a run on a worked example (<paramref name="dataPath"/> under
    /// <see cref="ExamplesFolder"/>) writes block <paramref name="ownBlock"/> of <see cref="OwnDataChapter"/>; any
    /// other data writes nothing and says so, so a user's --write-docs never puts their results in place of the book's.
    /// </summary>
    public static void PublishFor(RunContext context, bool isChapterData, string? dataPath, string ownBlock,
        string chapter, string block, string markdown, params (string Path, string Caption)[] figures)
    {
        if (isChapterData)
        {
            Publish(context, chapter, block, markdown, figures);
            return;
        }
        if (!context.WriteDocs) return;
        if (IsWorkedExample(dataPath))
        {
            Publish(context, OwnDataChapter, ownBlock, markdown, figures);
            return;
        }
        context.Out.Line($"docs/{chapter} left as it is: it shows the book's data, and this run used data of your own "
            + $"(--write-docs writes docs/{OwnDataChapter} only for the worked examples in {ExamplesFolder}/).");
    }

    /// <summary>Whether <paramref name="path"/> is a file or folder under the repository's <see cref="ExamplesFolder"/>.</summary>
    public static bool IsWorkedExample(string? path)
    {
        if (string.IsNullOrEmpty(path)) return false;
        string? docs = LocateDocs(Directory.GetCurrentDirectory());
        if (docs is null) return false;
        string examples = Path.GetFullPath(Path.Combine(docs, "..", ExamplesFolder)) + Path.DirectorySeparatorChar;
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) full += Path.DirectorySeparatorChar;
        return full.StartsWith(examples, StringComparison.Ordinal);
    }

    /// <summary>
    /// With --write-docs: writes <paramref name="markdown"/>, the figures (as images under it) and a line saying which
    /// command produced them into block <paramref name="block"/> of docs/<paramref name="chapter"/>. Without it, says
    /// how to ask for that. Figure files are named after the block (docs/figures/BLOCK-FILE unless FILE starts with it).
    /// </summary>
    public static void Publish(RunContext context, string chapter, string block, string markdown,
        params (string Path, string Caption)[] figures)
    {
        if (context.WriteDocs && context.Cancellation.IsCancellationRequested)
        {
            context.Out.Line($"docs/{chapter} left as it is: the run was interrupted, so its figures are not the chapter's.");
            return;
        }
        if (!context.WriteDocs)
        {
            context.Out.Line($"docs/{chapter} left as it is (add --write-docs to put these results into its block '{block}').");
            return;
        }
        string? docs = LocateDocs(Directory.GetCurrentDirectory());
        if (docs is null)
        {
            context.Out.Line($"--write-docs: no Engine.sln above {Directory.GetCurrentDirectory()}, so docs/{chapter} was not written.");
            return;
        }
        string path = Path.Combine(docs, chapter);
        if (!File.Exists(path)) throw new FileNotFoundException($"--write-docs: {path} does not exist.", path);

        var body = new StringBuilder(markdown.TrimEnd()).Append("\n\n");
        var copies = new List<(string Source, string Target)>();
        foreach (var (source, caption) in figures)
        {
            string file = Path.GetFileName(source);
            string target = file.StartsWith(block + "-", StringComparison.Ordinal) ? file : $"{block}-{file}";
            copies.Add((source, target));
            body.Append($"![{caption}]({FiguresFolder}/{target})\n\n");
        }
        body.Append($"Generated by `{CommandLine()}` on {DateTime.UtcNow:yyyy-MM-dd} ({Processor()}, {Machine()}, "
            + $"kernels on the {Engine.Kernels.KernelInfo.SimdPath} path).");
        // Check the chapter's markers before touching any file, so a refusal changes nothing.
        string updated = ReplaceBlock(File.ReadAllText(path), block, body.ToString(), path);
        foreach (var (source, target) in copies) CopyFigure(docs, source, target);
        AtomicFile.WriteText(path, w => w.Write(updated));
        context.Out.Line($"wrote block '{block}' of {path}" + (copies.Count > 0 ? $" and {copies.Count} figure(s) in {FiguresFolder}/" : ""));
    }

    // The command as a reader would type it again: the process's own arguments, quoted where needed, without the
    // options that only say where files go (--out, --json), which do not change the results.
    private static string CommandLine()
    {
        var args = new List<string>();
        string[] given = Environment.GetCommandLineArgs();
        for (int i = 1; i < given.Length; i++)
        {
            if (given[i] is "--out" or "--json") i++;
            else if (!given[i].StartsWith("--out=", StringComparison.Ordinal) && !given[i].StartsWith("--json=", StringComparison.Ordinal))
                args.Add(given[i].Contains(' ') ? $"\"{given[i]}\"" : given[i]);
        }
        return "dotnet run -c Release --project Demo -- " + string.Join(' ', args);
    }

    private static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            throw new ArgumentException($"ResultsDoc: block name '{name}' may hold only lower-case letters, digits and '-'.", nameof(name));
    }

    private static bool IsMarker(string line)
    {
        string trimmed = line.Trim();
        return (trimmed.StartsWith(StartPrefix, StringComparison.Ordinal) || trimmed.StartsWith(EndPrefix, StringComparison.Ordinal))
            && trimmed.EndsWith(MarkerSuffix, StringComparison.Ordinal);
    }

    // The index of the one line equal to marker (ignoring surrounding spaces), -1 if none; twice is an error.
    private static int Single(string[] lines, string marker, string name, string what)
    {
        int found = -1;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != marker) continue;
            if (found >= 0)
                throw new InvalidDataException($"{what}: '{marker}' appears twice (lines {found + 1} and {i + 1}); block '{name}' must be unique.");
            found = i;
        }
        return found;
    }
}
