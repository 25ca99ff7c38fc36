using Engine.Training;

namespace Demo.Report;

/// <summary>A titled part of the report: what one command (or one part of the tour) found.</summary>
internal sealed class ReportSection(string title)
{
    public string Title { get; } = title;

    public List<object> Items { get; } = [];
}

/// <summary>A paragraph of plain text; a bullet-list item when <paramref name="Item"/> is its nesting level (0, 1).</summary>
internal sealed record Paragraph(string Text, int? Item = null);

/// <summary>A table: a header row and body rows of cells (plain text).</summary>
internal sealed record Table(string? Caption, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// A figure: a chart (inline SVG in the page, and FILE.svg and the same stem .png beside it) or a picture (a PNG already written to
/// FILE, embedded as a data URI).
/// </summary>
internal sealed record Figure(string File, string Caption, IChart? Chart, byte[]? Png);

/// <summary>
/// What a run found, in the order it found it: sections of paragraphs, tables, charts and pictures. Commands add to
/// the current section (each console heading starts one); <see cref="HtmlReport"/> writes it as OUT/report.html.
/// </summary>
internal sealed class RunReport(string title)
{
    private readonly HashSet<string> _files = new(StringComparer.OrdinalIgnoreCase);

    public string Title { get; } = title;

    public List<ReportSection> Sections { get; } = [];

    /// <summary>What a reader must know before any figure (e.g. that the run was interrupted), shown at the top.</summary>
    public List<string> Notices { get; } = [];

    /// <summary>The section being written; a run that never printed a heading gets one named after the report.</summary>
    public ReportSection Current => Sections.Count > 0 ? Sections[^1] : Begin(Title);

    public ReportSection Begin(string title)
    {
        var section = new ReportSection(title);
        Sections.Add(section);
        return section;
    }

    public void Text(string text) => Current.Items.Add(new Paragraph(text));

    public void Add(Table table) => Current.Items.Add(table);

    /// <summary>
    /// Adds a chart; returns the .svg file name it will be written under, made unique within the run together with
    /// the .png of the same stem.
    /// </summary>
    public string Chart(string file, string caption, IChart chart)
    {
        string unique = Unique(Path.GetFileNameWithoutExtension(file));
        Current.Items.Add(new Figure(unique, caption, chart, null));
        return unique;
    }

    public void Picture(string file, string caption, byte[] png)
    {
        _files.Add(file);
        Current.Items.Add(new Figure(file, caption, null, png));
    }

    /// <summary>
    /// Training (and validation, if measured) loss per epoch of one model; <paramref name="lossName"/> says what the
    /// loss is and in which unit. When the last epoch was cut short (Ctrl+C), <paramref name="partialFraction"/> is
    /// the share of its batches that ran: its point is drawn at that fraction of the epoch and the caption says so.
    /// </summary>
    public void LossChart(string model, IReadOnlyList<EpochReport> epochs, string lossName = "loss", double? partialFraction = null)
    {
        if (epochs.Count == 0) return;
        double[] x = epochs.Select((e, i) => i == epochs.Count - 1 && partialFraction is double f ? e.Epoch + f : e.Epoch + 1.0).ToArray();
        var series = new List<Series> { new("training", x, epochs.Select(e => (double)e.TrainLoss).ToArray(), Markers: epochs.Count < 30) };
        if (epochs.Any(e => e.ValidationLoss is not null))
            series.Add(new("validation", x, epochs.Select(e => (double)(e.ValidationLoss ?? float.NaN)).ToArray(),
                Markers: epochs.Count < 30, Dashed: true));
        string partial = partialFraction is double p
            ? $" The last point is a partial epoch (interrupted after {p * 100:0}% of its batches), drawn at epoch {x[^1]:0.##}; its loss is the mean over the batches that ran."
            : "";
        Chart($"loss-{Slug(model)}", $"{model}: {lossName} per epoch (mean over the epoch's batches).{partial}",
            new LineChart($"{model}: training loss per epoch", partialFraction is null ? "epoch (passes over the training set)" : "epoch (passes over the training set; the last one partial)", lossName, series)
            {
                XTicks = epochs.Count <= 12 ? epochs.Select(e => e.Epoch + 1.0).ToArray() : null,
            });
    }

    /// <summary>
    /// Adds markdown as it is printed on the console: runs of lines starting with '|' become tables (the
    /// separator row dropped, ** marks removed), lines starting with "- " list items (indented: nested), other
    /// non-empty lines paragraphs.
    /// </summary>
    public void Markdown(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var paragraph = new List<string>();
        void FlushParagraph()
        {
            if (paragraph.Count > 0) Text(string.Join(' ', paragraph));
            paragraph.Clear();
        }
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.StartsWith("- ", StringComparison.Ordinal))
            {
                FlushParagraph();
                Current.Items.Add(new Paragraph(line[2..].Replace("**", "", StringComparison.Ordinal),
                    lines[i].Length - lines[i].TrimStart().Length > 0 ? 1 : 0));
                continue;
            }
            if (!line.StartsWith('|'))
            {
                if (line.Length == 0) FlushParagraph();
                else paragraph.Add(line.Replace("**", "", StringComparison.Ordinal));
                continue;
            }
            FlushParagraph();
            var rows = new List<IReadOnlyList<string>>();
            for (; i < lines.Length && lines[i].TrimStart().StartsWith('|'); i++)
            {
                var cells = lines[i].Trim().Trim('|').Split('|').Select(c => c.Trim().Replace("**", "", StringComparison.Ordinal)).ToList();
                if (cells.All(c => c.Length > 0 && c.All(ch => ch is '-' or ':'))) continue;
                rows.Add(cells);
            }
            i--;
            if (rows.Count > 0) Add(new Table(null, rows[0], rows.Skip(1).ToList()));
        }
        FlushParagraph();
    }

    public static string Slug(string text)
    {
        var chars = text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        string slug = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return slug.Length == 0 ? "figure" : slug;
    }

    // The first "stem.svg" (then "stem-2.svg", ...) whose .svg and .png names are both still free; reserves both.
    private string Unique(string stem)
    {
        string name = stem;
        for (int i = 2; _files.Contains(name + ".svg") || _files.Contains(name + ".png"); i++) name = $"{stem}-{i}";
        _files.Add(name + ".png");
        _files.Add(name + ".svg");
        return name + ".svg";
    }
}
