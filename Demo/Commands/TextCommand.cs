using System.CommandLine;
using Engine.Models;
using Demo.Datasets;
using Engine.Text;

namespace Demo.Commands;

/// <summary>
/// `text`: sentence vectors on TREC questions, compared as features for one logistic regression: the LSTM sequence
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
                $"Folder with TREC's {TrecData.TrainFile} and {TrecData.TestFile}; default: the download cache (downloaded and SHA-256-verified on first use)."),
            Epochs = Cli.DemoOptions.Epochs("Training epochs of the sequence autoencoders (default 10; 4 with --quick)."),
            Latent = Cli.DemoOptions.Latent("Sentence-vector size of the sequence autoencoders (default 128; 32 with --quick)."),
            Quick = Cli.DemoOptions.Quick("A short run on the bundled synthetic corpus (not TREC) with smaller models."),
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
            Description = "Compare the LSTM autoencoder recipes on validation questions held out from the training file (the test file is not read).",
        };
        var candidates = new Option<string?>("--candidates")
        {
            Description = "With --search: only these recipes (numbers from 1 or names, comma-separated); the chapter is not written.",
        };
        var runs = Cli.DemoOptions.WholeNumber("--runs", "With --search: seeds per recipe, from --seed on, 1 to 100 (default 1; mean and spread are reported).", 1, 100);
        var peer = new Option<bool>("--peer")
        {
            Description = "Also run Engine.Bench/peers/trec_sentence_peer.py (python3 with gensim and scikit-learn) and put its row in the table.",
        };
        var command = options.AddTo(new Command("text",
            "TREC question classification from sentence vectors: LSTM and Transformer sequence autoencoders vs mean Word2Vec vs tf-idf bag of words."));
        command.Options.Add(wordDropout);
        command.Options.Add(hidden);
        command.Options.Add(width);
        command.Options.Add(peer);
        command.Options.Add(search);
        command.Options.Add(candidates);
        command.Options.Add(runs);
        command.Validators.Add(result =>
        {
            if (!result.GetValue(search) && (result.GetResult(candidates) is { Implicit: false } || result.GetResult(runs) is { Implicit: false }))
                result.AddError("--candidates and --runs apply to --search only.");
        });
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, c =>
        {
            if (parse.GetValue(search))
                TextSearch.Run(c, parse.GetValue(runs) ?? 1, parse.GetValue(candidates));
            else
                Run(c, parse.GetValue(wordDropout), parse.GetValue(hidden), parse.GetValue(width), parse.GetValue(peer));
        }));
        return command;
    }

    /// <summary>
    /// The comparison; <paramref name="download"/> false (the tour) never downloads TREC: without it in the cache the
    /// synthetic corpus stands in, and every heading and table says so.
    /// </summary>
    public static void Run(RunContext context, float wordDropout, int? hidden, int? width = null, bool peer = false,
        bool download = true)
    {
        context.Out.Heading(TrecData.UsesSynthetic(context, download)
            ? "Sentence vectors on SYNTHETIC questions (not TREC)"
            : "Sentence vectors on TREC questions");
        var corpus = TrecData.Load(context, download);
        context.Out.Line($"corpus: {corpus.Description}");
        var train = corpus.Split.Train.Select(q => (IReadOnlyList<string>)Tokenizer.Tokenize(q.Text)).ToList();
        var test = corpus.Split.Test.Select(q => (IReadOnlyList<string>)Tokenizer.Tokenize(q.Text)).ToList();
        int[] trainLabels = corpus.Split.Train.Select(q => QuestionClasses.IndexOf(q.Label)).ToArray();
        int[] testLabels = corpus.Split.Test.Select(q => QuestionClasses.IndexOf(q.Label)).ToArray();
        WriteTokens(context, "text-tokens-train.txt", corpus.Split.Train, train);
        WriteTokens(context, "text-tokens-test.txt", corpus.Split.Test, test);
        // Only the training questions are ever seen by an unsupervised learner.
        var vocabulary = Vocabulary.Build(train, minCount: 2);
        context.Out.Line($"vocabulary: {vocabulary.Count:N0} entries (training words seen at least twice, plus 4 special tokens)");

        var rows = new List<TextRow>();
        var (lstm, lstmRow) = TextRows.Lstm(context, vocabulary, train, 0f, hidden);
        rows.Add(lstmRow);
        if (wordDropout > 0) rows.Add(TextRows.Lstm(context, vocabulary, train, wordDropout, hidden).Row);
        var (transformer, transformerRow) = TextRows.Transformer(context, vocabulary, train, width);
        rows.Add(transformerRow);
        Save(context, lstm, transformer);
        var (vectors, w2vRow, wordsPerSecond) = TextRows.Word2Vec(context, train);
        rows.Add(w2vRow);
        rows.Add(TextPeer.Row(context, peer, Word2VecCommand.Settings(context.Seed, context.Quick, null, null)));
        rows.Add(TextRows.BagOfWords(context, vocabulary, train));

        foreach (var row in rows)
        {
            if (row.Encoder is ISequenceAutoencoder ae)
            {
                context.Out.Line($"{row.Name}:");
                row.Reconstruction = TextRows.Reconstruction(context, ae, train, test);
            }
            if (row.Encoder is null) continue;
            row.Accuracy = TextRows.Classify(context, row.Name, row.Encoder, train, trainLabels, test, testLabels, out double fitSeconds);
            context.Out.Line($"  {row.Name,-28} test accuracy {row.Accuracy:P1} (features {row.Dimensions}, classifier {fitSeconds:F1} s)");
        }

        var neighbours = TextNeighbours.Find(context, corpus.Split, train, test,
            rows.Where(r => r.Encoder is not null and not BagOfWordsEncoder).Select(r => (r.Name, r.Encoder!)).ToList());
        string table = TextReport.Table(corpus, rows);
        context.Out.Line("");
        context.Out.Markdown(table);
        context.Report.Markdown(table);
        if (context.WriteDocs) TextReport.Write(context, corpus, table, neighbours);

        context.Results["command"] = "text";
        context.Results["corpus"] = corpus.Split.Source;
        context.Results["corpus_description"] = corpus.Description;
        context.Results["synthetic_corpus"] = corpus.IsSynthetic;
        context.Results["train_size"] = train.Count;
        context.Results["test_size"] = test.Count;
        foreach (var row in rows.Where(r => r.Encoder is not null))
        {
            string key = Key(row.Name);
            context.Results[$"accuracy_{key}"] = row.Accuracy ?? double.NaN;
            context.Results[$"train_seconds_{key}"] = row.TrainSeconds;
            if (row.Parameters is long p) context.Results[$"parameters_{key}"] = p;
            if (row.Reconstruction is not { } r) continue;
            context.Results[$"reconstruction_token_accuracy_{key}"] = r.Tokens;
            context.Results[$"exact_sentence_rate_{key}"] = r.Exact;
        }
        // The LSTM autoencoder's figures also under the keys issue #6 names.
        context.Results["reconstruction_token_accuracy"] = lstmRow.Reconstruction!.Tokens;
        context.Results["exact_sentence_rate"] = lstmRow.Reconstruction.Exact;
        context.Results["train_reconstruction_token_accuracy"] = lstmRow.Reconstruction.TrainTokens;
        context.Results["ae_epochs"] = context.Epochs ?? TextRows.DefaultEpochs(context);
        context.Results["ae_parameters"] = lstm.ParameterCount;
        context.Results["word2vec_words_per_second"] = wordsPerSecond;
        context.Results["word2vec_vocabulary"] = vectors.Count;
    }

    // --save PATH keeps the LSTM autoencoder at PATH and the Transformer beside it (PATH.transformer.safetensors).
    private static void Save(RunContext context, LstmTextAutoencoder lstm, TransformerTextAutoencoder transformer)
    {
        if (context.SavePath is null) return;
        string transformerPath = Path.ChangeExtension(context.SavePath, ".transformer.safetensors");
        Cli.OutputPaths.Write("--save", context.SavePath, lstm.Save);
        Cli.OutputPaths.Write("--save", transformerPath, transformer.Save);
        context.Out.Line($"saved {context.SavePath} and {transformerPath} (+ their .vocab.txt)");
    }

    private static string Key(string name) =>
        name.ToLowerInvariant().Replace("-", "_", StringComparison.Ordinal).Replace(' ', '_');

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
}
