using System.Diagnostics;
using System.Globalization;
using System.Text;
using Demo.Datasets;
using Engine.Data;
using Engine.Models;
using Engine.Text;

namespace Demo.Commands;

/// <summary>
/// `text --search`: the LSTM autoencoder recipes that the literature tries, compared on VALIDATION sentences only: a
/// stratified tenth of the training questions (or of the user's --data file) is held out, every recipe (and mean Word2Vec, the bar to reach) is
/// trained on the other nine tenths, and the same logistic regression is fitted there and scored on the held-out
/// tenth. The test questions are not read. The recipe that wins here becomes the `text` command's LSTM row.
/// </summary>
internal static class TextSearch
{
    /// <summary>The chapter block this search writes with --write-docs.</summary>
    public const string Block = "text-recipe-search";

    /// <summary>Seed of the validation split (not a training seed, so --seed does not move it).</summary>
    public const int SplitSeed = 2015;

    /// <summary>The recipes compared, in the order of the table.</summary>
    public static IReadOnlyList<LstmRecipe> Candidates { get; } =
    [
        LstmRecipe.Plain,
        LstmRecipe.Plain with { Name = "final states, word dropout", WordDropout = 0.25f },
        LstmRecipe.Plain with { Name = "mean+max", Pooling = LstmPooling.MeanMax },
        LstmRecipe.Plain with { Name = "mean+max, word dropout", Pooling = LstmPooling.MeanMax, WordDropout = 0.25f },
        LstmRecipe.Plain with { Name = "mean+max, Word2Vec init", Pooling = LstmPooling.MeanMax, Embedding = 100, Word2VecInit = true },
        LstmRecipe.Plain with
        {
            Name = "mean+max, Word2Vec init, word dropout", Pooling = LstmPooling.MeanMax, Embedding = 100, Word2VecInit = true,
            WordDropout = 0.25f,
        },
        LstmRecipe.Plain with
        {
            Name = "mean+max, Word2Vec init, word dropout, 30 epochs cosine", Pooling = LstmPooling.MeanMax, Embedding = 100,
            Word2VecInit = true, WordDropout = 0.25f, Epochs = 30, Cosine = true,
        },
        LstmRecipe.Plain with { Name = "final states, z + mean embedding", WithEmbeddings = true },
        LstmRecipe.Plain with
        {
            Name = "mean+max, Word2Vec init, z + mean embedding", Pooling = LstmPooling.MeanMax, Embedding = 100,
            Word2VecInit = true, WithEmbeddings = true,
        },
        LstmRecipe.Plain with
        {
            Name = "mean+max, Word2Vec init, z + mean embedding, 30 epochs cosine", Pooling = LstmPooling.MeanMax,
            Embedding = 100, Word2VecInit = true, WithEmbeddings = true, Epochs = 30, Cosine = true,
        },
    ];

    /// <summary>
    /// The recipe the search chose on TREC's validation questions (chapter 7's block "text-recipe-search"): the
    /// highest mean validation accuracy over 5 seeds. The `text` comparison trains it as a row of its own and reports
    /// it on the test questions, which the choice never read.
    /// </summary>
    public static LstmRecipe Chosen => Candidates.Single(c => c.Name == "mean+max, Word2Vec init, z + mean embedding");

