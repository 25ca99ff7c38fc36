using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Engine.IO;
using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Persistence;
using Engine.Tensors;

namespace Engine.Training;

/// <summary>
/// Writes and reads a resumable checkpoint: the model's state dict plus a <see cref="TrainingState"/>: its scalars
/// as JSON in the <c>training</c> metadata key, its arrays as tensors named <c>training/optimizer/{slot}/{parameter}</c>,
/// <c>training/order/{name}</c> (F64, exact for any index) and <c>training/best/{state name}</c>. One file, one
/// atomic rename: the weights and the state always agree.
/// </summary>
/// <remarks>
/// An autoencoder's training checkpoint is also a model checkpoint (<see cref="Checkpoint"/>: format
/// <c>engine-checkpoint</c>, its architecture in <c>config</c>), so <see cref="Checkpoint.Load(string)"/> reads it. Other
/// models (classifiers, sentence autoencoders) are saved with format <c>engine-training-checkpoint</c> and their
/// type name; resuming checks the type and every tensor's name and shape against the model it is given.
/// </remarks>
internal static class TrainingCheckpoint
{
    /// <summary>The <c>format</c> of training checkpoints of models that <see cref="Checkpoint"/> cannot rebuild.</summary>
    public const string Format = "engine-training-checkpoint";

    private const string OptimizerPrefix = Checkpoint.TrainingPrefix + "optimizer/";
    private const string OrderPrefix = Checkpoint.TrainingPrefix + "order/";
    private const string BestPrefix = Checkpoint.TrainingPrefix + "best/";

