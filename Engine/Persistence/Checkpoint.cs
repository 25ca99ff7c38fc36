using System.Globalization;
using System.Text.Json;
using Engine.IO;
using Engine.Layers;
using Engine.Models;

namespace Engine.Persistence;

/// <summary>
/// Saves a model to one safetensors file and rebuilds it from that file alone, with bitwise identical outputs: the
/// one save/load entry point for every model kind (<see cref="Save(AutoencoderModel, string, IReadOnlyDictionary{string, string}?)"/>
/// and <see cref="Load(string)"/> for the image autoencoders, the <c>Save</c> overloads and <see cref="Load{TModel}"/>
/// for the sentence autoencoders, which keep their vocabulary beside the weights).
/// </summary>
/// <remarks>
/// <para>Layout: the tensors are the model's <see cref="Module.StateDict"/> under exactly those names (PyTorch's
/// state_dict names, float32), so <c>safetensors.torch.load_file</c> + <c>load_state_dict</c> read it directly.
/// The header's <c>__metadata__</c> (string to string) holds <c>format</c> = "engine-checkpoint",
/// <c>version</c> = "1", <c>model</c> = the registered type name, <c>config</c> = the options record as JSON, and
/// <c>metadata</c> = a JSON object of caller-supplied strings. A training checkpoint adds <c>training</c> (JSON)
/// and tensors under <see cref="TrainingPrefix"/>; <see cref="Load"/> ignores both.</para>
/// <para>Why one file rather than weights + a JSON sidecar: a single atomic rename (<see cref="AtomicFile"/>)
/// means a crash can never pair new weights with an old config, and there is no second file to lose when
/// copying a model around. Any safetensors reader still sees plain weights.</para>
/// <para>The model types that can be saved are listed in <see cref="ModelRegistry"/>.</para>
/// </remarks>
public static class Checkpoint
{
    /// <summary>The value of the <c>format</c> metadata key.</summary>
    public const string Format = "engine-checkpoint";

    /// <summary>The layout version this build writes and reads.</summary>
    public const int Version = 1;

    /// <summary>Names starting with this hold training state (optimizer moments, data order), not weights.</summary>
    public const string TrainingPrefix = "training/";

    /// <summary>Saves <paramref name="model"/> (architecture and weights) to <paramref name="path"/>, atomically.</summary>
    /// <param name="model">A model whose type is registered in <see cref="ModelRegistry"/>.</param>
    /// <param name="path">The file to create or replace; <c>.safetensors</c> is the usual extension.</param>
    /// <param name="metadata">Free-form notes stored with the model (data set, epochs, loss...).</param>
    /// <exception cref="ArgumentException">The model type is not registered.</exception>
    public static void Save(AutoencoderModel model, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        Write(model, path, metadata, trainingJson: null, []);

    /// <summary>
    /// Rebuilds the model saved at <paramref name="path"/>: the architecture from the config, then the weights.
    /// The model is in evaluation mode.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is not a valid checkpoint: broken safetensors, not an engine checkpoint, another version, an
    /// unknown model type, a bad config, or tensors missing, extra or mis-shaped; the message names the file.
    /// </exception>
    public static AutoencoderModel Load(string path) => LoadWithFile(path, out _);

    /// <summary>
    /// Saves an LSTM sentence autoencoder to <paramref name="path"/>: its weights as safetensors (F32, PyTorch
    /// parameter names, the options in the metadata) and its vocabulary beside it at <see cref="VocabularyPath"/>.
    /// Each file is written atomically; the folder is created if needed.
    /// </summary>
    public static void Save(LstmTextAutoencoder model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        LstmTextModelFile.Save(model, path);
    }

    /// <summary>
    /// Saves a Transformer sentence autoencoder to <paramref name="path"/>: its weights as safetensors (F32, the
    /// parameter names of the class remarks, the options as JSON in the metadata entry <c>config</c>) and its
    /// vocabulary beside it at <see cref="VocabularyPath"/>. Each file is written atomically; the folder is created
    /// if needed.
    /// </summary>
    public static void Save(TransformerTextAutoencoder model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        TransformerTextModelFile.Save(model, path);
    }

    /// <summary>
    /// Loads any saved model as <typeparamref name="TModel"/>: a sentence autoencoder
    /// (<see cref="LstmTextAutoencoder"/>, <see cref="TransformerTextAutoencoder"/>: weights file and the vocabulary
    /// beside it), or any checkpointed autoencoder as <see cref="Load(string)"/> reads it.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is not a valid file of that kind (as for <see cref="Load(string)"/>), or it holds another model type.
    /// </exception>
    /// <exception cref="FileNotFoundException">The weights or vocabulary file does not exist.</exception>
    public static TModel Load<TModel>(string path) where TModel : Module
    {
        Module model = typeof(TModel) == typeof(LstmTextAutoencoder) ? LstmTextModelFile.Load(path)
            : typeof(TModel) == typeof(TransformerTextAutoencoder) ? TransformerTextModelFile.Load(path)
            : Load(path);
        return model as TModel ?? throw new InvalidDataException(
            $"{path}: holds a {model.GetType().Name}, not a {typeof(TModel).Name}.");
    }

    /// <summary>Where a sentence autoencoder saved at <paramref name="path"/> keeps its vocabulary: <c>name.vocab.txt</c> beside it.</summary>
    public static string VocabularyPath(string path) => TextModelFile.VocabularyPath(path);

    /// <summary>Reads the header facts of a checkpoint (format, version, model type, config, metadata) after validating them.</summary>
    /// <exception cref="InvalidDataException">As for <see cref="Load"/>, except that weights are not checked.</exception>
    public static CheckpointInfo ReadInfo(string path) => Describe(SafeTensors.Read(path), path);

    /// <summary>As <see cref="Load(string)"/>, also returning the file's content (training checkpoints keep their state there).</summary>
    internal static AutoencoderModel LoadWithFile(string path, out SafeTensorFile file)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        file = SafeTensors.Read(path);
        var info = Describe(file, path);
        if (!ModelRegistry.TryGet(info.Model, out var registration))
            throw new InvalidDataException(
                $"{path}: metadata 'model': unknown model type '{info.Model}'; this build knows {string.Join(", ", ModelRegistry.TypeNames)}. " +
                "HINT: the file was written by a build with more model types; load it with that build.");
        long stored = file.Tensors.Where(t => !t.Name.StartsWith(TrainingPrefix, StringComparison.Ordinal))
            .Sum(t => (long)t.ElementCount);
        var model = registration.Build(info.ConfigJson, stored, path);
        LoadStateDict(model, file, path, ignoreTraining: info.HasTrainingState);
        model.Eval();
        return model;
    }

