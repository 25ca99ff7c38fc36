using System.Globalization;
using Engine.Text;

namespace Engine.Models;

public sealed partial class LstmTextAutoencoder
{
    private const string FormatName = "engine-lstm-text-autoencoder";

    // Metadata names of LstmPooling, by value.
    private static readonly string[] PoolingNames = ["final_states", "mean_max"];

    /// <summary>Where <see cref="Save"/> puts the vocabulary for a weights file: <c>name.vocab.txt</c> beside it.</summary>
    public static string VocabularyPath(string path) => TextModelFile.VocabularyPath(path);

    /// <summary>
    /// Saves the weights as safetensors (F32, PyTorch parameter names; the options in the metadata) to
    /// <paramref name="path"/>, and the vocabulary with <see cref="Vocabulary.Save"/> to
    /// <see cref="VocabularyPath"/>. Each file is written atomically; the folder is created if needed.
    /// </summary>
    public void Save(string path)
    {
        var c = CultureInfo.InvariantCulture;
        TextModelFile.Save(path, this, Vocabulary, FormatName, new Dictionary<string, string>
        {
            ["embedding_size"] = Options.EmbeddingSize.ToString(c),
            ["hidden_size"] = Options.HiddenSize.ToString(c),
            ["latent_size"] = Options.LatentSize.ToString(c),
            ["layers"] = Options.Layers.ToString(c),
            ["bidirectional"] = Options.Bidirectional ? "true" : "false",
            ["word_dropout"] = Options.WordDropout.ToString("R", c),
            ["max_length"] = Options.MaxLength.ToString(c),
            ["pooling"] = PoolingNames[(int)Options.Pooling],
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
