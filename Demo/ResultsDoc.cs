using System.Text;

namespace Demo;

/// <summary>
/// Keeps docs/results.md up to date from demo runs: each command owns one "## " section and replaces it in place,
/// leaving every other section as it was.
/// </summary>
internal static class ResultsDoc
{
    public const string FileName = "results.md";

    /// <summary>
    /// Replaces (or appends) the section that starts with the line <paramref name="heading"/> (e.g.
    /// "## Anomaly detection (KDD Cup 1999)") and runs to the next heading of the same or a higher level.
    /// The file is docs/results.md of the repository found by walking up from the current directory to Engine.sln;
    /// outside the repository it is <paramref name="fallbackDirectory"/>/results.md. Returns the path written.
    /// </summary>
    public static string WriteSection(string heading, string markdown, string fallbackDirectory = "out")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(heading);
        ArgumentNullException.ThrowIfNull(markdown);
        int level = heading.TakeWhile(c => c == '#').Count();
        if (level == 0) throw new ArgumentException($"ResultsDoc.WriteSection: '{heading}' is not a markdown heading.", nameof(heading));
        string path = Locate(Directory.GetCurrentDirectory()) ?? Path.Combine(fallbackDirectory, FileName);
        string existing = File.Exists(path) ? File.ReadAllText(path) : "# Results\n";
        string updated = Replace(existing, heading.Trim(), level, markdown.TrimEnd() + "\n");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // write to a temporary file and rename, so a crash never leaves half a document
        string temp = path + ".tmp";
        File.WriteAllText(temp, updated);
        File.Move(temp, path, overwrite: true);
        return path;
    }

    /// <summary>docs/results.md under the first ancestor of <paramref name="start"/> holding Engine.sln, or null.</summary>
    public static string? Locate(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
                return Path.Combine(dir.FullName, "docs", FileName);
        }
        return null;
    }

    /// <summary>The document with the section under <paramref name="heading"/> replaced by heading + body.</summary>
    public static string Replace(string document, string heading, int level, string body)
    {
        var lines = document.Replace("\r\n", "\n").Split('\n').ToList();
        int start = lines.FindIndex(l => l.TrimEnd() == heading);
        var section = new StringBuilder().Append(heading).Append("\n\n").Append(body);
        if (start < 0)
        {
            string head = document.TrimEnd();
            return (head.Length == 0 ? "" : head + "\n\n") + section;
        }
        int end = start + 1;
        while (end < lines.Count && !IsHeadingAtOrAbove(lines[end], level)) end++;
        string before = string.Join('\n', lines.Take(start));
        string after = string.Join('\n', lines.Skip(end));
        var result = new StringBuilder();
        if (before.Length > 0) result.Append(before).Append('\n');
        result.Append(section);
        if (after.Trim().Length > 0) result.Append('\n').Append(after);
        return result.ToString();
    }

    /// <summary>
    /// Replaces the lines between <c>&lt;!-- generated:NAME --&gt;</c> and <c>&lt;!-- /generated:NAME --&gt;</c> in
    /// the markdown file <paramref name="path"/> with <paramref name="content"/> (set off by blank lines), leaving the
    /// prose around the block alone; written to a temporary file and renamed.
    /// </summary>
    /// <exception cref="InvalidDataException">The file lacks one of the markers, has one twice, or has them in the wrong order.</exception>
    public static void WriteBlock(string path, string name, string content)
    {
        string start = $"<!-- generated:{name} -->", end = $"<!-- /generated:{name} -->";
        var lines = File.ReadAllText(path).Replace("\r\n", "\n").Split('\n');
        int first = Array.FindIndex(lines, l => l.Trim() == start), last = Array.FindIndex(lines, l => l.Trim() == end);
        if (first < 0 || last < first || Array.FindLastIndex(lines, l => l.Trim() == start) != first
            || Array.FindLastIndex(lines, l => l.Trim() == end) != last)
            throw new InvalidDataException($"{path}: block '{name}' needs exactly one '{start}' line followed by one '{end}' line.");
        string updated = string.Join('\n', lines[..(first + 1)]) + "\n\n" + content.Trim() + "\n\n" + string.Join('\n', lines[last..]);
        File.WriteAllText(path + ".tmp", updated);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static bool IsHeadingAtOrAbove(string line, int level)
    {
        int hashes = line.TakeWhile(c => c == '#').Count();
        return hashes >= 1 && hashes <= level && line.Length > hashes && line[hashes] == ' ';
    }
}
