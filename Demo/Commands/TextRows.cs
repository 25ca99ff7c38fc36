using System.Globalization;
using System.Diagnostics;
using Engine.Analysis;
using Engine.Models;
using Engine.Optim;
using Engine.Text;
using Engine.Training;

namespace Demo.Commands;

/// <summary>How well a sequence autoencoder rebuilds sentences: held-out token accuracy and exact rate, and the
/// token accuracy on as many training sentences.</summary>
internal sealed record TextReconstruction(double Tokens, double Exact, double TrainTokens);

/// <summary>
/// One row of the text comparison: a trained sentence encoder (null for a row measured by a peer script), what its
/// training cost, its size, and the results filled in by the command.
/// </summary>
internal sealed record TextRow(string Name, ISentenceEncoder? Encoder, double TrainSeconds, string Settings,
    long? Parameters)
{
    /// <summary>Vector length (for peer rows, as the peer reports it).</summary>
    public int Dimensions { get; init; } = Encoder?.Dimensions ?? 0;

    /// <summary>Test accuracy of the logistic regression on these vectors (with --folds, the mean over the folds).</summary>
    public double? Accuracy { get; set; }

    /// <summary>With --folds: the standard deviation of the accuracy over the folds; null for one split.</summary>
    public double? AccuracySpread { get; set; }

    /// <summary>With --folds: the accuracy on each fold, in fold order.</summary>
    public IReadOnlyList<double>? FoldAccuracies { get; set; }

    /// <summary>Filled in for sequence autoencoders.</summary>
    public TextReconstruction? Reconstruction { get; set; }

    /// <summary>The sequence autoencoder behind <see cref="Encoder"/> when the vector is more than its code (its
    /// reconstruction is measured too).</summary>
    public ISequenceAutoencoder? Autoencoder { get; init; } = Encoder as ISequenceAutoencoder;

    /// <summary>Stands in the table instead of the numbers when the row was not measured.</summary>
    public string? NotRun { get; init; }
}

/// <summary>
/// Builds and measures the rows of the `text` comparison: the LSTM autoencoder (plain and denoising), the
/// Transformer autoencoder, mean Word2Vec and tf-idf bag of words, each scored by the same logistic regression.
/// </summary>
internal static class TextRows
{
    public static int DefaultEpochs(RunContext context) => context.Quick ? 4 : 10;