    /// <summary>
    /// Copies the tensors of <paramref name="file"/> into <paramref name="module"/>'s state dict by name: the way
    /// to load bare weights, e.g. a PyTorch <c>state_dict</c> saved with safetensors, into a model built here.
    /// </summary>
    /// <param name="module">The receiving module; nothing is changed unless every tensor matches.</param>
    /// <param name="file">The tensors (F32; F16, BF16 and F64 are converted to float32).</param>
    /// <param name="source">Named in error messages.</param>
    /// <param name="ignoreTraining">Skip tensors whose names start with <see cref="TrainingPrefix"/>.</param>
    /// <exception cref="InvalidDataException">Tensors missing, extra or with another shape; all of them are named.</exception>
    public static void LoadStateDict(Module module, SafeTensorFile file, string source, bool ignoreTraining = false)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(source);
        var state = module.StateDict().ToList();
        var expected = state.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var missing = state.Where(s => !file.TryGet(s.Name, out _)).Select(s => s.Name).ToList();
        var extra = file.Tensors.Select(t => t.Name)
            .Where(n => !expected.Contains(n) && !(ignoreTraining && n.StartsWith(TrainingPrefix, StringComparison.Ordinal)))
            .ToList();
        var misShaped = new List<string>();
        foreach (var (name, tensor) in state)
        {
            if (file.TryGet(name, out var stored) && !stored.Shape.SequenceEqual(tensor.Shape.ToArray()))
                misShaped.Add($"tensor '{name}' is ({string.Join(", ", stored.Shape)}) in the file but ({string.Join(", ", tensor.Shape.ToArray())}) in the model");
        }
        var problems = new List<string>();
        if (missing.Count > 0) problems.Add($"missing tensors: {string.Join(", ", missing.Select(n => $"tensor '{n}'"))}");
        if (extra.Count > 0) problems.Add($"unexpected tensors: {string.Join(", ", extra.Select(n => $"tensor '{n}'"))}");
        if (misShaped.Count > 0) problems.Add($"shape mismatches: {string.Join("; ", misShaped)}");
        if (problems.Count > 0)
            throw new InvalidDataException(
                $"{source}: the tensors do not fit {module.GetType().Name}: {string.Join(". ", problems)}.");
        foreach (var (name, _) in state)
        {
            var stored = file[name];
            var values = stored.Floats is not null && stored.DType == SafeTensorDType.F32 ? stored.Floats : stored.ToFloatArray();
            if (FirstNonFinite(values) is int at)
                throw new InvalidDataException(
                    $"{source}: tensor '{name}' holds {values[at]} at element {at}; weights must be finite (the file was " +
                    "damaged, or saved from a model that had diverged).");
        }

