using System.CommandLine;
using Engine.Models;
using Demo.Datasets;
using Engine.Persistence;
using Engine.Text;

namespace Demo.Commands;

/// <summary>
/// `text`: sentence vectors on TREC questions or the user's labelled sentences (<see cref="TextData"/>), compared as features for one logistic regression: the LSTM sequence
/// autoencoder (plain and denoising), the Transformer autoencoder, the mean of Word2Vec vectors (and gensim's, with
/// --peer), and tf-idf bag of words. The rows are built in <see cref="TextRows"/>, the neighbour queries in
/// <see cref="TextNeighbours"/>, the gensim row in <see cref="TextPeer"/> and the tables in <see cref="TextReport"/>.
/// </summary>
internal static class TextCommand
{
    public static Command Create()
    {
        var options = Cli.CommandOptions.Common() with
        {
            Data = Cli.DemoOptions.InputPath("--data",
                $"A file of labelled sentences (UTF-8 lines of text<TAB>label, or a CSV/TSV table with --text-column and --label-column), "
                + $"or a folder with TREC's {TrecData.TrainFile} and {TrecData.TestFile}; default: TREC from the download cache (downloaded and SHA-256-verified on first use)."),
            Epochs = Cli.DemoOptions.Epochs("Training epochs of the sequence autoencoders (default 10; 4 with --quick)."),
            Latent = Cli.DemoOptions.Latent("Sentence-vector size of the sequence autoencoders (default 128; 32 with --quick)."),
            Quick = Cli.DemoOptions.Quick("A short run with smaller models and fewer epochs, on the bundled synthetic corpus (not TREC) unless --data is given."),
            Save = Cli.DemoOptions.Save("Save the LSTM autoencoder to this file, and the Transformer beside it (FILE.transformer.safetensors), each with its vocabulary."),
        };
        var wordDropout = Cli.DemoOptions.Number("--word-dropout",
            "Word dropout of the denoising LSTM row (probability of replacing an encoder input word by <unk> in training), 0 to 0.9; 0 leaves the row out.",
            0.25f, 0f, 0.9f);
        var hidden = Cli.DemoOptions.WholeNumber("--hidden", "LSTM hidden size, 1 to 4096 (default 128; 64 with --quick).", 1, 4096);
        var width = Cli.DemoOptions.WholeNumber("--width", "Transformer model width, a multiple of 4 (its 4 attention heads) from 4 to 4096 (default 128; 32 with --quick).", 4, 4096);
        width.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is int w && w % 4 != 0)
                result.AddError($"--width must be a multiple of 4 (the Transformer's 4 attention heads), got {w}.");
        });
        var search = new Option<bool>("--search")
        {
            Description = "Compare the LSTM autoencoder recipes on validation sentences held out from the training file (or --data FILE); no test data is read.",
        };
        var candidates = new Option<string?>("--candidates")
        {
            Description = "With --search: only these recipes (numbers from 1 or names, comma-separated); the chapter is not written.",
        };
        var runs = Cli.DemoOptions.WholeNumber("--runs", "With --search: seeds per recipe, from --seed on, 1 to 100 (default 1; mean and spread are reported).", 1, 100);
        var test = Cli.DemoOptions.InputFile("--test",
            "With --data FILE: a second file of labelled sentences (same layout) to score on; without --test or --folds a stratified fifth of the file is held out (seeded by --seed).");
        var folds = Cli.DemoOptions.WholeNumber("--folds",
            "With --data FILE: stratified K-fold cross-validation (seeded by --seed), 2 to 100 and at most the smallest class's count; every row is trained K times, the table gives the mean accuracy and its spread.",
            2, 100);
        var textColumn = new Option<string?>("--text-column") { Description = "With --data FILE as a CSV/TSV table with a header: the text column (name or number from 1)." };
        var labelColumn = new Option<string?>("--label-column") { Description = "With --data FILE as a CSV/TSV table with a header: the label column (name or number from 1)." };
        var peer = new Option<bool>("--peer")
        {
            Description = "Also run Engine.Bench/peers/trec_sentence_peer.py (python3 with gensim and scikit-learn) and put its row in the table.",
        };
        var command = options.AddTo(new Command("text",
            "Sentence classification from sentence vectors (TREC questions, or your labelled sentences): LSTM and Transformer sequence autoencoders vs mean Word2Vec vs tf-idf bag of words."));
        command.Options.Add(wordDropout);
        command.Options.Add(hidden);
        command.Options.Add(width);
        command.Options.Add(test);
        command.Options.Add(folds);
        command.Options.Add(textColumn);
        command.Options.Add(labelColumn);
        command.Options.Add(peer);
        command.Options.Add(search);
        command.Options.Add(candidates);
        command.Options.Add(runs);
        command.Validators.Add(result =>
        {
            if (!result.GetValue(search) && (result.GetResult(candidates) is { Implicit: false } || result.GetResult(runs) is { Implicit: false }))
                result.AddError("--candidates and --runs apply to --search only.");
            bool Given(Option option) => result.GetResult(option) is { Implicit: false };
            if (Given(test) && Given(folds))
                result.AddError("--test FILE and --folds K are two ways to test; give one of them.");
            if (Given(textColumn) != Given(labelColumn))
                result.AddError("--text-column and --label-column name a table's two columns; give both (or neither, for lines of text<TAB>label).");
            if (Given(folds) && options.Save is { } save && Given(save))
                result.AddError("--save keeps one model, and --folds trains K of each; save from a run with --test FILE or the hold-out.");
            if (result.GetValue(search) && (Given(test) || Given(folds) || Given(peer)))
                result.AddError("--search holds out its own validation sentences from --data and reads no test data; --test, --folds and --peer do not apply.");
        });
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, c =>
        {
            var data = new TextDataOptions(parse.GetValue(test), parse.GetValue(folds), parse.GetValue(textColumn), parse.GetValue(labelColumn));
            if (parse.GetValue(search))
                TextSearch.Run(c, parse.GetValue(runs) ?? 1, parse.GetValue(candidates), data);
            else
                Run(c, parse.GetValue(wordDropout), parse.GetValue(hidden), parse.GetValue(width), parse.GetValue(peer), data: data);
        }));
        return command;
    }

    /// <summary>
    /// The comparison; <paramref name="download"/> false (the tour) never downloads TREC: without it in the cache the
    /// synthetic corpus stands in, and every heading and table says so. <paramref name="data"/> says how a user's
    /// file is read and tested (--test, --folds, the columns).
    /// </summary>
    public static void Run(RunContext context, float wordDropout, int? hidden, int? width = null, bool peer = false,
        bool download = true, TextDataOptions? data = null)
    {
        context.Out.Heading(context.DataPath is string path && File.Exists(path) ? $"Sentence vectors on {path}"
            : TrecData.UsesSynthetic(context, download) ? "Sentence vectors on SYNTHETIC questions (not TREC)"
            : "Sentence vectors on TREC questions");
        var corpus = TextData.Load(context, data ?? TextDataOptions.None, download);
        context.Out.Line($"corpus: {corpus.Description}");
        context.Out.Line($"testing: {corpus.Evaluation}");

        var folds = new List<SplitResult>();
        for (int k = 0; k < corpus.Splits.Count && !(k > 0 && context.Cancellation.IsCancellationRequested); k++)
        {
            var split = corpus.Splits[k];
            if (corpus.Folds is int count)
                context.Out.Line($"fold {k + 1} of {count}: {split.Train.Count:N0} training, {split.Test.Count:N0} test sentences");
            folds.Add(RunSplit(context, corpus, split, k, wordDropout, hidden, width, peer));
        }
        var rows = corpus.Folds is null ? folds[0].Rows : Pool(folds);

        string table = TextReport.Table(corpus, rows);
        context.Out.Line("");
        context.Out.Markdown(table);
        context.Report.Markdown(table);
        if (context.WriteDocs) TextReport.Write(context, corpus, table, folds[0].Neighbours);

        var last = folds[^1];
        context.Results["command"] = "text";
        context.Results["data"] = corpus.DataPath ?? corpus.Split.Source;
        context.Results["corpus"] = corpus.Split.Source;
        context.Results["corpus_description"] = corpus.Description;
        context.Results["synthetic_corpus"] = corpus.IsSynthetic;
        context.Results["classes"] = corpus.Classes.ToArray();
        context.Results["evaluation"] = corpus.Evaluation;
        if (corpus.Folds is int foldCount) context.Results["folds"] = foldCount;
        context.Results["train_size"] = corpus.Split.Train.Count;
        context.Results["test_size"] = corpus.Split.Test.Count;
        foreach (var row in rows.Where(r => r.Encoder is not null))
        {
            string key = Key(row.Name);
            context.Results[$"accuracy_{key}"] = row.Accuracy ?? double.NaN;
            if (row.FoldAccuracies is { } perFold)
            {
                context.Results[$"accuracy_sd_{key}"] = row.AccuracySpread ?? double.NaN;
                context.Results[$"accuracy_folds_{key}"] = perFold.ToArray();
            }
            context.Results[$"train_seconds_{key}"] = row.TrainSeconds;
            if (row.Parameters is long p) context.Results[$"parameters_{key}"] = p;
            if (row.Reconstruction is not { } r) continue;
            context.Results[$"reconstruction_token_accuracy_{key}"] = r.Tokens;
            context.Results[$"exact_sentence_rate_{key}"] = r.Exact;
        }
        // The LSTM autoencoder's figures also under the keys issue #6 names.
        var lstmRow = rows[0];
        context.Results["reconstruction_token_accuracy"] = lstmRow.Reconstruction!.Tokens;
        context.Results["exact_sentence_rate"] = lstmRow.Reconstruction.Exact;
        context.Results["train_reconstruction_token_accuracy"] = lstmRow.Reconstruction.TrainTokens;
        context.Results["ae_epochs"] = context.Epochs ?? TextRows.DefaultEpochs(context);
        context.Results["ae_parameters"] = last.LstmParameters;
        context.Results["word2vec_words_per_second"] = last.WordsPerSecond;
        context.Results["word2vec_vocabulary"] = last.Word2VecVocabulary;
    }

    // What one train/test split gave: the measured rows, the neighbour lines (first split only) and a few figures
    // of the last models for --json.
    private sealed record SplitResult(List<TextRow> Rows, List<string> Neighbours, long LstmParameters, double WordsPerSecond,
        int Word2VecVocabulary);

    // Trains every row on the split's training sentences and scores it on its test sentences.
    private static SplitResult RunSplit(RunContext context, Corpus corpus, QuestionSplit split, int fold, float wordDropout,
        int? hidden, int? width, bool peer)
    {
        bool first = fold == 0;
        string part = corpus.Folds is int k ? $" (fold {fold + 1} of {k})" : "";
        var train = split.Train.Select(q => (IReadOnlyList<string>)Tokenizer.Tokenize(q.Text)).ToList();
        var test = split.Test.Select(q => (IReadOnlyList<string>)Tokenizer.Tokenize(q.Text)).ToList();
        int[] trainLabels = corpus.Labels(split.Train), testLabels = corpus.Labels(split.Test);
        bool oneSplit = corpus.Folds is null;
        if (oneSplit)
        {
            WriteTokens(context, "text-tokens-train.txt", split.Train, train);
            WriteTokens(context, "text-tokens-test.txt", split.Test, test);
        }
        // Only the training sentences are ever seen by an unsupervised learner.
        var vocabulary = Vocabulary.Build(train, minCount: 2);
        context.Out.Line($"vocabulary: {vocabulary.Count:N0} entries (training words seen at least twice, plus 4 special tokens)");

        var rows = new List<TextRow>();
        var (lstm, lstmRow) = TextRows.Lstm(context, vocabulary, train, 0f, hidden, part);
        rows.Add(lstmRow);
        if (wordDropout > 0) rows.Add(TextRows.Lstm(context, vocabulary, train, wordDropout, hidden, part).Row);
        var (transformer, transformerRow) = TextRows.Transformer(context, vocabulary, train, width, part);
        rows.Add(transformerRow);
        if (oneSplit) Save(context, lstm, transformer);
        var (vectors, w2vRow, wordsPerSecond) = TextRows.Word2Vec(context, train);
        rows.Add(w2vRow);
        rows.Insert(rows.IndexOf(transformerRow), TextRows.Chosen(context, vocabulary, train, vectors, hidden, part));
        rows.Add(oneSplit
            ? TextPeer.Row(context, peer, Word2VecCommand.Settings(context.Seed, context.Quick, null, null))
            : TextPeer.NotRun("not run with --folds: the peer script scores one train/test split (TREC, --test FILE or the hold-out)"));
        rows.Add(TextRows.BagOfWords(context, vocabulary, train));

        foreach (var row in rows)
        {
            if (row.Autoencoder is ISequenceAutoencoder ae)
            {
                context.Out.Line($"{row.Name}:");
                row.Reconstruction = TextRows.Reconstruction(context, ae, train, test);
            }
            if (row.Encoder is null) continue;
            row.Accuracy = TextRows.Classify(context, row.Name, row.Encoder, train, trainLabels, test, testLabels, corpus.Classes.Count,
                out double fitSeconds);
            context.Out.Line($"  {row.Name,-28} test accuracy {row.Accuracy:P1} (features {row.Dimensions}, classifier {fitSeconds:F1} s)");
        }

        var neighbours = first
            ? TextNeighbours.Find(context, split, train, test,
                rows.Where(r => r.Encoder is not null and not BagOfWordsEncoder).Select(r => (r.Name, r.Encoder!)).ToList())
            : [];
        return new SplitResult(rows, neighbours, lstm.ParameterCount, wordsPerSecond, vectors.Count);
    }

    // The rows of K folds as one: mean accuracy with its standard deviation over the folds, and the mean of the
    // reconstruction figures, training times and sizes (a fold's vocabulary, hence its parameter count, differs).
    private static List<TextRow> Pool(List<SplitResult> folds)
    {
        var pooled = new List<TextRow>();
        for (int i = 0; i < folds[0].Rows.Count; i++)
        {
            var all = folds.Select(f => f.Rows[i]).ToList();
            var head = all[0];
            if (head.NotRun is not null || head.Encoder is null)
            {
                pooled.Add(head);
                continue;
            }
            var accuracies = all.Select(r => r.Accuracy ?? double.NaN).ToArray();
            double mean = accuracies.Average();
            pooled.Add(new TextRow(head.Name, all[^1].Encoder, all.Average(r => r.TrainSeconds), head.Settings,
                head.Parameters is null ? null : (long)Math.Round(all.Average(r => (double)r.Parameters!.Value)))
            {
                Dimensions = head.Dimensions,
                Accuracy = mean,
                AccuracySpread = Spread(accuracies),
                FoldAccuracies = accuracies,
                Reconstruction = head.Reconstruction is null ? null : new TextReconstruction(
                    all.Average(r => r.Reconstruction!.Tokens), all.Average(r => r.Reconstruction!.Exact),
                    all.Average(r => r.Reconstruction!.TrainTokens)),
            });
        }
        return pooled;
    }

    /// <summary>The sample standard deviation (0 for one value).</summary>
    internal static double Spread(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    // --save PATH keeps the LSTM autoencoder at PATH and the Transformer beside it (PATH.transformer.safetensors).
    private static void Save(RunContext context, LstmTextAutoencoder lstm, TransformerTextAutoencoder transformer)
    {
        if (context.SavePath is null) return;
        string transformerPath = Path.ChangeExtension(context.SavePath, ".transformer.safetensors");
        Cli.OutputPaths.Write("--save", context.SavePath, path => Checkpoint.Save(lstm, path));
        Cli.OutputPaths.Write("--save", transformerPath, path => Checkpoint.Save(transformer, path));
        context.Out.Line($"saved {context.SavePath} and {transformerPath} (+ their .vocab.txt)");
    }

    private static string Key(string name) =>
        name.ToLowerInvariant().Replace("-", "_", StringComparison.Ordinal).Replace(' ', '_');

    // The tokens every learner saw, one sentence per line ("LABEL<TAB>tokens"), so that peers
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
}
