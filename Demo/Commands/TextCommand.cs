using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Engine.Analysis;
using Engine.Models;
using Engine.Text;
using Engine.Training;

namespace Demo.Commands;

/// <summary>
/// `text`: sentence vectors on TREC questions, compared as features for one logistic regression: the LSTM
/// sequence autoencoder's latent code, the mean of Word2Vec vectors, and tf-idf bag of words. Another encoder
/// (a Transformer autoencoder, say) is one more entry in the list built in <see cref="Run"/>.
/// </summary>
internal static class TextCommand
{
    private const string Heading = "## Text: sequence autoencoder vs Word2Vec vs bag of words";

    private static readonly Option<float> WordDropoutOption = new("--word-dropout")
    {
        Description = "Denoising: probability of replacing an encoder input word by <unk> during training.",
        DefaultValueFactory = _ => 0f,
    };

    private static readonly Option<int?> HiddenOption = new("--hidden") { Description = "LSTM hidden size (default 128; 64 with --quick)." };

    /// <summary>One row of the comparison: a trained encoder and what its training cost.</summary>
    private sealed record Row(string Name, ISentenceEncoder Encoder, double TrainSeconds, string Settings);

    public static Command Create(CommonOptions options)
    {
        var command = new Command("text",
            "TREC question classification from sentence vectors: LSTM sequence autoencoder vs mean Word2Vec vs tf-idf bag of words.");
        command.Options.Add(WordDropoutOption);
        command.Options.Add(HiddenOption);
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token,
            c => Run(c, parse.GetValue(WordDropoutOption), parse.GetValue(HiddenOption))));
        return command;
    }

    public static void Run(RunContext context, float wordDropout, int? hidden)
    {
        context.Out.Heading("Sentence vectors on TREC questions");
        var corpus = LoadCorpus(context);
        var train = corpus.Split.Train.Select(q => (IReadOnlyList<string>)Tokenizer.Tokenize(q.Text)).ToList();
        var test = corpus.Split.Test.Select(q => (IReadOnlyList<string>)Tokenizer.Tokenize(q.Text)).ToList();
        int[] trainLabels = corpus.Split.Train.Select(q => QuestionClasses.IndexOf(q.Label)).ToArray();
        int[] testLabels = corpus.Split.Test.Select(q => QuestionClasses.IndexOf(q.Label)).ToArray();
        WriteTokens(context, "text-tokens-train.txt", corpus.Split.Train, train);
        WriteTokens(context, "text-tokens-test.txt", corpus.Split.Test, test);
        // Only the training questions are ever seen by an unsupervised learner.
        var vocabulary = Vocabulary.Build(train, minCount: 2);
        context.Out.Line($"vocabulary: {vocabulary.Count:N0} entries (training words seen at least twice, plus 4 special tokens)");

        var rows = new List<Row>();
        var (autoencoder, aeRow) = TrainAutoencoder(context, vocabulary, train, wordDropout, hidden);
        rows.Add(aeRow);
        var (vectors, w2vRow, wordsPerSecond) = TrainWord2Vec(context, train);
        rows.Add(w2vRow);
        var clock = Stopwatch.StartNew();
        rows.Add(new Row("tf-idf bag of words", BagOfWordsEncoder.Fit(vocabulary, train), clock.Elapsed.TotalSeconds,
            $"{vocabulary.Count - Vocabulary.SpecialCount} features, L2-normalised rows"));

        // Reconstruction of held-out sentences by every sequence autoencoder in the list.
        var reconstruction = new Dictionary<string, (double Tokens, double Exact, double TrainTokens)>();
        foreach (var row in rows)
            if (row.Encoder is ISequenceAutoencoder ae)
                reconstruction[row.Name] = Reconstruction(context, ae, train, test);

        var accuracies = new Dictionary<string, double>();
        foreach (var row in rows)
        {
            accuracies[row.Name] = Classify(row, train, trainLabels, test, testLabels, out double fitSeconds);
            context.Out.Line($"  {row.Name,-28} test accuracy {accuracies[row.Name]:P1} (features {row.Encoder.Dimensions}, classifier {fitSeconds:F1} s)");
        }

        var neighbours = Neighbours(context, corpus.Split, train, test,
            rows.Where(r => r.Encoder is not BagOfWordsEncoder).ToList());
        string table = Table(corpus.Description, rows, accuracies, reconstruction, neighbours);
        context.Out.Line("");
        context.Out.Markdown(table);
        context.Report.Markdown(table);
        // A --quick run is a smoke test on the synthetic corpus: it leaves the recorded results alone.
        if (context.Quick) context.Out.Line("--quick: docs/results.md left unchanged.");
        else if (context.WriteDocs) WriteResultsSection(context, Heading, table);

        context.Results["command"] = "text";
        context.Results["corpus"] = corpus.Split.Source;
        context.Results["corpus_description"] = corpus.Description;
        context.Results["train_size"] = train.Count;
        context.Results["test_size"] = test.Count;
        foreach (var row in rows)
        {
            string key = Key(row.Name);
            context.Results[$"accuracy_{key}"] = accuracies[row.Name];
            context.Results[$"train_seconds_{key}"] = row.TrainSeconds;
        }
        var (tokens, exact, trainTokens) = reconstruction[aeRow.Name];
        context.Results["reconstruction_token_accuracy"] = tokens;
        context.Results["exact_sentence_rate"] = exact;
        context.Results["train_reconstruction_token_accuracy"] = trainTokens;
        context.Results["ae_epochs"] = context.Epochs ?? DefaultEpochs(context);
        context.Results["ae_parameters"] = ((LstmTextAutoencoder)autoencoder).ParameterCount;
        context.Results["word2vec_words_per_second"] = wordsPerSecond;
        context.Results["word2vec_vocabulary"] = vectors.Count;
    }

    private static int DefaultEpochs(RunContext context) => context.Quick ? 4 : 10;

    private static (ISequenceAutoencoder Model, Row Row) TrainAutoencoder(RunContext context, Vocabulary vocabulary,
        List<IReadOnlyList<string>> train, float wordDropout, int? hidden)
    {
        var options = new LstmTextAutoencoderOptions
        {
            EmbeddingSize = context.Quick ? 32 : 64,
            HiddenSize = hidden ?? (context.Quick ? 64 : 128),
            LatentSize = context.Latent ?? (context.Quick ? 32 : 128),
            Layers = 1,
            Bidirectional = true,
            WordDropout = wordDropout,
            MaxLength = 40,
        };
        var model = new LstmTextAutoencoder(vocabulary, options, new Random(context.Seed));
        int epochs = context.Epochs ?? DefaultEpochs(context);
        string settings = $"E {options.EmbeddingSize}, H {options.HiddenSize} bidirectional, Z {options.LatentSize}, " +
            $"word dropout {options.WordDropout}, Adam 3e-3, batch 64, clip 5, {epochs} epochs";
        context.Out.Line($"LSTM autoencoder: {settings}, {model.ParameterCount:N0} parameters");
        var ids = train.Select(model.ToIds).ToList();
        var clock = Stopwatch.StartNew();
        var epochReports = TextTrainer.Fit(model, ids, new TextTrainerOptions
        {
            Epochs = epochs, BatchSize = 64, LearningRate = 3e-3f, ClipGradientNorm = 5f, Seed = context.Seed,
            Cancellation = context.Cancellation,
            OnBatch = r => context.Out.Batch(r, epochs),
            OnEpoch = r => context.Out.Epoch(r, epochs),
        });
        double seconds = clock.Elapsed.TotalSeconds;
        context.Report.LossChart("LSTM text autoencoder", epochReports, "cross-entropy per token");
        if (context.SavePath is not null)
        {
            model.Save(context.SavePath);
            context.Out.Line($"saved {context.SavePath} (+ {LstmTextAutoencoder.VocabularyPath(context.SavePath)})");
        }
        return (model, new Row(options.WordDropout > 0 ? "LSTM denoising autoencoder" : "LSTM sequence autoencoder",
            model, seconds, settings));
    }

    private static (WordVectors Vectors, Row Row, double WordsPerSecond) TrainWord2Vec(RunContext context,
        List<IReadOnlyList<string>> train)
    {
        var options = Word2VecCommand.Settings(context.Seed, context.Quick, epochs: null, dimensions: null);
        var clock = Stopwatch.StartNew();
        var result = Word2VecTrainer.Train(train, options);
        double seconds = clock.Elapsed.TotalSeconds;
        string settings = Word2VecCommand.Describe(options);
        context.Out.Line($"Word2Vec: {settings}: {result.Vectors.Count:N0} words, {result.WordsPerSecond:N0} words/s");
        return (result.Vectors, new Row("mean Word2Vec", new MeanWordVectorEncoder(result.Vectors), seconds, settings),
            result.WordsPerSecond);
    }

    private static (double Tokens, double Exact, double TrainTokens) Reconstruction(RunContext context,
        ISequenceAutoencoder model, List<IReadOnlyList<string>> train, List<IReadOnlyList<string>> test)
    {
        var testIds = test.Select(model.ToIds).ToList();
        var decoded = model.Reconstruct(testIds);
        double tokens = ReconstructionMetrics.TokenAccuracy(testIds, decoded);
        double exact = ReconstructionMetrics.ExactRate(testIds, decoded);
        var trainIds = train.Take(test.Count).Select(model.ToIds).ToList();
        double trainTokens = ReconstructionMetrics.TokenAccuracy(trainIds, model.Reconstruct(trainIds));
        context.Out.Line($"reconstruction of held-out questions: token accuracy {tokens:P1}, exact {exact:P1} " +
            $"(first {trainIds.Count} training questions: token accuracy {trainTokens:P1})");
        for (int i = 0; i < Math.Min(3, testIds.Count); i++)
            context.Out.Line($"  {model.Vocabulary.Decode(testIds[i])}\n    -> {model.Vocabulary.Decode(decoded[i])}");
        return (tokens, exact, trainTokens);
    }

    // Standardised features (tf-idf rows stay as they are), then the same logistic regression for every row.
    private static double Classify(Row row, List<IReadOnlyList<string>> train, int[] trainLabels,
        List<IReadOnlyList<string>> test, int[] testLabels, out double seconds)
    {
        var clock = Stopwatch.StartNew();
        int d = row.Encoder.Dimensions;
        float[] xTrain = row.Encoder.Encode(train), xTest = row.Encoder.Encode(test);
        if (row.Encoder is not BagOfWordsEncoder)
        {
            var scaler = new StandardScaler().Fit(xTrain, train.Count, d);
            xTrain = scaler.Transform(xTrain, train.Count);
            xTest = scaler.Transform(xTest, test.Count);
        }
        var classifier = new LogisticRegression { C = 1, MaxIterations = 1000 };
        classifier.Fit(xTrain, train.Count, d, trainLabels, QuestionClasses.Coarse.Count);
        double accuracy = classifier.Score(xTest, test.Count, testLabels);
        seconds = clock.Elapsed.TotalSeconds;
        return accuracy;
    }

    private static List<string> Neighbours(RunContext context, QuestionSplit split, List<IReadOnlyList<string>> train,
        List<IReadOnlyList<string>> test, List<Row> rows)
    {
        int[] queries = [0, test.Count / 4, test.Count / 2, 3 * test.Count / 4];
        var lines = new List<string>();
        var vectors = rows.Select(r =>
        {
            int d = r.Encoder.Dimensions;
            float[] trainVectors = r.Encoder.Encode(train), testVectors = r.Encoder.Encode(test);
            // Centre on the training mean first: raw sentence vectors share a large common component that
            // would make every cosine close to 1.
            var mean = new float[d];
            for (int i = 0; i < train.Count; i++)
                System.Numerics.Tensors.TensorPrimitives.Add(mean, trainVectors.AsSpan(i * d, d), mean);
            System.Numerics.Tensors.TensorPrimitives.Multiply(mean, 1f / train.Count, mean);
            return (r.Name, Train: Normalised(trainVectors, mean), Test: Normalised(testVectors, mean), d);
        }).ToList();
        foreach (int q in queries.Distinct())
        {
            lines.Add($"- query: \"{split.Test[q].Text}\"");
            foreach (var (name, trainVectors, testVectors, d) in vectors)
            {
                var best = Enumerable.Range(0, train.Count)
                    .Select(i => (i, Cosine: System.Numerics.Tensors.TensorPrimitives.Dot(
                        testVectors.AsSpan(q * d, d), trainVectors.AsSpan(i * d, d))))
                    .OrderByDescending(x => x.Cosine).Take(2)
                    .Select(x => $"\"{split.Train[x.i].Text}\" ({x.Cosine:F2})");
                lines.Add($"  - {name}: {string.Join("; ", best)}");
            }
        }
        context.Out.Line("nearest training questions (cosine):");
        foreach (string line in lines) context.Out.Line(line);
        return lines;
    }

    // Each row minus the mean, scaled to unit length (in place).
    private static float[] Normalised(float[] rows, float[] mean)
    {
        int d = mean.Length;
        for (int r = 0; r < rows.Length / d; r++)
        {
            var row = rows.AsSpan(r * d, d);
            System.Numerics.Tensors.TensorPrimitives.Subtract(row, mean, row);
            float norm = System.Numerics.Tensors.TensorPrimitives.Norm(row);
            if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Multiply(row, 1 / norm, row);
        }
        return rows;
    }

    private static string Table(string corpus, List<Row> rows, Dictionary<string, double> accuracies,
        Dictionary<string, (double Tokens, double Exact, double TrainTokens)> reconstruction, List<string> neighbours)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Corpus: {corpus}. Each sentence vector feeds the same multinomial logistic regression (Engine.Analysis, C = 1, L-BFGS; dense vectors standardised) predicting the 6 coarse classes; unsupervised encoders saw only the training questions.");
        sb.AppendLine();
        sb.AppendLine("| sentence vector | dims | test accuracy | reconstruction token acc. (held-out) | exact sentences (held-out) | training time | settings |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            string recon = reconstruction.TryGetValue(row.Name, out var r) ? $"{r.Tokens * 100:F1}% | {r.Exact * 100:F1}%" : "– | –";
            sb.AppendLine(c, $"| {row.Name} | {row.Encoder.Dimensions} | {accuracies[row.Name] * 100:F1}% | {recon} | {row.TrainSeconds:F1} s | {row.Settings} |");
        }
        sb.AppendLine();
        sb.AppendLine("Training times are wall-clock on the shared 2-core machine while other jobs ran. Cross-check of the mean-Word2Vec row: Engine.Bench/peers/trec_sentence_peer.py trains gensim with the same settings on the same tokens (written to --out by this command) and fits scikit-learn's LogisticRegression the same way.");
        sb.AppendLine();
        sb.AppendLine("Nearest training questions to a few held-out questions (cosine similarity of the vectors centred on the training mean):");
        sb.AppendLine();
        foreach (string line in neighbours) sb.AppendLine(line);
        return sb.ToString().TrimEnd();
    }

    private static string Key(string name) =>
        name.ToLowerInvariant().Replace("-", "_", StringComparison.Ordinal).Replace(' ', '_');

    /// <summary>
    /// TREC from --data (a folder with train_5500.label and TREC_10.label), else from /work/shared/data/trec when
    /// present (not with --quick), else the synthetic corpus that ships; the description says which.
    /// </summary>
    internal static (QuestionSplit Split, string Description) LoadCorpus(RunContext context)
    {
        string? dir = context.DataPath ?? (context.Quick ? null : DefaultTrecDirectory);
        if (context.DataPath is not null && !(File.Exists(Path.Combine(dir!, TrainFile)) && File.Exists(Path.Combine(dir!, TestFile))))
            throw new ArgumentException($"--data {context.DataPath}: expected {TrainFile} and {TestFile} in that folder.");
        var split = TrecQuestions.LoadOrSynthetic(dir is null ? null : Path.Combine(dir, TrainFile),
            dir is null ? null : Path.Combine(dir, TestFile), context.Seed);
        string description = split.Source == "trec"
            ? $"TREC question classification (Li and Roth 2002), {split.Train.Count:N0} training questions ({TrainFile}) and {split.Test.Count:N0} test questions ({TestFile}) from {dir}"
            : $"SYNTHETIC TREC-like questions (Engine.Text.SyntheticCorpus, seed {context.Seed}), {split.Train.Count:N0} training / {split.Test.Count:N0} test; the real TREC files were {(context.Quick ? "not used (--quick)" : "not found")}";
        context.Out.Line($"corpus: {description}");
        return (split, description);
    }

    private const string DefaultTrecDirectory = "/work/shared/data/trec";
    private const string TrainFile = "train_5500.label";
    private const string TestFile = "TREC_10.label";

    // The tokens every learner saw, one question per line ("LABEL<TAB>tokens"), so that peers
    // (Engine.Bench/peers/trec_sentence_peer.py) can train on exactly the same text.
    private static void WriteTokens(RunContext context, string name, IReadOnlyList<LabeledQuestion> questions,
        List<IReadOnlyList<string>> tokens)
    {
        Directory.CreateDirectory(context.OutDirectory);
        string path = Path.Combine(context.OutDirectory, name);
        var lines = questions.Select((q, i) => $"{q.Label}\t{string.Join(' ', tokens[i])}");
        File.WriteAllLines(path + ".tmp", lines);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    // Replaces this command's section of docs/results.md (found by walking up to Engine.sln), or appends it.
    private static void WriteResultsSection(RunContext context, string heading, string body)
    {
        var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) dir = dir.Parent;
        if (dir is null)
        {
            context.Out.Line("docs/results.md not updated: no Engine.sln above the current directory.");
            return;
        }
        string path = Path.Combine(dir.FullName, "docs", "results.md");
        string text = File.Exists(path) ? File.ReadAllText(path) : "# Results\n";
        string section = heading + "\n\n" + body + "\n";
        int start = text.IndexOf(heading + "\n", StringComparison.Ordinal);
        if (start < 0)
        {
            text = text.TrimEnd() + "\n\n" + section;
        }
        else
        {
            // The section runs to the next "## " heading or the end of the file.
            int next = text.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
            text = text[..start] + section + (next < 0 ? "" : "\n" + text[(next + 1)..]);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
        context.Out.Line($"updated {path}");
    }
}