        foreach (var (name, tensor) in state)
        {
            var stored = file[name];
            if (stored.Floats is not null && stored.DType == SafeTensorDType.F32)
                stored.Floats.CopyTo(tensor.Span);
            else
                stored.ToFloatArray().CopyTo(tensor.Span);
        }
    }

    /// <summary>Writes the model's state dict, the header metadata and any training tensors in one atomic write.</summary>
    internal static void Write(AutoencoderModel model, string path, IReadOnlyDictionary<string, string>? metadata,
        string? trainingJson, IReadOnlyList<SafeTensor> trainingTensors)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var registration = ModelRegistry.Of(model);
        var tensors = new List<SafeTensor>();
        foreach (var (name, tensor) in model.StateDict())
        {
            if (name.StartsWith(TrainingPrefix, StringComparison.Ordinal))
                throw new ArgumentException($"Checkpoint.Save: the state name '{name}' uses the reserved prefix '{TrainingPrefix}'.");
            var values = tensor.ToArray();
            if (FirstNonFinite(values) is int at)
                throw new ArgumentException(
                    $"Checkpoint.Save: '{name}' holds {values[at]} at element {at}; a checkpoint holds finite weights only " +
                    $"(nothing was written to {path}).", nameof(model));
            tensors.Add(new SafeTensor(name, tensor.Shape.ToArray(), values));
        }
        tensors.AddRange(trainingTensors);

        var header = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = Format,
            ["version"] = Version.ToString(CultureInfo.InvariantCulture),
            ["model"] = registration.TypeName,
            ["config"] = registration.SerializeConfig(model),
            ["metadata"] = JsonSerializer.Serialize(
                metadata?.ToDictionary(p => p.Key, p => p.Value) ?? [], CheckpointJson.Default.DictionaryStringString),
        };
        if (trainingJson is not null) header["training"] = trainingJson;
        SafeTensors.Write(path, tensors, header);
    }

    /// <summary>The index of the first NaN or infinite value, or null when all are finite.</summary>
    private static int? FirstNonFinite(float[] values)
    {
        if (float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum(values))) return null;
        int at = Array.FindIndex(values, v => !float.IsFinite(v));
        return at < 0 ? null : at;
    }

    /// <summary>The validated header facts of a read checkpoint file.</summary>
    internal static CheckpointInfo Describe(SafeTensorFile file, string path)
    {
        var meta = file.Metadata;
        if (!meta.TryGetValue("format", out string? format) || format != Format)
            throw new InvalidDataException(format == "engine-training-checkpoint"
                ? $"{path}: metadata 'format': the training state of a {(meta.TryGetValue("model", out string? type) ? type : "model")}, " +
                  "which only a trainer reads. HINT: resume it with TrainerOptions.ResumeFrom and a model built like the one trained."
                : $"{path}: metadata 'format': not an engine checkpoint (the safetensors metadata has no \"format\": \"{Format}\"). " +
                  "HINT: for bare weights such as a PyTorch state_dict, build the model and call Checkpoint.LoadStateDict.");
        if (!meta.TryGetValue("version", out string? versionText) ||
            !int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out int version))
            throw new InvalidDataException($"{path}: metadata 'version': the checkpoint has no valid \"version\" (got '{versionText}').");
        if (version != Version)
            throw new InvalidDataException(
                $"{path}: metadata 'version': checkpoint version {version}, but this build reads version {Version}. " +
                (version > Version
                    ? "HINT: it was written by a newer build; update, or re-save it with the build that wrote it."
                    : "HINT: it was written by an older build; re-save it with that build, or retrain."));
        if (!meta.TryGetValue("model", out string? model) || string.IsNullOrEmpty(model))
            throw new InvalidDataException($"{path}: metadata 'model': the checkpoint does not name its model type (\"model\").");
        if (!meta.TryGetValue("config", out string? config))
            throw new InvalidDataException($"{path}: metadata 'config': the checkpoint has no model config (\"config\").");
        Dictionary<string, string> notes;
        try
        {
            notes = meta.TryGetValue("metadata", out string? json)
                ? JsonSerializer.Deserialize(json, CheckpointJson.Default.DictionaryStringString)
                  ?? throw new InvalidDataException($"{path}: metadata 'metadata': \"metadata\" is null.")
                : [];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: metadata 'metadata': \"metadata\" is not a JSON object of strings: {e.Message}", e);
        }
        return new CheckpointInfo(path, version, model, config, notes, meta.ContainsKey("training"));
    }
}

/// <summary>What a checkpoint's header says, validated.</summary>
/// <param name="Path">The file.</param>
/// <param name="Version">Layout version.</param>
/// <param name="Model">Registered model type name.</param>
/// <param name="ConfigJson">The options record as JSON.</param>
/// <param name="Metadata">Free-form notes saved with the model.</param>
/// <param name="HasTrainingState">Whether the file also holds a training state to resume from.</param>
public sealed record CheckpointInfo(string Path, int Version, string Model, string ConfigJson,
    IReadOnlyDictionary<string, string> Metadata, bool HasTrainingState);
