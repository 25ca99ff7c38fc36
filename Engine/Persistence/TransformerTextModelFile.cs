using System.Text.Json;
using Engine.Models;

namespace Engine.Persistence;

/// <summary>
/// The file layout of a <see cref="TransformerTextAutoencoder"/>: the <see cref="TextModelFile"/> layout with the
/// options as JSON in the metadata entry <c>config</c> (snake_case, as the checkpoint configs). Reached through
/// <see cref="Checkpoint.Save(TransformerTextAutoencoder, string)"/> and <see cref="Checkpoint.Load{TModel}"/>.
/// </summary>
internal static class TransformerTextModelFile
{
    private const string FormatName = "engine-transformer-text-autoencoder";

    // Writes the weights with the options as JSON in the metadata entry "config", and the vocabulary beside them.
    public static void Save(TransformerTextAutoencoder model, string path) =>
        TextModelFile.Save(path, model, model.Vocabulary, FormatName, new Dictionary<string, string>
        {
            ["config"] = JsonSerializer.Serialize(model.Options, ModelConfigJson.Default.TransformerTextAutoencoderOptions),
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
            expected = TransformerTextAutoencoder.CountParameters(options, vocabularySize);
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
}