    /// <summary>Checks before training that checkpoints to <paramref name="path"/> can be written at all.</summary>
    /// <exception cref="ArgumentException">The folder does not exist, or an autoencoder type is not registered.</exception>
    public static void RequireWritable(string path, Module model, string trainer)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
            throw new ArgumentException(
                $"{trainer}: CheckpointPath {path}: the folder {folder} does not exist. HINT: create it first.", "options");
        if (model is AutoencoderModel autoencoder) ModelRegistry.Of(autoencoder);
    }

    public static void Save(string path, TrainingTask task, Optimizer optimizer, TrainingState state, TrainerOptions options)
    {
        var model = task.Model;
        var names = ParameterNames(model, optimizer);
        var tensors = new List<SafeTensor>();
        var buffers = optimizer.StateBuffers;
        foreach (var (slot, values) in buffers)
        {
            for (int i = 0; i < values.Count; i++)
            {
                if (values[i] is { } v)
                    tensors.Add(new SafeTensor($"{OptimizerPrefix}{slot}/{names[i]}", optimizer.Parameters[i].Shape.ToArray(), (float[])v.Clone()));
            }
        }
        foreach (var (name, order) in state.Orders)
            tensors.Add(new SafeTensor(OrderPrefix + name, [order.Length], order.Select(i => (double)i).ToArray()));
        if (state.BestWeights is { } best)
        {
            int k = 0;
            foreach (var (name, tensor) in model.StateDict())
                tensors.Add(new SafeTensor(BestPrefix + name, tensor.Shape.ToArray(), best[k++]));
        }
        var json = new TrainingStateJson(task.Trainer, options.Seed, options.BatchSize, task.Examples,
            state.Epoch, state.NextBatch, state.EpochStarted, state.Finished, state.StoppedEarly,
            state.Generators.ToDictionary(g => g.Key, g => g.Value.ToString()), state.Positions.ToDictionary(),
            [.. state.Orders.Keys], optimizer.GetType().Name, optimizer.StepCount, optimizer.LearningRate,
            [.. buffers.Keys], state.LossSum, state.LossWeight, state.PartSums.ToDictionary(), state.GradientNormSum,
            state.Steps, state.Skipped, state.Seen, state.Best, state.BestEpoch, state.SinceBest,
            state.BestWeights is not null, [.. state.Reports]);
        string text = JsonSerializer.Serialize(json, TrainingStateJsonContext.Default.TrainingStateJson);
        if (model is AutoencoderModel autoencoder)
        {
            Checkpoint.Write(autoencoder, path, new Dictionary<string, string> { ["kind"] = "training" }, text, tensors);
            return;
        }
        foreach (var (name, tensor) in model.StateDict())
            tensors.Add(new SafeTensor(name, tensor.Shape.ToArray(), tensor.ToArray()));
        SafeTensors.Write(path, tensors, new Dictionary<string, string>
        {
            ["format"] = Format,
            ["version"] = Checkpoint.Version.ToString(CultureInfo.InvariantCulture),
            ["model"] = model.GetType().Name,
            ["training"] = text,
        });
    }

    /// <summary>
    /// Loads the weights into the task's model and the optimizer state into <paramref name="optimizer"/>, restores
    /// the task's sampling state, and returns the loop's state. Everything is read and checked first, so nothing is
    /// changed when the file does not fit.
    /// </summary>
    /// <exception cref="ArgumentException">The file belongs to another run: another trainer, model, optimizer, seed, batch size or data size.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid training checkpoint; the message names the file and the field.</exception>
    public static TrainingState Resume(string path, TrainingTask task, Optimizer optimizer, TrainerOptions options)
    {
        var model = task.Model;
        var file = SafeTensors.Read(path);
        RequireSameModel(file, path, model);
        if (!file.Metadata.TryGetValue("training", out string? text))
            throw new InvalidDataException(
                $"{path}: a model checkpoint without training state. HINT: resume from the file the trainer wrote to CheckpointPath.");
        TrainingStateJson json;
        try
        {
            json = JsonSerializer.Deserialize(text, TrainingStateJsonContext.Default.TrainingStateJson)
                   ?? throw new InvalidDataException($"{path}: the training state is null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the training state is not valid at {e.Path} (byte {e.BytePositionInLine} " +
                                           $"of metadata 'training'): {e.Message}", e);
        }
        RequireSameRun(json, path, task, optimizer, options);
        var state = ReadState(json, path);

        var names = ParameterNames(model, optimizer);
        var slots = optimizer.StateBuffers;
        if (!json.OptimizerSlots.Order(StringComparer.Ordinal).SequenceEqual(slots.Keys.Order(StringComparer.Ordinal)))
            throw new InvalidDataException($"{path}: the optimizer state has slots [{string.Join(", ", json.OptimizerSlots)}], " +
                                           $"but {optimizer.GetType().Name} has [{string.Join(", ", slots.Keys)}].");
        var buffers = new Dictionary<string, IReadOnlyList<float[]?>>();
        foreach (string slot in json.OptimizerSlots)
        {
            var values = new float[]?[names.Length];
            for (int i = 0; i < names.Length; i++)
            {
                string name = $"{OptimizerPrefix}{slot}/{names[i]}";
                if (!file.TryGet(name, out var t)) continue;
                if (t.ElementCount != optimizer.Parameters[i].Size)
                    throw new InvalidDataException($"{path}: tensor '{name}' has {t.ElementCount} values; the parameter has {optimizer.Parameters[i].Size}.");
                values[i] = t.ToFloatArray();
            }
            buffers[slot] = values;
        }
        foreach (string name in json.Orders)
            state.Orders[name] = ReadOrder(file, path, name);
        if (json.HasBestWeights)
        {
            state.BestWeights = model.StateDict().Select(s =>
                    file.TryGet(BestPrefix + s.Name, out var t) && t.ElementCount == s.Tensor.Size
                        ? FiniteOrThrow(t.ToFloatArray(), path, BestPrefix + s.Name)
                        : throw new InvalidDataException($"{path}: the best weights lack a fitting '{BestPrefix}{s.Name}'."))
                .ToArray();
        }
        task.Restore(state, path);
        if (state.EpochStarted && state.NextBatch > task.BatchCount)
            throw new InvalidDataException(
                $"{path}: the training position (epoch {state.Epoch}, batch {state.NextBatch}) is outside the data's {task.BatchCount} batches.");

        // Everything is read and checked; now change the caller's objects. The weights are checked (names, shapes,
        // finite) before any is copied; the optimizer state was checked above, so LoadState cannot fail half-way.
        Checkpoint.LoadStateDict(model, file, path, ignoreTraining: true);
        try
        {
            optimizer.LoadState(json.Step, json.LearningRate, buffers);
        }
        catch (ArgumentException e)
        {
            // The model and optimizer types were checked above, so a misfit here is damage in the file.
            throw new InvalidDataException($"{path}: the saved optimizer state does not fit: {e.Message}", e);
        }
        return state;
    }

    /// <summary>The file must hold this model: the same registered type and config, or the same type name.</summary>
    private static void RequireSameModel(SafeTensorFile file, string path, Module model)
    {
        if (model is AutoencoderModel autoencoder)
        {
            var info = Checkpoint.Describe(file, path);
            var registration = ModelRegistry.Of(autoencoder);
            string config = registration.SerializeConfig(autoencoder);
            if (info.Model != registration.TypeName || info.ConfigJson != config)
                throw new ArgumentException(
                    $"ResumeFrom {path}: the checkpoint holds a {info.Model} {info.ConfigJson}, but Fit was given a " +
                    $"{registration.TypeName} {config}. HINT: resume with the model the checkpoint was trained with.");
            return;
        }
        var meta = file.Metadata;
        if (!meta.TryGetValue("format", out string? format) || format != Format)
            throw new InvalidDataException(
                $"{path}: not a training checkpoint of a {model.GetType().Name} (metadata 'format' is '{format ?? "missing"}', " +
                $"expected '{Format}').");
        if (!meta.TryGetValue("version", out string? version) || version != Checkpoint.Version.ToString(CultureInfo.InvariantCulture))
            throw new InvalidDataException($"{path}: training checkpoint version '{version}', but this build reads {Checkpoint.Version}.");
        if (!meta.TryGetValue("model", out string? type) || type != model.GetType().Name)
            throw new ArgumentException(
                $"ResumeFrom {path}: the checkpoint holds a {type ?? "model of no named type"}, but Fit was given a " +
                $"{model.GetType().Name}. HINT: resume with the model the checkpoint was trained with.");
        // Without a config to compare, the state dict is the architecture: the same names with the same shapes.
        var misfits = model.StateDict()
            .Where(s => !file.TryGet(s.Name, out var t) || !t.Shape.SequenceEqual(s.Tensor.Shape.ToArray()))
            .Select(s => file.TryGet(s.Name, out var t)
                ? $"'{s.Name}' has shape ({string.Join(", ", t.Shape)}) in the file but {s.Tensor.Shape} in the model"
                : $"'{s.Name}' is missing")
            .Take(5).ToList();
        if (misfits.Count > 0)
            throw new ArgumentException(
                $"ResumeFrom {path}: the checkpoint holds a {type} of another architecture: {string.Join("; ", misfits)}. " +
                "HINT: resume with the model the checkpoint was trained with (the same options and vocabulary).");
    }

    /// <summary>Seed, batch size, trainer, data size and optimizer type must be this run's: otherwise it is another run.</summary>
    private static void RequireSameRun(TrainingStateJson json, string path, TrainingTask task, Optimizer optimizer,
        TrainerOptions options)
    {
        if (json.Trainer != task.Trainer)
            throw new ArgumentException(
                $"ResumeFrom {path}: the checkpoint was written by {json.Trainer}; resume it with that trainer, not {task.Trainer}.");
        if (json.Seed != options.Seed || json.BatchSize != options.BatchSize)
            throw new ArgumentException(
                $"ResumeFrom {path}: the checkpoint was trained with seed {json.Seed} and batch size {json.BatchSize}, " +
                $"this trainer has seed {options.Seed} and batch size {options.BatchSize}. HINT: use the same TrainerOptions.Seed and BatchSize.");
        if (json.Examples != task.Examples)
            throw new ArgumentException(
                $"ResumeFrom {path}: the checkpoint was trained on {json.Examples} examples, this data has {task.Examples}. " +
                "HINT: resume on the data the run started with.");
        if (json.Optimizer != optimizer.GetType().Name)
            throw new ArgumentException(
                $"ResumeFrom {path}: the checkpoint's optimizer is {json.Optimizer}, Fit was given {optimizer.GetType().Name}.");
    }

    /// <summary>The loop's state from the JSON, every field checked for range and consistency.</summary>
    private static TrainingState ReadState(TrainingStateJson json, string path)
    {
        void Require(bool ok, string field, object? value, string rule)
        {
            if (!ok)
                throw new InvalidDataException($"{path}: the training state's '{field}' is {Convert.ToString(value, CultureInfo.InvariantCulture)}; {rule}.");
        }
        Require(json.Epoch >= 0, "epoch", json.Epoch, "expected at least 0");
        Require(json.NextBatch >= 0, "next_batch", json.NextBatch, "expected at least 0");
        Require(json.Step >= 0, "step", json.Step, "expected at least 0");
        Require(float.IsFinite(json.LearningRate) && json.LearningRate >= 0, "learning_rate", json.LearningRate, "expected a finite rate ≥ 0");
        Require(double.IsFinite(json.LossSum), "loss_sum", json.LossSum, "expected a finite number");
        Require(double.IsFinite(json.LossWeight) && json.LossWeight >= 0, "loss_weight", json.LossWeight, "expected a finite number ≥ 0");
        Require(double.IsFinite(json.GradientNormSum) && json.GradientNormSum >= 0, "gradient_norm_sum", json.GradientNormSum, "expected a finite number ≥ 0");
        Require(json.Steps >= 0, "steps", json.Steps, "expected at least 0");
        Require(json.Skipped >= 0, "skipped", json.Skipped, "expected at least 0");
        Require(json.Seen >= 0, "seen", json.Seen, "expected at least 0");
        Require(json.Steps > 0 || json.LossWeight == 0, "loss_weight", json.LossWeight, "expected 0 when no step was taken");
        Require(!float.IsNaN(json.Best) && !float.IsNegativeInfinity(json.Best), "best", json.Best, "expected a finite loss or +Infinity");
        Require(json.BestEpoch >= -1 && json.BestEpoch < json.Epoch + 1, "best_epoch", json.BestEpoch, $"expected -1 to {json.Epoch}");
        Require(json.SinceBest >= 0 && json.SinceBest <= json.Epoch, "since_best", json.SinceBest, $"expected 0 to {json.Epoch}");
        Require(json.Reports.Length == json.Epoch, "reports", json.Reports.Length, $"expected one report per finished epoch ({json.Epoch})");
        foreach (var (name, sum) in json.PartSums)
            Require(double.IsFinite(sum), $"part_sums.{name}", sum, "expected a finite number");
        for (int i = 0; i < json.Reports.Length; i++)
        {
            var r = json.Reports[i];
            Require(r is not null, $"reports[{i}]", "null", "expected a report");
            Require(r!.Epoch == i, $"reports[{i}].epoch", r.Epoch, $"expected {i}");
            Require(float.IsFinite(r.TrainLoss), $"reports[{i}].train_loss", r.TrainLoss, "expected a finite loss");
            Require(r.ValidationLoss is null || float.IsFinite(r.ValidationLoss.Value), $"reports[{i}].validation_loss", r.ValidationLoss, "expected a finite loss");
            Require(r.TrainParts is not null && r.TrainParts.Values.All(float.IsFinite), $"reports[{i}].train_parts", "not finite", "expected finite parts");
        }
        var state = new TrainingState
        {
            Epoch = json.Epoch, NextBatch = json.NextBatch, EpochStarted = json.EpochStarted, Finished = json.Finished,
            StoppedEarly = json.StoppedEarly, LossSum = json.LossSum, LossWeight = json.LossWeight,
            PartSums = json.PartSums.ToDictionary(), GradientNormSum = json.GradientNormSum, Steps = json.Steps,
            Skipped = json.Skipped, Seen = json.Seen, Best = json.Best, BestEpoch = json.BestEpoch,
            SinceBest = json.SinceBest, Reports = [.. json.Reports],
        };
        foreach (var (name, text) in json.Generators)
        {
            try
            {
                state.Generators[name] = RngState.Parse(text);
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"{path}: the training state's generator '{name}' is not valid: {e.Message}", e);
            }
        }
        foreach (var (name, value) in json.Positions) state.Positions[name] = value;
        return state;
    }

    /// <summary>An example order saved as a 1-D F64 tensor of whole numbers (the task checks it is a permutation).</summary>
    private static int[] ReadOrder(SafeTensorFile file, string path, string name)
    {
        if (!file.TryGet(OrderPrefix + name, out var tensor) || tensor.Shape.Count != 1)
            throw new InvalidDataException($"{path}: the training state has no 1-D tensor '{OrderPrefix}{name}'.");
        var order = new int[tensor.ElementCount];
        var raw = tensor.ToDoubleArray();
        for (int i = 0; i < order.Length; i++)
        {
            if (raw[i] is < 0 or > int.MaxValue || raw[i] != Math.Floor(raw[i]))
                throw new InvalidDataException($"{path}: '{OrderPrefix}{name}'[{i}] = {raw[i]} is not an example index.");
            order[i] = (int)raw[i];
        }
        return order;
    }

    private static float[] FiniteOrThrow(float[] values, string path, string name)
    {
        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        return bad < 0 ? values
            : throw new InvalidDataException($"{path}: tensor '{name}' holds {values[bad]} at element {bad}; weights must be finite.");
    }

    /// <summary>The state-dict name of each optimizer parameter, found by identity in the model.</summary>
    private static string[] ParameterNames(Module model, Optimizer optimizer)
    {
        var byTensor = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, parameter) in model.NamedParameters()) byTensor[parameter] = name;
        return optimizer.Parameters.Select((p, i) => byTensor.TryGetValue(p, out string? name)
            ? name
            : throw new ArgumentException($"Checkpoint: optimizer parameter {i} ({p.Shape}) is not a parameter of the model."))
            .ToArray();
    }
}

/// <summary>The scalars of a <see cref="TrainingState"/> and of the run it belongs to, as stored in the checkpoint header.</summary>
internal sealed record TrainingStateJson(
    string Trainer, int Seed, int BatchSize, int Examples,
    int Epoch, int NextBatch, bool EpochStarted, bool Finished, bool StoppedEarly,
    Dictionary<string, string> Generators, Dictionary<string, int> Positions, string[] Orders,
    string Optimizer, long Step, float LearningRate, string[] OptimizerSlots,
    double LossSum, double LossWeight, Dictionary<string, double> PartSums, double GradientNormSum,
    int Steps, int Skipped, long Seen,
    float Best, int BestEpoch, int SinceBest, bool HasBestWeights, EpochReport[] Reports);

/// <summary>Source-generated JSON for <see cref="TrainingStateJson"/>; named literals keep an infinite "best" loss.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(TrainingStateJson))]
internal sealed partial class TrainingStateJsonContext : JsonSerializerContext;
