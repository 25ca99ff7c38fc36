using System.CommandLine;
using System.Globalization;
using Engine.Text;

namespace Demo.Commands;

/// <summary>`word2vec`: skip-gram word vectors on the training questions; nearest words, speed, and a text-format file.</summary>
internal static class Word2VecCommand
{
    private static readonly string[] Queries = ["city", "president", "water", "country", "movie", "year"];

    public static Command Create()
    {
        var options = Cli.CommandOptions.Common() with
        {
            Data = Cli.DemoOptions.InputPath("--data",
                $"A UTF-8 file of sentences, one per line as text<TAB>label (the labels are not used), or a folder with TREC's {Datasets.TrecData.TrainFile} and {Datasets.TrecData.TestFile}; "
                + "default: TREC from the download cache (downloaded and SHA-256-verified on first use)."),
            Epochs = Cli.DemoOptions.Epochs("Word2Vec epochs (default 20; 5 with --quick)."),
            Latent = Cli.DemoOptions.Latent("Word-vector size (default 100)."),
            Threads = null,
            Quick = Cli.DemoOptions.Quick("A short run on the bundled synthetic corpus (not TREC)."),
        };
        var command = options.AddTo(new Command("word2vec",
            "Train skip-gram Word2Vec on the TREC training questions (or your sentences, or the synthetic corpus); print nearest words and words/s; save vectors in word2vec text format to --out."));
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, Run));
        return command;
    }

    // The chapter's query words where the data has them; on other data, its six most frequent words of four letters
    // or more, so a user's run shows neighbours of words it actually has.
    private static IEnumerable<string> QueryWords(WordVectors vectors, List<IReadOnlyList<string>> sentences)
    {
        var known = Queries.Where(vectors.Contains).ToList();
        if (known.Count >= 3) return known;
        return sentences.SelectMany(s => s).Where(w => w.Length >= 4 && w.All(char.IsLetter) && vectors.Contains(w))
            .GroupBy(w => w).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(6).Select(g => g.Key);
    }

    /// <summary>
    /// The settings shared with the `text` comparison and its gensim peer: skip-gram, 100 dimensions (--latent),
    /// window 5, 5 negatives, min count 2, sample 1e-3, 20 epochs (5 with --quick), one thread, the seed.
    /// One thread keeps the run bitwise reproducible.
    /// </summary>
    internal static Word2VecOptions Settings(int seed, bool quick, int? epochs, int? dimensions) => new()
    {
        Dimensions = dimensions ?? 100,
        Window = 5,
        Negative = 5,
        MinCount = 2,
        Sample = 1e-3,
        Epochs = epochs ?? (quick ? 5 : 20),
        Threads = 1,
        Seed = seed,
    };

    internal static string Describe(Word2VecOptions o) => string.Create(CultureInfo.InvariantCulture,
        $"skip-gram, {o.Dimensions} dims, window {o.Window}, {o.Negative} negatives, min count {o.MinCount}, sample {o.Sample}, {o.Epochs} epochs, {o.Threads} thread");

    public static void Run(RunContext context)
    {
        context.Out.Heading(context.DataPath is string file && File.Exists(file) ? $"Word2Vec on {file}"
            : Datasets.TrecData.UsesSynthetic(context, download: true) ? "Word2Vec on SYNTHETIC questions (not TREC)" : "Word2Vec on TREC questions");
        var corpus = Datasets.TextData.Load(context, Datasets.TextDataOptions.None, download: true, pooled: true);
        var (split, description) = (corpus.Split, corpus.Description);
        context.Out.Line($"corpus: {description}");
        context.Report.Text($"Corpus: {description}.");
        var sentences = split.Train.Select(q => (IReadOnlyList<string>)Tokenizer.Tokenize(q.Text)).ToList();
        // Here --epochs and --latent mean Word2Vec's epochs and vector size (in `text` they belong to the autoencoder).
        var options = Settings(context.Seed, context.Quick, context.Epochs, context.Latent);
        context.Out.Line($"training: {Describe(options)}");
        Word2VecResult result;
        using (context.Out.Step($"Word2Vec ({options.Epochs} epochs)"))
            result = Word2VecTrainer.Train(sentences, options);
        var vectors = result.Vectors;
        context.Out.Line(string.Create(CultureInfo.InvariantCulture,
            $"{vectors.Count:N0} words, {result.TrainWords:N0} words/epoch, {result.TrainingTime.TotalSeconds:F2} s, {result.WordsPerSecond:N0} words/s"));
        var table = new System.Text.StringBuilder("| word | nearest words (cosine similarity) |\n|---|---|\n");
        foreach (string word in QueryWords(vectors, sentences))
        {
            var near = string.Join(", ", vectors.MostSimilar(word, 6).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Word} {s.Cosine:F2}")));
            context.Out.Line($"  {word,-10} {near}");
            table.Append($"| {word} | {near} |\n");
        }
        string path = Path.Combine(context.OutDirectory, "word2vec.txt");
        Cli.OutputPaths.Write("--out", path, vectors.SaveText);
        context.Out.Line($"saved {path} (word2vec text format)");

        context.Report.Text($"Training: {Describe(options)}; {vectors.Count:N0} words, {result.WordsPerSecond:N0} words/s. Nearest words by cosine similarity:");
        context.Report.Markdown(table.ToString());
        context.Results["command"] = "word2vec";
        context.Results["data"] = corpus.DataPath ?? split.Source;
        context.Results["corpus"] = split.Source;
        context.Results["corpus_description"] = description;
        context.Results["synthetic_corpus"] = corpus.IsSynthetic;
        context.Results["vocabulary"] = vectors.Count;
        context.Results["words_per_second"] = result.WordsPerSecond;
        context.Results["train_seconds"] = result.TrainingTime.TotalSeconds;
        context.Results["vectors_path"] = path;
        if (!corpus.IsTrec)
        {
            if (context.WriteDocs)
                context.Out.Line("docs/08-autoencoders-vs-word2vec.md left as it is: it shows TREC results, and this run used "
                    + (corpus.IsSynthetic ? "the synthetic corpus." : "other data."));
            return;
        }
        ResultsDoc.Publish(context, "08-autoencoders-vs-word2vec.md", "word2vec", string.Create(CultureInfo.InvariantCulture,
            $"Corpus: {description}. Training: {Describe(options)}; {vectors.Count:N0} words in the vocabulary, "
            + $"{result.TrainWords:N0} words per epoch, {result.TrainingTime.TotalSeconds:F2} s, {result.WordsPerSecond:N0} words/s "
            + $"(wall-clock; {ResultsDoc.Machine()}).\n\n{table}"));
    }
}
