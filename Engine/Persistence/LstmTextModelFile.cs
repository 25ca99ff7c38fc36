using System.Globalization;
using Engine.Models;

namespace Engine.Persistence;

/// <summary>
/// The file layout of an <see cref="LstmTextAutoencoder"/>: the <see cref="TextModelFile"/> layout with the options
/// as one metadata entry each. Reached through <see cref="Checkpoint.Save(LstmTextAutoencoder, string)"/> and
/// <see cref="Checkpoint.Load{TModel}"/>.
/// </summary>
internal static class LstmTextModelFile
{
    private const string FormatName = "engine-lstm-text-autoencoder";

    // Metadata names of LstmPooling, by value.
    private static readonly string[] PoolingNames = ["final_states", "mean_max"];

    // Writes the weights with one metadata entry per option, and the vocabulary beside them.
    public static void Save(LstmTextAutoencoder model, string path)
    {
        var c = CultureInfo.InvariantCulture;
        var options = model.Options;
        TextModelFile.Save(path, model, model.Vocabulary, FormatName, new Dictionary<string, string>
        {
            ["embedding_size"] = options.EmbeddingSize.ToString(c),
            ["hidden_size"] = options.HiddenSize.ToString(c),
            ["latent_size"] = options.LatentSize.ToString(c),
            ["layers"] = options.Layers.ToString(c),
            ["bidirectional"] = options.Bidirectional ? "true" : "false",
            ["word_dropout"] = options.WordDropout.ToString("R", c),
            ["max_length"] = options.MaxLength.ToString(c),
            ["pooling"] = PoolingNames[(int)options.Pooling],
        });
    }

    /// <summary>Loads a model written by <see cref="Save"/> (weights file and the vocabulary beside it).</summary>
    /// <exception cref="InvalidDataException">
    /// The file is not such a model, an option is missing or invalid, or a tensor is missing or has the wrong shape;
    /// the message names the file and the entry.
    /// </exception>
    /// <exception cref="FileNotFoundException">The weights or vocabulary file does not exist.</exception>
    public static LstmTextAutoencoder Load(string path)
    {
        var file = TextModelFile.Open(path, FormatName, "an LSTM text autoencoder");
        var meta = file.Metadata;
        LstmTextAutoencoderOptions options;
        try
        {
            options = new LstmTextAutoencoderOptions
            {
                EmbeddingSize = TextModelFile.Int(meta, "embedding_size", path),
                HiddenSize = TextModelFile.Int(meta, "hidden_size", path),
                LatentSize = TextModelFile.Int(meta, "latent_size", path),
                Layers = TextModelFile.Int(meta, "layers", path),
                Bidirectional = TextModelFile.MetaText(meta, "bidirectional", path) switch
                {
                    "true" => true,
                    "false" => false,
                    var other => throw new InvalidDataException($"{path}: metadata 'bidirectional' is '{other}', expected true or false."),
                },
                WordDropout = float.TryParse(TextModelFile.MetaText(meta, "word_dropout", path), NumberStyles.Float,
                    CultureInfo.InvariantCulture, out float p)
                    ? p : throw new InvalidDataException($"{path}: metadata 'word_dropout' is not a number."),
                MaxLength = TextModelFile.Int(meta, "max_length", path),
                Pooling = ReadPooling(meta, path),
            };
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        var model = new LstmTextAutoencoder(TextModelFile.LoadVocabulary(path, file), options, new Random(0));
        TextModelFile.CopyWeights(path, file, model);
        return model;
    }

    // Files written before mean-max pooling existed have no "pooling" entry: they used the final states.
    private static LstmPooling ReadPooling(IReadOnlyDictionary<string, string> meta, string path)
    {
        if (!meta.TryGetValue("pooling", out string? name))
            return LstmPooling.FinalStates;
        int index = Array.IndexOf(PoolingNames, name);
        return index >= 0
            ? (LstmPooling)index
            : throw new InvalidDataException($"{path}: metadata 'pooling' is '{name}', expected {string.Join(" or ", PoolingNames)}.");
    }
}
