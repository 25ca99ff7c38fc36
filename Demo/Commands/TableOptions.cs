using System.CommandLine;
using System.CommandLine.Parsing;
using Engine.Data.Tables;

namespace Demo.Commands;

/// <summary>
/// The options of `anomaly` that describe a user's table (--train, --test, the column roles, how to read and scale it,
/// --scores), their checks, and the settings they make.
/// </summary>
internal sealed class TableOptions
{
    public Option<string?> Train { get; } = new("--train")
    {
        Description = "A table to train on: CSV or TSV (gzip allowed), one row per record. Without --test its normal rows are split 60/20/20 (train, threshold, test) and every anomaly is scored with the test rows.",
    };

    public Option<string?> Test { get; } = new("--test") { Description = "A second table to score with the model trained on --train (or loaded with --load)." };

    public Option<string?> LabelColumn { get; } = new("--label-column")
    {
        Description = "The column holding each row's label: its number (from 1) or header name. Without it the rows are unlabelled.",
    };

    public Option<string?> Normal { get; } = new("--normal") { Description = "The label that means normal; every other label is an anomaly." };

    public Option<string?> DropColumns { get; } = new("--drop-columns")
    {
        Description = "Columns the model must not see (identifiers, free text), comma-separated numbers or names.",
    };

    public Option<string?> Categorical { get; } = new("--categorical")
    {
        Description = "Columns of numbers that are categories (codes), comma-separated; text columns are categorical anyway.",
    };

    public Option<string?> Header { get; } = new("--header") { Description = "yes or no: whether the first line names the columns (default: detected)." };

    public Option<string?> Separator { get; } = new("--separator")
    {
        Description = "The field separator: comma, tab, semicolon, pipe or one character (default: detected from the first lines).",
    };

    public Option<string> Scaling { get; } = new("--scaling")
    {
        Description = "min-max (default) or standard: how numeric columns are scaled, fitted on the normal training rows.",
        DefaultValueFactory = _ => "min-max",
    };

    public Option<string?> Scores { get; } = new("--scores")
    {
        Description = "Write one CSV line per scored row: its row number in its file, its score, 0/1 for flagged, and its label if it has one.",
    };

    public IEnumerable<Option> All => [Train, Test, LabelColumn, Normal, DropColumns, Categorical, Header, Separator, Scaling, Scores];

    /// <summary>
    /// Whether the run is about a user's table rather than the KDD case study: any of these options given on the
    /// command line (one definition, used by the command's validator and its action alike, so no table option is
    /// ever silently ignored by a KDD run).
    /// </summary>
    public bool Given(CommandResult command) => All.Any(o => command.GetResult(o) is { Implicit: false });

    /// <summary>The settings of a run; <paramref name="train"/> is --train, or --data when it names a file.</summary>
    /// <exception cref="ArgumentException">A value is not one the option accepts, or a file does not exist.</exception>
    public TableAnomalySettings Settings(ParseResult parse, string? train, bool loading)
    {
        string? test = parse.GetValue(Test);
        if (train is null && !(loading && test is not null))
            throw new ArgumentException("--train FILE: name the table to train on (or --load MODEL --test FILE to score one).");
        foreach (var (option, path) in new[] { ("--train", train), ("--test", test) })
        {
            if (path is null) continue;
            if (Directory.Exists(path)) throw new ArgumentException($"{option} {path}: a folder; give one CSV or TSV file.");
            if (!File.Exists(path)) throw new ArgumentException($"{option} {path}: no such file.");
        }
        return new TableAnomalySettings(
            train ?? test!, test, parse.GetValue(LabelColumn), parse.GetValue(Normal), List(parse.GetValue(DropColumns)),
            List(parse.GetValue(Categorical)),
            parse.GetValue(Header) switch
            {
                null => null,
                "yes" => true,
                "no" => false,
                var other => throw new ArgumentException($"--header must be yes or no, got '{other}'."),
            },
            SeparatorChar(parse.GetValue(Separator)),
            parse.GetValue(Scaling) switch
            {
                "min-max" => FeatureScaling.MinMax,
                "standard" => FeatureScaling.Standard,
                var other => throw new ArgumentException($"--scaling must be min-max or standard, got '{other}'."),
            },
            parse.GetValue(Scores));
    }

    private static IReadOnlyList<string> List(string? text) =>
        text is null ? [] : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static char? SeparatorChar(string? text) => text switch
    {
        null => null,
        "comma" => ',',
        "tab" or "\\t" => '\t',
        "semicolon" => ';',
        "pipe" => '|',
        { Length: 1 } c when c[0] is not '"' and not '\n' and not '\r' => c[0],
        _ => throw new ArgumentException($"--separator must be comma, tab, semicolon, pipe or one character (not a quote or line break), got '{text}'."),
    };
}
