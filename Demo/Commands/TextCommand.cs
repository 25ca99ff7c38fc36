using System.CommandLine;
using Engine.Models;
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
    private static readonly Option<float> WordDropoutOption = new("--word-dropout")
    {
        Description = "Word dropout of the denoising LSTM row (probability of replacing an encoder input word by <unk> in training); 0 leaves the row out.",
        DefaultValueFactory = _ => 0.25f,
    };

    private static readonly Option<int?> HiddenOption = new("--hidden") { Description = "LSTM hidden size (default 128; 64 with --quick)." };

    private static readonly Option<int?> WidthOption = new("--width") { Description = "Transformer model width (default 128; 32 with --quick)." };

    private static readonly Option<bool> PeerOption = new("--peer")
    {
        Description = "Also run Engine.Bench/peers/trec_sentence_peer.py (python3 with gensim and scikit-learn) and put its row in the table.",
    };

    private static readonly Option<bool> SearchOption = new("--search")
    {
        Description = "Compare the LSTM autoencoder recipes on validation questions held out from the training file (the test file is not read).",
    };

    private static readonly Option<string?> CandidatesOption = new("--candidates")
    {
        Description = "With --search: only these recipes (numbers from 1 or names, comma-separated); the chapter is not written.",
    };

    private static readonly Option<int> RunsOption = new("--runs")
    {
        Description = "Seeds per learner, from --seed on (mean and spread are reported).",
        DefaultValueFactory = _ => 1,
    };

    public static Command Create(CommonOptions options)
    {
        var command = new Command("text",
            "TREC question classification from sentence vectors: LSTM and Transformer sequence autoencoders vs mean Word2Vec vs tf-idf bag of words.");
        command.Options.Add(WordDropoutOption);
        command.Options.Add(HiddenOption);
        command.Options.Add(WidthOption);
        command.Options.Add(PeerOption);
        command.Options.Add(SearchOption);
        command.Options.Add(CandidatesOption);
        command.Options.Add(RunsOption);
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token,
            c =>
            {
                if (parse.GetValue(SearchOption))
                    Search(c, parse.GetValue(RunsOption), parse.GetValue(CandidatesOption));
                else
                    Run(c, parse.GetValue(WordDropoutOption), parse.GetValue(HiddenOption), parse.GetValue(WidthOption),
                        parse.GetValue(PeerOption));
            }));
        return command;
    }

    private static void Search(RunContext context, int runs, string? candidates)
    {
        if (runs < 1) throw new ArgumentException($"--runs must be at least 1, got {runs}.");
        TextSearch.Run(context, runs, candidates);
    }

    public static void Run(RunContext context, float wordDropout, int? hidden, int? width = null, bool peer = false)
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
        rows.Add(TextRows.BagOfWords(vocabulary, train));

        foreach (var row in rows)
        {
            if (row.Encoder is ISequenceAutoencoder ae)
            {
                context.Out.Line($"{row.Name}:");
                row.Reconstruction = TextRows.Reconstruction(context, ae, train, test);
            }
            if (row.Encoder is null) continue;
            row.Accuracy = TextRows.Classify(row.Encoder, train, trainLabels, test, testLabels, out double fitSeconds);
            context.Out.Line($"  {row.Name,-28} test accuracy {row.Accuracy:P1} (features {row.Dimensions}, classifier {fitSeconds:F1} s)");
        }

        var neighbours = TextNeighbours.Find(context, corpus.Split, train, test,
            rows.Where(r => r.Encoder is not null and not BagOfWordsEncoder).Select(r => (r.Name, r.Encoder!)).ToList());
        string table = TextReport.Table(corpus.Description, rows);
        context.Out.Line("");
        context.Out.Markdown(table);
        context.Report.Markdown(table);
        if (context.WriteDocs) TextReport.Write(context, table, neighbours);

        context.Results["command"] = "text";
        context.Results["corpus"] = corpus.Split.Source;
        context.Results["corpus_description"] = corpus.Description;
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
        lstm.Save(context.SavePath);
        transformer.Save(transformerPath);
        context.Out.Line($"saved {context.SavePath} and {transformerPath} (+ their .vocab.txt)");
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
        var split = QuestionCorpus.LoadTrecOrSynthetic(dir is null ? null : Path.Combine(dir, TrainFile),
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
}
