using System.Text.Json;

namespace Engine.Models;

public sealed partial class TransformerTextAutoencoder
{
    private const string FormatName = "engine-transformer-text-autoencoder";

    /// <summary>Where <see cref="Save"/> puts the vocabulary for a weights file: <c>name.vocab.txt</c> beside it.</summary>
    public static string VocabularyPath(string path) => TextModelFile.VocabularyPath(path);

    /// <summary>
    /// Saves the weights as safetensors (F32, the parameter names of the class remarks) to <paramref name="path"/>
    /// with the options as JSON in the metadata entry <c>config</c> (snake_case, as the checkpoint configs), and
    /// the vocabulary to <see cref="VocabularyPath"/>: the same layout as <see cref="LstmTextAutoencoder.Save"/>.
    /// Each file is written atomically; the folder is created if needed.
    /// </summary>
    public void Save(string path) =>
        TextModelFile.Save(path, this, Vocabulary, FormatName, new Dictionary<string, string>
        {
            ["config"] = JsonSerializer.Serialize(Options, ModelConfigJson.Default.TransformerTextAutoencoderOptions),
        });

    /// <summary>Loads a model written by <see cref="Save"/> (weights file and the vocabulary beside it).</summary>
    /// <exception cref="InvalidDataException">
    /// The file is not such a model, the config is missing or invalid or describes a different number of weights
    /// than the file holds (checked before anything is allocated), or a tensor is missing or has the wrong shape;
    /// the message names the file and the entry.
    /// </exception>
    /// <exception cref="FileNotFoundException">The weights or vocabulary file does not exist.</exception>
    public static TransformerTextAutoencoder Load(string path)
    {
        var file = TextModelFile.Open(path, FormatName, "a Transformer text autoencoder");
        TransformerTextAutoencoderOptions options;
        long expected;
        int vocabularySize = TextModelFile.Int(file.Metadata, "vocabulary_size", path);
        try
        {
            options = JsonSerializer.Deserialize(TextModelFile.MetaText(file.Metadata, "config", path),
                          ModelConfigJson.Default.TransformerTextAutoencoderOptions)
                      ?? throw new InvalidDataException($"{path}: metadata 'config' is null.");
            options.Validate();
            expected = CountParameters(options, vocabularySize);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"{path}: metadata 'config' describes no valid model: {e.Message}", e);
        }
        long stored = file.Tensors.Sum(t => (long)t.ElementCount);
        if (stored != expected)
            throw new InvalidDataException($"{path}: the config describes {expected:N0} weights but the file holds {stored:N0}.");
        var model = new TransformerTextAutoencoder(TextModelFile.LoadVocabulary(path, file), options, new Random(0));
        TextModelFile.CopyWeights(path, file, model);
        model.Eval();
        return model;
    }

    /// <summary>
    /// The number of trained weights of a model with these options over <paramref name="vocabularySize"/> words
    /// (what <see cref="Layers.Module.ParameterCount"/> reports once it is built), computed without building it.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid or the vocabulary size is below 1.</exception>
    /// <exception cref="OverflowException">The count does not fit in a long.</exception>
    public static long CountParameters(TransformerTextAutoencoderOptions options, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (vocabularySize < 1)
            throw new ArgumentException($"TransformerTextAutoencoder.CountParameters: vocabulary size {vocabularySize} is below 1.", nameof(vocabularySize));
        checked
        {
            long e = options.ModelSize, f = options.FeedForwardSize, z = options.LatentSize, v = vocabularySize;
            long attention = 4 * (e * e + e);          // in_proj (3E, E) + (3E), out_proj (E, E) + (E)
            long feedForward = (f * e + f) + (e * f + e);
            long norm = 2 * e;
            long encoderBlock = attention + feedForward + 2 * norm;
            long decoderBlock = 2 * attention + feedForward + 3 * norm;
            long summary = options.Pooling == SentencePooling.SummaryToken ? e : 0;
            return v * e + summary                      // embedding, summary token
                + options.EncoderLayers * encoderBlock + norm
                + (e * z + z) + (z * e + e)             // to_latent, from_latent
                + options.DecoderLayers * decoderBlock + norm
                + (e * v + v);                          // output
        }
    }
}
