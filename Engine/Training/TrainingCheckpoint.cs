using System.Text.Json;
using System.Text.Json.Serialization;
using Engine.Data;
using Engine.IO;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Training;

/// <summary>
/// Writes and reads a resumable checkpoint: a model checkpoint (<see cref="Checkpoint"/>) whose file also holds a
/// <see cref="TrainingState"/>: its scalars as JSON in the <c>training</c> metadata key, its arrays as tensors
/// named <c>training/optimizer/{slot}/{parameter}</c>, <c>training/loader/order</c> (F64, exact for any index)
/// and <c>training/best/{state name}</c>. One file, one atomic rename: the weights and the state always agree.
/// </summary>
internal static class TrainingCheckpoint
{
    private const string OptimizerPrefix = Checkpoint.TrainingPrefix + "optimizer/";
    private const string OrderName = Checkpoint.TrainingPrefix + "loader/order";
    private const string BestPrefix = Checkpoint.TrainingPrefix + "best/";

    public static void Save(string path, AutoencoderModel model, Optimizer optimizer, TrainingState state)
    {
        var names = ParameterNames(model, optimizer);
        var tensors = new List<SafeTensor>();
        foreach (var (slot, values) in state.OptimizerBuffers)
        {
            for (int i = 0; i < values.Count; i++)
            {
                if (values[i] is { } v)
                    tensors.Add(new SafeTensor($"{OptimizerPrefix}{slot}/{names[i]}", optimizer.Parameters[i].Shape.ToArray(), (float[])v.Clone()));
            }
        }
        var order = state.Loader.Order;
        tensors.Add(new SafeTensor(OrderName, [order.Length], order.Select(i => (double)i).ToArray()));
        if (state.BestWeights is { } best)
        {
            int k = 0;
            foreach (var (name, tensor) in model.StateDict())
                tensors.Add(new SafeTensor(BestPrefix + name, tensor.Shape.ToArray(), best[k++]));
        }
        var json = new TrainingStateJson(state.Seed, state.BatchSize, state.Epoch, state.NextBatch, state.EpochStarted,
            state.Finished, state.StoppedEarly, state.Noise.ToString(), state.Loader.Random?.ToString(), state.Optimizer,
            state.Step, state.LearningRate, state.OptimizerBuffers.Keys.ToArray(), state.LossSum,
            state.PartSums.ToDictionary(), state.Seen, state.Best, state.BestEpoch, state.SinceBest,
            state.BestWeights is not null, state.Reports.ToArray(), state.Skipped);
        Checkpoint.Write(model, path, new Dictionary<string, string> { ["kind"] = "training" },
            JsonSerializer.Serialize(json, TrainingStateJsonContext.Default.TrainingStateJson), tensors);
    }

    /// <summary>
    /// Loads the weights into <paramref name="model"/> and the optimizer state into <paramref name="optimizer"/>
    /// and returns the trainer's state. Nothing is changed when the file does not fit.
    /// </summary>
    /// <exception cref="ArgumentException">The model, optimizer, seed or batch size differ from the checkpoint's.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid training checkpoint.</exception>
    public static TrainingState Resume(string path, AutoencoderModel model, Optimizer optimizer, int seed, int batchSize)
    {
        var saved = Checkpoint.LoadWithFile(path, out var file);
        var registration = ModelRegistry.Of(model);
        string savedConfig = ModelRegistry.Of(saved).SerializeConfig(saved);
        string config = registration.SerializeConfig(model);
        if (saved.GetType() != model.GetType() || savedConfig != config)
            throw new ArgumentException(
                $"ResumeFrom {path}: the checkpoint holds a {saved.GetType().Name} {savedConfig}, but Fit was given a " +
                $"{model.GetType().Name} {config}. HINT: resume with the model the checkpoint was trained with.");
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
            throw new InvalidDataException($"{path}: the training state is not valid: {e.Message}", e);
        }
        if (json.Seed != seed || json.BatchSize != batchSize)
            throw new ArgumentException(
                $"ResumeFrom {path}: the checkpoint was trained with seed {json.Seed} and batch size {json.BatchSize}, " +
                $"this trainer has seed {seed} and batch size {batchSize}. HINT: use the same TrainerOptions.Seed and BatchSize.");
        if (json.Optimizer != optimizer.GetType().Name)
            throw new ArgumentException(
                $"ResumeFrom {path}: the checkpoint's optimizer is {json.Optimizer}, Fit was given {optimizer.GetType().Name}.");

