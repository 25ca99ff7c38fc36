namespace Engine.Data.Tables;

/// <summary>The label column of a <see cref="Table"/>: one label per row, kept as text (any label set).</summary>
/// <param name="Name">Header name, or "column N".</param>
/// <param name="Number">1-based position in the file.</param>
/// <param name="Codes">Label code of each row, an index into <paramref name="Names"/>.</param>
/// <param name="Names">The distinct labels in order of first appearance.</param>
public sealed record TableLabels(string Name, int Number, int[] Codes, IReadOnlyList<string> Names)
{
    /// <summary>
    /// For each row, whether its label is <paramref name="normal"/> (compared exactly, as text).
    /// </summary>
    /// <exception cref="ArgumentException">No row has that label; the message lists the labels there are.</exception>
    public bool[] IsNormal(string normal)
    {
        ArgumentNullException.ThrowIfNull(normal);
        int code = Names.ToList().IndexOf(normal);
        if (code < 0)
            throw new ArgumentException($"the label column {Describe()} has no row labelled '{normal}'; its labels are {List(Names)}.");
        return Codes.Select(c => c == code).ToArray();
    }

    /// <summary>"label (column 42)" or "column 42".</summary>
    public string Describe() => Name == $"column {Number}" ? Name : $"{Name} (column {Number})";

    internal static string List(IReadOnlyList<string> values, int shown = 12) =>
        string.Join(", ", values.Take(shown).Select(v => $"'{v}'")) + (values.Count > shown ? $" and {values.Count - shown} more" : "");
}
