using System.Globalization;
using Engine.Models;
using Engine.Optim;
using Engine.Text;
using Engine.Training;

namespace Demo.Commands;

/// <summary>
/// Everything that decides how an LSTM sentence autoencoder of the `text` command is built and trained: sizes,
/// pooling, word dropout, whether its embeddings start from Word2Vec trained on the same sentences, epochs and the
/// learning-rate schedule. The recipe search (<see cref="TextSearch"/>) compares these on validation sentences.
/// </summary>
internal sealed record LstmRecipe(string Name, int Embedding, int Hidden, int Latent, LstmPooling Pooling,
    float WordDropout, bool Word2VecInit, int Epochs, float LearningRate, bool Cosine, bool WithEmbeddings = false)
{
    /// <summary>The recipe of the rows before the search: final states, 10 epochs at a constant rate.</summary>
    public static LstmRecipe Plain { get; } = new("final states", 64, 128, 128, LstmPooling.FinalStates, 0f, false, 10, 3e-3f, false);

    public string Describe() => DescribeModel() + (WithEmbeddings ? "; vector = z and the mean of the model's word embeddings" : "");

    private string DescribeModel() => string.Create(CultureInfo.InvariantCulture,
        $"E {Embedding}{(Word2VecInit ? " from Word2Vec" : "")}, H {Hidden} bidirectional, "
        + $"{(Pooling == LstmPooling.MeanMax ? "mean+max pooling" : "final states")}, Z {Latent}, word dropout {WordDropout}, "
        + $"Adam {LearningRate}{(Cosine ? " cosine to 0" : "")}, batch 64, clip 5, {Epochs} epochs");

    /// <summary>The sentence vector of a trained model: z, or z beside the mean of its word embeddings ("SAE+embs").</summary>
    public ISentenceEncoder Encoder(LstmTextAutoencoder model) => WithEmbeddings
        ? new ConcatenatedEncoder(model, new MeanWordVectorEncoder(model.WordEmbeddings()))
        : model;

    /// <summary>Builds the model; with <see cref="Word2VecInit"/>, <paramref name="vectors"/> must have E dimensions.</summary>
    public LstmTextAutoencoder Build(Vocabulary vocabulary, int seed, WordVectors? vectors)
    {
        var model = new LstmTextAutoencoder(vocabulary, new LstmTextAutoencoderOptions
        {
            EmbeddingSize = Embedding,
            HiddenSize = Hidden,
            LatentSize = Latent,
            Layers = 1,
            Bidirectional = true,
            WordDropout = WordDropout,
            Pooling = Pooling,
            MaxLength = 40,
        }, new Random(seed));
        if (Word2VecInit)
            model.InitializeEmbeddings(vectors ?? throw new ArgumentException($"recipe {Name}: needs Word2Vec vectors to start from."));
        return model;
    }

    /// <summary>
    /// The trainer settings of this recipe (callbacks and cancellation added by the caller); the optimizer is Adam at
    /// <see cref="LearningRate"/> (<see cref="Optimizer"/>).
    /// </summary>
    public TrainerOptions Trainer(int seed, int? epochs = null)
    {
        int n = epochs ?? Epochs;
        return new TrainerOptions
        {
            Epochs = n,
            BatchSize = 64,
            ClipGradientNorm = 5f,
            Seed = seed,
            Schedule = Cosine ? new CosineSchedule(LearningRate, n) : null,
        };
    }

    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="sentences"/> (id sequences) with this recipe's settings and
    /// optimizer for <paramref name="epochs"/> epochs, stopping on the run's Ctrl+C and reporting every batch (and,
    /// with <paramref name="reportEpochs"/>, every epoch) to the run's output.
    /// </summary>
    public TrainingHistory Train(LstmTextAutoencoder model, IReadOnlyList<int[]> sentences, int seed, int epochs,
        RunContext context, bool reportEpochs) =>
        new TextTrainer(Trainer(seed, epochs) with
        {
            Cancellation = context.Cancellation,
            OnBatch = r => context.Out.Batch(r, epochs),
            OnEpoch = reportEpochs ? r => context.Out.Epoch(r, epochs) : null,
        }).Fit(model, Optimizer(model), sentences);

    /// <summary>The recipe's optimizer over <paramref name="model"/>'s parameters: Adam at <see cref="LearningRate"/>.</summary>
    public Adam Optimizer(ISequenceAutoencoder model) => new(model.Parameters(), LearningRate);
}