        var names = ParameterNames(model, optimizer);
        var buffers = new Dictionary<string, IReadOnlyList<float[]?>>();
        foreach (string slot in json.OptimizerSlots)
        {
            var values = new float[]?[names.Length];
            for (int i = 0; i < names.Length; i++)
                values[i] = file.TryGet($"{OptimizerPrefix}{slot}/{names[i]}", out var t) ? t.ToFloatArray() : null;
            buffers[slot] = values;
        }
        if (!file.TryGet(OrderName, out var orderTensor) || orderTensor.Shape.Count != 1)
            throw new InvalidDataException($"{path}: the training state has no 1-D tensor '{OrderName}'.");
        var order = new int[orderTensor.ElementCount];
        var raw = orderTensor.ToDoubleArray();
        for (int i = 0; i < order.Length; i++)
        {
            if (raw[i] is < 0 or > int.MaxValue || raw[i] != Math.Floor(raw[i]))
                throw new InvalidDataException($"{path}: '{OrderName}'[{i}] = {raw[i]} is not an example index.");
            order[i] = (int)raw[i];
        }
        float[][]? best = null;
        if (json.HasBestWeights)
        {
            best = model.StateDict().Select(s => file.TryGet(BestPrefix + s.Name, out var t) && t.ElementCount == s.Tensor.Size
                    ? t.ToFloatArray()
                    : throw new InvalidDataException($"{path}: the best weights lack a fitting '{BestPrefix}{s.Name}'."))
                .ToArray();
        }
        RngState noise, loaderRandom = default;
        try
        {
            noise = RngState.Parse(json.Noise);
            if (json.LoaderRandom is not null) loaderRandom = RngState.Parse(json.LoaderRandom);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{path}: the training state has a bad generator state: {e.Message}", e);
        }

        // Everything is read and checked; now change the caller's objects (the optimizer validates its own part first).
        try
        {
            optimizer.LoadState(json.Step, json.LearningRate, buffers);
        }
        catch (ArgumentException e)
        {
            // The model and optimizer types were checked above, so a misfit here is damage in the file.
            throw new InvalidDataException($"{path}: the saved optimizer state does not fit: {e.Message}", e);
        }
        Checkpoint.LoadStateDict(model, file, path, ignoreTraining: true);
        return new TrainingState
        {
            Seed = json.Seed, BatchSize = json.BatchSize, Epoch = json.Epoch, NextBatch = json.NextBatch,
            EpochStarted = json.EpochStarted, Finished = json.Finished, StoppedEarly = json.StoppedEarly,
            Noise = noise, Loader = new DataLoaderState(order, json.LoaderRandom is null ? null : loaderRandom),
            Optimizer = json.Optimizer, Step = json.Step, LearningRate = json.LearningRate, OptimizerBuffers = buffers,
            LossSum = json.LossSum, PartSums = json.PartSums, Seen = json.Seen, Best = json.Best,
            BestEpoch = json.BestEpoch, SinceBest = json.SinceBest, BestWeights = best, Reports = json.Reports,
            Skipped = json.Skipped,
        };
    }

    /// <summary>The state-dict name of each optimizer parameter, found by identity in the model.</summary>
    private static string[] ParameterNames(AutoencoderModel model, Optimizer optimizer)
    {
        var byTensor = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, parameter) in model.NamedParameters()) byTensor[parameter] = name;
        return optimizer.Parameters.Select((p, i) => byTensor.TryGetValue(p, out string? name)
            ? name
            : throw new ArgumentException($"Checkpoint: optimizer parameter {i} ({p.Shape}) is not a parameter of the model."))
            .ToArray();
    }
}

/// <summary>The scalars of a <see cref="TrainingState"/> as stored in the checkpoint header.</summary>
internal sealed record TrainingStateJson(
    int Seed, int BatchSize, int Epoch, int NextBatch, bool EpochStarted, bool Finished, bool StoppedEarly,
    string Noise, string? LoaderRandom, string Optimizer, long Step, float LearningRate, string[] OptimizerSlots,
    double LossSum, Dictionary<string, double> PartSums, int Seen, float Best, int BestEpoch, int SinceBest,
    bool HasBestWeights, EpochReport[] Reports, int Skipped = 0);

/// <summary>Source-generated JSON for <see cref="TrainingStateJson"/>; named literals keep an infinite "best" loss.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(TrainingStateJson))]
internal sealed partial class TrainingStateJsonContext : JsonSerializerContext;