    public static void Run(RunContext context, int runs, string? only, TextDataOptions? data = null)
    {
        var candidates = Select(only);
        context.Out.Heading("Choosing the LSTM autoencoder's recipe on validation sentences");
        // A user's file is pooled: the validation tenth comes out of all of it, and nothing else is held out.
        var corpus = TextData.Load(context, data ?? TextDataOptions.None, download: true, pooled: true);
        var tokens = corpus.Split.Train.Select(q => (IReadOnlyList<string>)Tokenizer.Tokenize(q.Text)).ToList();
        int[] labels = corpus.Labels(corpus.Split.Train);
        var (fitRows, validationRows) = StratifiedSplit.Holdout(labels, 0.1, SplitSeed);
        var fit = fitRows.Select(i => tokens[i]).ToList();
        var validation = validationRows.Select(i => tokens[i]).ToList();
        int[] fitLabels = fitRows.Select(i => labels[i]).ToArray();
        int[] validationLabels = validationRows.Select(i => labels[i]).ToArray();
        if (validation.Count == 0)
            throw new ArgumentException($"--search: no class of {corpus.DataPath} has two sentences, so none can be held out for validation.");
        context.Out.Line($"validation: {validation.Count:N0} of the {tokens.Count:N0} training {corpus.Noun} (stratified, split seed {SplitSeed}); "
            + $"every learner trains on the other {fit.Count:N0}; no test {corpus.Noun} are used");
        var vocabulary = Vocabulary.Build(fit, minCount: 2);

        var seeds = Enumerable.Range(context.Seed, runs).ToArray();
        var word2vec = new List<double>();
        var vectors = new Dictionary<int, WordVectors>();
        foreach (int seed in seeds)
        {
            var options = Word2VecCommand.Settings(seed, context.Quick, null, null);
            var trained = Engine.Text.Word2VecTrainer.Train(fit, options).Vectors;
            vectors[seed] = trained;
            double accuracy = TextRows.Classify(context, "mean Word2Vec", new MeanWordVectorEncoder(trained), fit, fitLabels, validation, validationLabels,
                corpus.Classes.Count, out _);
            word2vec.Add(accuracy);
            context.Out.Line($"  mean Word2Vec, seed {seed}: validation accuracy {accuracy:P1}");
        }

        var results = new List<(LstmRecipe Recipe, List<double> Accuracy, double Seconds)>();
        foreach (var recipe in candidates)
        {
            var accuracies = new List<double>();
            var clock = Stopwatch.StartNew();
            foreach (int seed in seeds)
            {
                if (context.Cancellation.IsCancellationRequested) break;
                var model = recipe.Build(vocabulary, seed, recipe.Word2VecInit ? Word2VecAt(vectors[seed], recipe.Embedding, fit, seed, context) : null);
                var ids = fit.Select(model.ToIds).ToList();
                recipe.Train(model, ids, seed, context.Epochs ?? recipe.Epochs, context, reportEpochs: false);
                double accuracy = TextRows.Classify(context, recipe.Name, recipe.Encoder(model), fit, fitLabels, validation, validationLabels,
                    corpus.Classes.Count, out _);
                accuracies.Add(accuracy);
                context.Out.Line($"  {recipe.Name}, seed {seed}: validation accuracy {accuracy:P1} ({clock.Elapsed.TotalSeconds:F0} s so far)");
            }
            if (accuracies.Count == seeds.Length)
                results.Add((recipe with { Epochs = context.Epochs ?? recipe.Epochs }, accuracies, clock.Elapsed.TotalSeconds / seeds.Length));
        }

        string markdown = Table(corpus.Description, corpus.Noun, fit.Count, validation.Count, seeds, word2vec, results)
            + Coverage(candidates, results);
        context.Out.Line("");
        context.Out.Markdown(markdown);
        context.Report.Markdown(markdown);
        context.Results["command"] = "text --search";
        context.Results["data"] = corpus.DataPath ?? corpus.Split.Source;
        context.Results["classes"] = corpus.Classes.ToArray();
        context.Results["validation_size"] = validation.Count;
        context.Results["word2vec_validation_accuracy"] = word2vec.Average();
        foreach (var (recipe, accuracy, _) in results)
            context.Results[$"validation_accuracy {recipe.Name}"] = accuracy.Average();
        // Chapter 7's block shows the search on TREC; the search on other data is reported, never published.
        if (corpus.IsTrec && results.Count == candidates.Count)
            ResultsDoc.Publish(context, TextReport.TextChapter, Block, markdown);
        else if (context.WriteDocs)
            context.Out.Line($"docs/{TextReport.TextChapter} left as it is: its block '{Block}' shows a finished search on TREC"
                + (corpus.IsTrec ? ", and this run was stopped before every recipe had run." : ", and this run used other data."));
    }

