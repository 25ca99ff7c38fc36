using System.Globalization;
using Engine.IO;
using Engine.Layers;
using Engine.Text;

namespace Engine.Persistence;

/// <summary>
/// The file layout the sentence autoencoders share: the weights as safetensors (F32, PyTorch parameter names,
/// the architecture in the metadata with a "format" entry naming the model) and the vocabulary beside it as
/// <c>name.vocab.txt</c>. Both files are written atomically.
/// </summary>
internal static class TextModelFile
{
    /// <summary>Where the vocabulary of a weights file goes: <c>name.vocab.txt</c> beside it.</summary>
    public static string VocabularyPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Path.ChangeExtension(path, ".vocab.txt");
    }

    // Writes every parameter of model plus the metadata (format and vocabulary size added) and the vocabulary.
    public static void Save(string path, Module model, Vocabulary vocabulary, string format,
        Dictionary<string, string> metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var tensors = model.NamedParameters()
            .Select(p => new SafeTensor(p.Name, p.Parameter.Shape.ToArray(), p.Parameter.ToArray()))
            .ToList();
        metadata["format"] = format;
        metadata["vocabulary_size"] = vocabulary.Count.ToString(CultureInfo.InvariantCulture);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        SafeTensors.Write(path, tensors, metadata);
        vocabulary.Save(VocabularyPath(path));
    }

    // Reads the weights file and checks that it holds the expected format.
    public static SafeTensorFile Open(string path, string format, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = SafeTensors.Read(path);
        if (!file.Metadata.TryGetValue("format", out string? stored) || stored != format)
            throw new InvalidDataException($"{path}: not {what} (metadata 'format' is '{stored ?? "missing"}', expected '{format}').");
        return file;
    }

    // The vocabulary beside the weights, checked against the size the weights were saved with.
    public static Vocabulary LoadVocabulary(string path, SafeTensorFile file)
    {
        var vocabulary = Vocabulary.Load(VocabularyPath(path));
        if (vocabulary.Count != Int(file.Metadata, "vocabulary_size", path))
            throw new InvalidDataException($"{path}: the weights are for {file.Metadata["vocabulary_size"]} words but {VocabularyPath(path)} holds {vocabulary.Count}.");
        return vocabulary;
    }

    // Copies every stored tensor into the parameter of the same name; names and shapes must match exactly.
    public static void CopyWeights(string path, SafeTensorFile file, Module model)
    {
        var parameters = model.NamedParameters().ToList();
        foreach (var (name, parameter) in parameters)
        {
            if (!file.TryGet(name, out var stored))
                throw new InvalidDataException($"{path}: tensor '{name}' is missing.");
            if (!stored.Shape.SequenceEqual(parameter.Shape.ToArray()))
                throw new InvalidDataException($"{path}: tensor '{name}' has shape ({string.Join(", ", stored.Shape)}); expected {parameter.Shape}.");
            stored.ToFloatArray().CopyTo(parameter.Span);
        }
        if (file.Tensors.Count != parameters.Count)
            throw new InvalidDataException($"{path}: {file.Tensors.Count} tensors stored; the model has {parameters.Count}.");
    }

    public static string MetaText(IReadOnlyDictionary<string, string> meta, string key, string path) =>
        meta.TryGetValue(key, out string? value) ? value : throw new InvalidDataException($"{path}: metadata '{key}' is missing.");

    public static int Int(IReadOnlyDictionary<string, string> meta, string key, string path) =>
        int.TryParse(MetaText(meta, key, path), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value : throw new InvalidDataException($"{path}: metadata '{key}' is not an integer.");
}
