using System.Text;

namespace Engine.Data;

/// <summary>
/// Reads the TREC question-classification files (<c>train_5500.label</c>, <c>TREC_10.label</c>; Li and Roth,
/// "Learning Question Classifiers", COLING 2002): one question per line as <c>COARSE:fine question tokens</c>.
/// </summary>
/// <remarks>
/// The files are read as Latin-1: they are ASCII except for one 0xF0 byte in <c>train_5500.label</c>, which
/// strict UTF-8 rejects and .NET's default reader would turn into U+FFFD. A line without a label, with a coarse
/// class outside the six, with an empty fine class or with no question is a <see cref="FormatException"/> naming
/// the file and the 1-based line number. A final newline does not make an extra line.
/// </remarks>
public static class Trec
{
    /// <summary>The six coarse classes.</summary>
    public static IReadOnlyList<string> CoarseClasses { get; } = ["ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"];

    /// <summary>Reads a TREC label file.</summary>
    /// <param name="path">File to read; also names the file in error messages.</param>
    /// <returns>The questions in file order.</returns>
    /// <exception cref="FormatException">A line is malformed.</exception>
    public static IReadOnlyList<TrecQuestion> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Read(stream, path);
    }

    /// <summary>Reads TREC questions from <paramref name="stream"/> (Latin-1 text) to its end.</summary>
    /// <param name="stream">Readable stream.</param>
    /// <param name="name">Name for error messages.</param>
    /// <returns>The questions in order.</returns>
    /// <exception cref="FormatException">A line is malformed.</exception>
    public static IReadOnlyList<TrecQuestion> Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        using var reader = new StreamReader(stream, Encoding.Latin1, detectEncodingFromByteOrderMarks: false,
            leaveOpen: true);
        var questions = new List<TrecQuestion>();
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
            questions.Add(ParseLine(line, name, ++lineNumber));
        return questions;
    }

    /// <summary>Parses one line "COARSE:fine question tokens".</summary>
    /// <param name="line">The line without its newline.</param>
    /// <param name="name">File name for error messages.</param>
    /// <param name="lineNumber">1-based line number for error messages.</param>
    /// <returns>The question.</returns>
    /// <exception cref="FormatException">The line is malformed.</exception>
    public static TrecQuestion ParseLine(string line, string name, int lineNumber)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(name);
        int space = line.IndexOf(' ');
        if (space < 0)
            throw Error(name, lineNumber, line, "expected \"COARSE:fine question\", found no space after the label");
        var label = line.AsSpan(0, space);
        string text = line[(space + 1)..].Trim();
        int colon = label.IndexOf(':');
        if (colon < 0)
            throw Error(name, lineNumber, line, "the label has no ':' between the coarse and fine class");
        string coarse = label[..colon].ToString();
        var fine = label[(colon + 1)..];
        if (!CoarseClasses.Contains(coarse))
            throw Error(name, lineNumber, line,
                $"the coarse class \"{coarse}\" is not one of {string.Join(", ", CoarseClasses)}");
        if (fine.IsEmpty || fine.Contains(':'))
            throw Error(name, lineNumber, line, $"the fine class \"{fine}\" is empty or contains ':'");
        // TREC's fine classes are lower-case words ("manner", "dismed"); anything else (a tab or a non-breaking
        // space instead of the space after the label, punctuation) would load as a class nobody asked for.
        int bad = fine.IndexOfAnyExceptInRange('a', 'z');
        if (bad >= 0)
            throw Error(name, lineNumber, line,
                $"the fine class \"{fine}\" holds U+{(int)fine[bad]:X4} at column {space - fine.Length + bad + 1}; fine classes are " +
                "lower-case letters, and the label is followed by one ordinary space");
        if (text.Length == 0)
            throw Error(name, lineNumber, line, "the question text is empty");
        return new TrecQuestion(coarse, fine.ToString(), text);
    }

    private static FormatException Error(string name, int lineNumber, string line, string problem)
    {
        string shown = line.Length <= 60 ? line : line[..60] + "…";
        return new FormatException($"{name}: line {lineNumber}: {problem} (line: \"{shown}\").");
    }
}
