using System.Globalization;
using Engine.Data;
using Engine.Text;

namespace Demo.Datasets;

/// <summary>How the user's sentences are read and tested: the options of `text` that go with --data FILE.</summary>
/// <param name="Test">--test FILE: a second file of labelled sentences to score on.</param>
/// <param name="Folds">--folds K: stratified K-fold cross-validation of the --data file.</param>
/// <param name="TextColumn">--text-column: the text column of a CSV/TSV table with a header.</param>
/// <param name="LabelColumn">--label-column: its label column.</param>
internal sealed record TextDataOptions(string? Test = null, int? Folds = null, string? TextColumn = null, string? LabelColumn = null)
{
    /// <summary>No option given: TREC, or a user file with the default hold-out.</summary>
    public static TextDataOptions None { get; } = new();

    /// <summary>The option names that were given, for messages.</summary>
    public IEnumerable<string> Given()
    {
        if (Test is not null) yield return "--test";
        if (Folds is not null) yield return "--folds";
        if (TextColumn is not null) yield return "--text-column";
        if (LabelColumn is not null) yield return "--label-column";
    }
}

/// <summary>
/// The sentences of a `text` or `word2vec` run: TREC (a folder with its two files, the download cache, or the
/// synthetic stand-in; <see cref="TrecData"/>, which keeps TREC's Latin-1 reader), or the user's file of labelled
/// sentences (<see cref="LabeledSentences"/>, UTF-8), tested on --test FILE, by --folds K cross-validation, or on
/// a stratified, seeded hold-out share of the file.
/// </summary>
internal static class TextData
{
    /// <summary>The share of a user's file held out for testing when neither --test nor --folds is given.</summary>
    public const double HoldoutShare = 0.2;

    /// <summary>
    /// Reads the run's sentences and checks everything about them before any training: a file with at least two
    /// classes, --folds no larger than the smallest class, a --test file whose labels the training file has.
    /// <paramref name="pooled"/> (for `text --search` and `word2vec`, which hold out nothing or their own share) puts
    /// every sentence of a user's file in the training part.
    /// </summary>
    /// <exception cref="ArgumentException">An option that does not fit the data (the message names it and the value).</exception>
    /// <exception cref="InvalidDataException">The file cannot be read as labelled sentences (the message names file and line).</exception>
    public static Corpus Load(RunContext context, TextDataOptions options, bool download, bool pooled = false)
    {
        string? path = context.DataPath;
        if (path is null || Directory.Exists(path))
        {
            if (options.Given().FirstOrDefault() is string option)
                throw new ArgumentException($"{option} applies to --data FILE (your own labelled sentences); "
                    + (path is null ? "without --data the run uses TREC" : $"--data {path} is a folder, read as TREC")
                    + ", which has its own test file.");
            return TrecData.Load(context, download);
        }

        var all = LabeledSentences.Read(path, options.TextColumn, options.LabelColumn);
        if (all.LabelNames.Count < 2)
            throw new InvalidDataException($"{path}: every one of its {all.Count:N0} sentences has the label '{all.LabelNames[0]}'; "
                + "a classifier needs at least two classes.");
        var c = CultureInfo.InvariantCulture;
        string classes = $"{all.LabelNames.Count} classes ({List(all.LabelNames)})";
        var questions = ToQuestions(all);
        if (pooled)
        {
            return User(new QuestionSplit(questions, [], path), all.LabelNames, path,
                $"{path}: {all.Count:N0} labelled sentences, {classes}", "every sentence of the file in the training part");
        }
        if (options.Test is string testPath)
        {
            var test = LabeledSentences.Read(testPath, options.TextColumn, options.LabelColumn).WithLabels(all.LabelNames);
            return User(new QuestionSplit(questions, ToQuestions(test), path), all.LabelNames, path,
                $"{path}: {all.Count:N0} training sentences, {classes}; {test.Count:N0} test sentences from --test {testPath}",
                $"trained on {path}, scored on --test {testPath}");
        }
        if (options.Folds is int k)
        {
            var (smallest, size) = all.LabelNames.Select((n, i) => (n, all.Labels.Count(l => l == i))).MinBy(t => t.Item2);
            if (k > size)
                throw new ArgumentException($"--folds {k}: the smallest class of {path}, '{smallest}', has {size} sentence{(size == 1 ? "" : "s")}, "
                    + $"and every fold needs one of each class; K can be 2 to {size} for this file"
                    + (size < 2 ? " (so none: give --test FILE, or add sentences of that class)." : "."));
            var folds = StratifiedSplit.KFold(all.Labels, k, context.Seed);
            var splits = folds.Select(fold => new QuestionSplit(
                StratifiedSplit.Complement(all.Count, fold).Select(i => questions[i]).ToArray(),
                fold.Select(i => questions[i]).ToArray(), path)).ToArray();
            string evaluation = string.Create(c, $"stratified {k}-fold cross-validation of {path} (seed {context.Seed}): every row is trained "
                + $"{k} times, once without each fold, and scored on that fold; mean ± standard deviation over the folds");
            return User(splits[0], all.LabelNames, path, $"{path}: {all.Count:N0} labelled sentences, {classes}", evaluation) with
            {
                Splits = splits, Folds = k,
            };
        }
        var (kept, heldOut) = StratifiedSplit.Holdout(all.Labels, HoldoutShare, context.Seed);
        if (heldOut.Length == 0)
            throw new ArgumentException($"{path}: no class has two sentences, so none can be held out for testing; give --test FILE.");
        return User(new QuestionSplit(kept.Select(i => questions[i]).ToArray(), heldOut.Select(i => questions[i]).ToArray(), path),
            all.LabelNames, path, $"{path}: {all.Count:N0} labelled sentences, {classes}",
            string.Create(c, $"a stratified fifth of {path} held out for testing (seed {context.Seed}): {kept.Length:N0} training, "
                + $"{heldOut.Length:N0} test sentences (--test FILE or --folds K to test otherwise)"));
    }

    // The class names as a reader sees them: the first twelve, then how many more.
    private static string List(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(12)) + (names.Count > 12 ? $" and {names.Count - 12} more" : "");

    private static Corpus User(QuestionSplit split, IReadOnlyList<string> classes, string path, string description, string evaluation) =>
        new(split, description, IsSynthetic: false)
        {
            Classes = classes, DataPath = path, Evaluation = evaluation, Noun = "sentences",
        };

    // The user's sentences in the shape the text rows take; the fine label is TREC's only.
    private static LabeledQuestion[] ToQuestions(LabeledSentences sentences) =>
        sentences.Texts.Select((t, i) => new LabeledQuestion(t, sentences.LabelNames[sentences.Labels[i]], "")).ToArray();
}