    public static (LstmTextAutoencoder Model, TextRow Row) Lstm(RunContext context, Vocabulary vocabulary,
        List<IReadOnlyList<string>> train, float wordDropout, int? hidden, string part = "")
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
        const float rate = 3e-3f;
        string name = wordDropout > 0 ? "LSTM denoising autoencoder" : "LSTM sequence autoencoder";
        string settings = $"E {options.EmbeddingSize}, H {options.HiddenSize} bidirectional, Z {options.LatentSize}, " +
            $"word dropout {options.WordDropout}, Adam {rate}, batch 64, clip 5, {Epochs(context)} epochs";
        double seconds = Fit(context, name, model, model.ParameterCount, settings, train, rate, part);
        return (model, new TextRow(name, model, seconds, settings, model.ParameterCount));
    }

    public static (TransformerTextAutoencoder Model, TextRow Row) Transformer(RunContext context, Vocabulary vocabulary,
        List<IReadOnlyList<string>> train, int? width, string part = "")
    {
        int e = width ?? (context.Quick ? 32 : 128);
        var options = new TransformerTextAutoencoderOptions
        {
            ModelSize = e,
            Heads = 4,
            FeedForwardSize = 2 * e,
            EncoderLayers = context.Quick ? 1 : 2,
            DecoderLayers = context.Quick ? 1 : 2,
            LatentSize = context.Latent ?? (context.Quick ? 32 : 128),
            Dropout = 0.1f,
            MaxLength = 40,
        };
        var model = new TransformerTextAutoencoder(vocabulary, options, new Random(context.Seed));
        const float rate = 1e-3f;
        string name = "Transformer autoencoder";
        string settings = $"E {e}, {options.Heads} heads, F {options.FeedForwardSize}, {options.EncoderLayers}+{options.DecoderLayers} pre-norm blocks, " +
            $"mean pooling, Z {options.LatentSize}, dropout {options.Dropout}, Adam {rate}, batch 64, clip 5, {Epochs(context)} epochs";
        double seconds = Fit(context, name, model, model.ParameterCount, settings, train, rate, part);
        return (model, new TextRow(name, model, seconds, settings, model.ParameterCount));
    }

    public static (WordVectors Vectors, TextRow Row, double WordsPerSecond) Word2Vec(RunContext context,
        List<IReadOnlyList<string>> train)
    {
        var options = Word2VecCommand.Settings(context.Seed, context.Quick, epochs: null, dimensions: null);
        var clock = Stopwatch.StartNew();
        Word2VecResult result;
        using (context.Out.Step($"Word2Vec ({options.Epochs} epochs)"))
            result = Word2VecTrainer.Train(train, options);
        double seconds = clock.Elapsed.TotalSeconds;
        string settings = Word2VecCommand.Describe(options);
        context.Out.Line($"Word2Vec: {settings}: {result.Vectors.Count:N0} words, {result.WordsPerSecond:N0} words/s");
        // Skip-gram trains an input and an output vector per word; only the input vectors are kept.
        long parameters = 2L * result.Vectors.Count * options.Dimensions;
        // Its speed stands in the row, beside the gensim peer's of the same run.
        string rowSettings = string.Create(CultureInfo.InvariantCulture, $"{settings}, {result.WordsPerSecond:N0} words/s");
        return (result.Vectors, new TextRow("mean Word2Vec", new MeanWordVectorEncoder(result.Vectors), seconds, rowSettings,
            parameters), result.WordsPerSecond);
    }

    /// <summary>
    /// The LSTM autoencoder of the recipe chosen on validation sentences (<see cref="TextSearch.Chosen"/>): its
    /// embeddings start from <paramref name="word2vec"/> (the mean-Word2Vec row's vectors, same sentences and seed)
    /// and its sentence vector is z beside the mean of its own word embeddings. With --quick the sizes shrink like
    /// the other rows'.
    /// </summary>
    public static TextRow Chosen(RunContext context, Vocabulary vocabulary, List<IReadOnlyList<string>> train,
        WordVectors word2vec, int? hidden, string part = "")
    {
        var recipe = TextSearch.Chosen with { Epochs = Epochs(context) };
        if (context.Quick) recipe = recipe with { Embedding = word2vec.Dimensions, Hidden = 64, Latent = 32 };
        if (hidden is int h) recipe = recipe with { Hidden = h };
        if (context.Latent is int latent) recipe = recipe with { Latent = latent };
        var vectors = TextSearch.Word2VecAt(word2vec, recipe.Embedding, train, context.Seed, context);
        var model = recipe.Build(vocabulary, context.Seed, vectors);
        const string name = "LSTM autoencoder, recipe chosen on validation";
        string settings = recipe.Describe();
        context.Out.Line($"{name}: {settings}, {model.ParameterCount:N0} parameters");
        var ids = train.Select(model.ToIds).ToList();
        var clock = Stopwatch.StartNew();
        var history = recipe.Train(model, ids, context.Seed, recipe.Epochs, context, reportEpochs: true);
        context.Report.LossChart(name + part, history.Epochs, "loss: cross-entropy per token (nats)");
        return new TextRow(name, recipe.Encoder(model), clock.Elapsed.TotalSeconds, settings, model.ParameterCount)
        {
            Autoencoder = model,
        };
    }

    public static TextRow BagOfWords(RunContext context, Vocabulary vocabulary, List<IReadOnlyList<string>> train)
    {
        var clock = Stopwatch.StartNew();
        BagOfWordsEncoder encoder;
        using (context.Out.Step("tf-idf bag of words"))
            encoder = BagOfWordsEncoder.Fit(vocabulary, train);
        return new TextRow("tf-idf bag of words", encoder, clock.Elapsed.TotalSeconds,
            $"{vocabulary.Count - Vocabulary.SpecialCount} features, L2-normalised rows", null);
    }

    public static TextReconstruction Reconstruction(RunContext context, ISequenceAutoencoder model,
        List<IReadOnlyList<string>> train, List<IReadOnlyList<string>> test)
    {
        var testIds = test.Select(model.ToIds).ToList();
        List<int[]> decoded;
        var trainIds = train.Take(test.Count).Select(model.ToIds).ToList();
        List<int[]> trainDecoded;
        using (context.Out.Step($"decoding {testIds.Count + trainIds.Count:N0} sentences"))
        {
            decoded = model.Reconstruct(testIds).ToList();
            trainDecoded = model.Reconstruct(trainIds).ToList();
        }
        double tokens = ReconstructionMetrics.TokenAccuracy(testIds, decoded);
        double exact = ReconstructionMetrics.ExactRate(testIds, decoded);
        double trainTokens = ReconstructionMetrics.TokenAccuracy(trainIds, trainDecoded);
        context.Out.Line($"reconstruction of held-out sentences: token accuracy {tokens:P1}, exact {exact:P1} " +
            $"(first {trainIds.Count} training sentences: token accuracy {trainTokens:P1})");
        for (int i = 0; i < Math.Min(3, testIds.Count); i++)
            context.Out.Line($"  {model.Vocabulary.Decode(testIds[i])}\n    -> {model.Vocabulary.Decode(decoded[i])}");
        return new TextReconstruction(tokens, exact, trainTokens);
    }

    /// <summary>
    /// Standardised features (tf-idf rows stay as they are), then the same logistic regression for every row, over
    /// <paramref name="classes"/> classes (the data's, never a fixed number).
    /// </summary>
    public static double Classify(RunContext context, string name, ISentenceEncoder encoder, List<IReadOnlyList<string>> train, int[] trainLabels,
        List<IReadOnlyList<string>> test, int[] testLabels, int classes, out double seconds)
    {
        var clock = Stopwatch.StartNew();
        using var step = context.Out.Step($"logistic regression on the {name} vectors ({encoder.Dimensions:N0} features)");
        int d = encoder.Dimensions;
        float[] xTrain = encoder.Encode(train), xTest = encoder.Encode(test);
        if (encoder is not BagOfWordsEncoder)
        {
            var scaler = new StandardScaler().Fit(xTrain, train.Count, d);
            xTrain = scaler.Transform(xTrain, train.Count);
            xTest = scaler.Transform(xTest, test.Count);
        }
        var classifier = new LogisticRegression { C = 1, MaxIterations = 1000 };
        classifier.Fit(xTrain, train.Count, d, trainLabels, classes);
        double accuracy = classifier.Score(xTest, test.Count, testLabels);
        seconds = clock.Elapsed.TotalSeconds;
        return accuracy;
    }

    private static int Epochs(RunContext context) => context.Epochs ?? DefaultEpochs(context);

    // Trains a sentence autoencoder with the settings every autoencoder row shares; returns the wall-clock seconds.
    // `part` names the fold in the loss chart's title (" (fold 2 of 5)"), empty for one split.
    private static double Fit(RunContext context, string name, ISequenceAutoencoder model, long parameters,
        string settings, List<IReadOnlyList<string>> train, float learningRate, string part)
    {
        int epochs = Epochs(context);
        context.Out.Line($"{name}: {settings}, {parameters:N0} parameters");
        var ids = train.Select(model.ToIds).ToList();
        var clock = Stopwatch.StartNew();
        var history = new TextTrainer(new TrainerOptions
        {
            Epochs = epochs, BatchSize = 64, ClipGradientNorm = 5f, Seed = context.Seed,
            Cancellation = context.Cancellation,
            OnBatch = r => context.Out.Batch(r, epochs),
            OnEpoch = r => context.Out.Epoch(r, epochs),
        }).Fit(model, new Adam(model.Parameters(), learningRate), ids);
        context.Report.LossChart(name + part, history.Epochs, "loss: cross-entropy per token (nats)");
        return clock.Elapsed.TotalSeconds;
    }
}