    // Word2Vec vectors of the recipe's embedding size (the comparison row's 100 dimensions are reused when they fit).
    internal static WordVectors Word2VecAt(WordVectors trained, int dimensions, List<IReadOnlyList<string>> fit, int seed,
        RunContext context) =>
        trained.Dimensions == dimensions
            ? trained
            : Engine.Text.Word2VecTrainer.Train(fit, Word2VecCommand.Settings(seed, context.Quick, null, dimensions)).Vectors;

    private static List<LstmRecipe> Select(string? only)
    {
        if (only is null) return [.. Candidates];
        var names = only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var picked = new List<LstmRecipe>();
        foreach (string name in names)
        {
            var recipe = int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number >= 1 && number <= Candidates.Count
                ? Candidates[number - 1]
                : Candidates.FirstOrDefault(c => c.Name == name);
            picked.Add(recipe ?? throw new ArgumentException(
                $"--candidates: '{name}' is not a recipe; use 1 to {Candidates.Count} or one of: {string.Join("; ", Candidates.Select(c => c.Name))}."));
        }
        return picked;
    }

    private static string Table(string corpus, string noun, int fitCount, int validationCount, int[] seeds, List<double> word2vec,
        List<(LstmRecipe Recipe, List<double> Accuracy, double Seconds)> results)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Corpus: {corpus}. Validation: {validationCount:N0} training {noun} held out (stratified, split seed {SplitSeed}); "
            + $"every learner trains on the other {fitCount:N0}, and the logistic regression of the comparison is fitted on their vectors "
            + $"and scored on the held-out ones. No test {noun} are read. Seeds {seeds[0]}–{seeds[^1]}; mean ± standard deviation over seeds.");
        sb.AppendLine();
        sb.AppendLine("| recipe | validation accuracy | training time per seed | settings |");
        sb.AppendLine("|---|---:|---:|---|");
        sb.AppendLine(c, $"| mean Word2Vec (the bar) | {MeanSd(word2vec)} | | {Word2VecCommand.Describe(Word2VecCommand.Settings(seeds[0], false, null, null))} |");
        double best = results.Count == 0 ? double.NaN : results.Max(r => r.Accuracy.Average());
        foreach (var (recipe, accuracy, seconds) in results)
        {
            string value = MeanSd(accuracy);
            if (accuracy.Average() == best) value = $"**{value}**";
            sb.AppendLine(c, $"| {recipe.Name} | {value} | {seconds:F0} s | {recipe.Describe()} |");
        }
        return sb.ToString().TrimEnd();
    }

    // Which recipes ran, and whether the one the `text` comparison trains is this run's best.
    private static string Coverage(List<LstmRecipe> candidates, List<(LstmRecipe Recipe, List<double> Accuracy, double Seconds)> results)
    {
        var sb = new StringBuilder("\n\n");
        if (candidates.Count < Candidates.Count)
            sb.Append(CultureInfo.InvariantCulture, $"Recipes run: {candidates.Count} of the {Candidates.Count} of Demo/Commands/TextSearch.cs "
                + $"(--candidates); the others are not measured here. ");
        if (results.Count == 0) return sb.ToString().TrimEnd();
        var best = results.MaxBy(r => r.Accuracy.Average()).Recipe;
        sb.Append(best.Name == Chosen.Name
            ? $"The `text` comparison trains this run's best recipe (\"{Chosen.Name}\") as the row \"LSTM autoencoder, recipe chosen on validation\" and reports it on the test split, which this search never reads."
            : $"This run ranks \"{best.Name}\" first; the `text` comparison trains \"{Chosen.Name}\", chosen by an earlier search.");
        return sb.ToString().TrimEnd();
    }

    internal static string MeanSd(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double sd = values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return string.Create(CultureInfo.InvariantCulture, $"{100 * mean:F1} ± {100 * sd:F1}%");
    }
}
