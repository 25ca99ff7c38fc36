using System.Globalization;
using Engine.IO;
using Engine.Text;

namespace Engine.Models;

public sealed partial class LstmTextAutoencoder
{
    private const string FormatName = "engine-lstm-text-autoencoder";

    /// <summary>Where <see cref="Save"/> puts the vocabulary for a weights file: <c>name.vocab.txt</c> beside it.</summary>
    public static string VocabularyPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Path.ChangeExtension(path, ".vocab.txt");
    }

    /// <summary>
    /// Saves the weights as safetensors (F32, PyTorch parameter names; the options in the metadata) to
    /// <paramref name="path"/>, and the vocabulary with <see cref="Vocabulary.Save"/> to
    /// <see cref="VocabularyPath"/>. Each file is written atomically; the folder is created if needed.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var tensors = NamedParameters()
            .Select(p => new SafeTensor(p.Name, p.Parameter.Shape.ToArray(), p.Parameter.ToArray()))
            .ToList();
        var c = CultureInfo.InvariantCulture;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = FormatName,
            ["embedding_size"] = Options.EmbeddingSize.ToString(c),
            ["hidden_size"] = Options.HiddenSize.ToString(c),
            ["latent_size"] = Options.LatentSize.ToString(c),
            ["layers"] = Options.Layers.ToString(c),
            ["bidirectional"] = Options.Bidirectional ? "true" : "false",
            ["word_dropout"] = Options.WordDropout.ToString("R", c),
            ["max_length"] = Options.MaxLength.ToString(c),
            ["vocabulary_size"] = Vocabulary.Count.ToString(c),
        };
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        SafeTensors.Write(path, tensors, metadata);
        Vocabulary.Save(VocabularyPath(path));
    }

    /// <summary>Loads a model written by <see cref="Save"/> (weights file and the vocabulary beside it).</summary>
    /// <exception cref="InvalidDataException">
    /// The file is not such a model, an option is missing or invalid, or a tensor is missing or has the wrong shape;
    /// the message names the file and the entry.
    /// </exception>
    /// <exception cref="FileNotFoundException">The weights or vocabulary file does not exist.</exception>
    public static LstmTextAutoencoder Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = SafeTensors.Read(path);
        var meta = file.Metadata;
        if (!meta.TryGetValue("format", out string? format) || format != FormatName)
            throw new InvalidDataException($"{path}: not an LSTM text autoencoder (metadata 'format' is '{format ?? "missing"}', expected '{FormatName}').");
        LstmTextAutoencoderOptions options;
        try
        {
            options = new LstmTextAutoencoderOptions
            {
                EmbeddingSize = Int(meta, "embedding_size", path),
                HiddenSize = Int(meta, "hidden_size", path),
                LatentSize = Int(meta, "latent_size", path),
                Layers = Int(meta, "layers", path),
                Bidirectional = MetaText(meta, "bidirectional", path) switch
                {
                    "true" => true,
                    "false" => false,
                    var other => throw new InvalidDataException($"{path}: metadata 'bidirectional' is '{other}', expected true or false."),
                },
                WordDropout = float.TryParse(MetaText(meta, "word_dropout", path), NumberStyles.Float, CultureInfo.InvariantCulture, out float p)
                    ? p : throw new InvalidDataException($"{path}: metadata 'word_dropout' is not a number."),
                MaxLength = Int(meta, "max_length", path),
            };
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        var vocabulary = Vocabulary.Load(VocabularyPath(path));
        if (vocabulary.Count != Int(meta, "vocabulary_size", path))
            throw new InvalidDataException($"{path}: the weights are for {meta["vocabulary_size"]} words but {VocabularyPath(path)} holds {vocabulary.Count}.");

        var model = new LstmTextAutoencoder(vocabulary, options, new Random(0));
        foreach (var (name, parameter) in model.NamedParameters())
        {
            if (!file.TryGet(name, out var stored))
                throw new InvalidDataException($"{path}: tensor '{name}' is missing.");
            if (!stored.Shape.SequenceEqual(parameter.Shape.ToArray()))
                throw new InvalidDataException($"{path}: tensor '{name}' has shape ({string.Join(", ", stored.Shape)}); expected {parameter.Shape}.");
            stored.ToFloatArray().CopyTo(parameter.Span);
        }
        if (file.Tensors.Count != model.NamedParameters().Count())
            throw new InvalidDataException($"{path}: {file.Tensors.Count} tensors stored; the model has {model.NamedParameters().Count()}.");
        return model;
    }

    private static string MetaText(IReadOnlyDictionary<string, string> meta, string key, string path) =>
        meta.TryGetValue(key, out string? value) ? value : throw new InvalidDataException($"{path}: metadata '{key}' is missing.");

    private static int Int(IReadOnlyDictionary<string, string> meta, string key, string path) =>
        int.TryParse(MetaText(meta, key, path), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value : throw new InvalidDataException($"{path}: metadata '{key}' is not an integer.");
}
