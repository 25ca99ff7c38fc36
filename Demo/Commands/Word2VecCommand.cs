using System.CommandLine;
using System.Globalization;
using Engine.Text;

namespace Demo.Commands;

/// <summary>`word2vec`: skip-gram word vectors on the training questions; nearest words, speed, and a text-format file.</summary>
internal static class Word2VecCommand
{
    private static readonly string[] Queries = ["city", "president", "water", "country", "movie", "year"];

    public static Command Create(CommonOptions options)
    {
        var command = new Command("word2vec",
            "Train skip-gram Word2Vec on the TREC training questions (or the synthetic corpus); print nearest words and words/s; save vectors in word2vec text format to --out.");
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, Run));
        return command;
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
        context.Out.Heading("Word2Vec");
        var (split, description) = TextCommand.LoadCorpus(context);
        var sentences = split.Train.Select(q => (IReadOnlyList<string>)Tokenizer.Tokenize(q.Text)).ToList();
        // Here --epochs and --latent mean Word2Vec's epochs and vector size (in `text` they belong to the autoencoder).
        var options = Settings(context.Seed, context.Quick, context.Epochs, context.Latent);
        context.Out.Line($"training: {Describe(options)}");
        var result = Word2VecTrainer.Train(sentences, options);
        var vectors = result.Vectors;
        context.Out.Line(string.Create(CultureInfo.InvariantCulture,
            $"{vectors.Count:N0} words, {result.TrainWords:N0} words/epoch, {result.TrainingTime.TotalSeconds:F2} s, {result.WordsPerSecond:N0} words/s"));
        var table = new System.Text.StringBuilder("| word | nearest words (cosine similarity) |\n|---|---|\n");
        foreach (string word in Queries.Where(vectors.Contains))
        {
            var near = string.Join(", ", vectors.MostSimilar(word, 6).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Word} {s.Cosine:F2}")));
            context.Out.Line($"  {word,-10} {near}");
            table.Append($"| {word} | {near} |\n");
        }
        string path = VectorsPath(context.OutDirectory);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        vectors.SaveText(path);
        context.Out.Line($"saved {path} (word2vec text format)");

        context.Results["command"] = "word2vec";
        context.Results["corpus"] = split.Source;
        context.Results["corpus_description"] = description;
        context.Results["vocabulary"] = vectors.Count;
        context.Results["words_per_second"] = result.WordsPerSecond;
        context.Results["train_seconds"] = result.TrainingTime.TotalSeconds;
        context.Results["vectors_path"] = path;
        ResultsDoc.Publish(context, "08-autoencoders-vs-word2vec.md", "word2vec", string.Create(CultureInfo.InvariantCulture,
            $"Corpus: {description}. Training: {Describe(options)}; {vectors.Count:N0} words in the vocabulary, "
            + $"{result.TrainWords:N0} words per epoch, {result.TrainingTime.TotalSeconds:F2} s, {result.WordsPerSecond:N0} words/s "
            + $"(wall-clock, shared 2-core machine).\n\n{table}"));
    }

    // --out names the file when it has a vector-file extension, else the folder for word2vec.txt.
    private static string VectorsPath(string output) =>
        Path.GetExtension(output) is ".txt" or ".vec" ? output : Path.Combine(output, "word2vec.txt");
}
