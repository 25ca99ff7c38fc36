using System.Globalization;
using System.Text.Json;
using Engine.IO;
using Engine.Models;
using Engine.Persistence;

namespace Demo;

/// <summary>
/// A checkpoint to continue training from (--resume): its model and where its run stopped, read and checked against
/// the command before any data is loaded.
/// </summary>
/// <remarks>
/// The trainer restores the weights, the optimizer's moments, the data order and the noise generator from the
/// same file (<see cref="Engine.Training.TrainerOptions.ResumeFrom"/>), so the run goes on exactly as the
/// uninterrupted one would have: the weights after epoch N are bitwise those of a run that was never stopped (same
/// seed, same thread count). --epochs counts the whole run, so `--epochs 10` after 4 finished epochs trains 6 more.
/// </remarks>
internal sealed record ResumePoint(string Path, AutoencoderModel Model, int Seed, int BatchSize, int Epoch, int NextBatch,
    bool EpochStarted)
{
    /// <summary>Epochs that ran to their end before the checkpoint.</summary>
    public int FinishedEpochs => Epoch;

    /// <summary>Where the checkpoint stopped, in words.</summary>
    public string Where => EpochStarted
        ? $"{FinishedEpochs} finished epoch{(FinishedEpochs == 1 ? "" : "s")}, epoch {Epoch + 1} stopped after batch {NextBatch}"
        : $"{FinishedEpochs} finished epoch{(FinishedEpochs == 1 ? "" : "s")}";

    /// <summary>
    /// Reads --resume (if given) for command <paramref name="command"/>: the model must be the one the command
    /// trains (<paramref name="expected"/> builds that model at the checkpoint's size, for comparing configs), the
    /// seed the one given (or it is taken from the checkpoint), the batch size <paramref name="batchSize"/>, and
    /// <paramref name="epochs"/> must leave something to train.
    /// </summary>
    public static ResumePoint? Read<TModel>(RunContext context, string command, Func<TModel, AutoencoderModel> expected,
        int epochs, int batchSize) where TModel : AutoencoderModel
    {
        // In a command that trains several models (the tour's parts), --resume continues the run through its journal.
        if (context.ResumePath is not string path || context.Journal is not null) return null;
        var file = SafeTensors.Read(path);
        var model = Checkpoint.Load(path);
        if (!file.Metadata.TryGetValue("training", out string? training))
            throw new ArgumentException($"--resume {path}: the checkpoint holds a model but no training state (optimizer, data order); "
                + "evaluate it with --load, or train a new model.");
        string config = ModelRegistry.Of(model).SerializeConfig(model);
        string wanted = model is TModel typed ? ModelRegistry.Of(expected(typed)).SerializeConfig(expected(typed)) : "";
        if (model is not TModel || config != wanted)
            throw new ArgumentException($"--resume {path}: the checkpoint holds a {model.GetType().Name} {config}, which `{command}` does not train "
                + "(it trains " + (model is TModel ? wanted : $"a {typeof(TModel).Name}") + "); resume it with the command and options that trained it.");

        int seed, savedBatch, epoch, nextBatch;
        bool started;
        try
        {
            using var json = JsonDocument.Parse(training);
            var root = json.RootElement;
            seed = root.GetProperty("seed").GetInt32();
            savedBatch = root.GetProperty("batch_size").GetInt32();
            epoch = root.GetProperty("epoch").GetInt32();
            nextBatch = root.GetProperty("next_batch").GetInt32();
            started = root.GetProperty("epoch_started").GetBoolean();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"--resume {path}: the training state is damaged ({e.Message}).", e);
        }
        if (context.SeedGiven && context.Seed != seed)
            throw new ArgumentException($"--resume {path}: the checkpoint was trained with --seed {seed}, not {context.Seed.ToString(CultureInfo.InvariantCulture)}; "
                + "leave --seed out (the checkpoint's is used) or give the same.");
        if (savedBatch != batchSize)
            throw new ArgumentException($"--resume {path}: the checkpoint was trained with batch size {savedBatch}; `{command}` trains with {batchSize}.");
        if (epochs <= epoch)
            throw new ArgumentException($"--resume {path}: the checkpoint has finished {epoch} epoch{(epoch == 1 ? "" : "s")} and --epochs "
                + $"{epochs} (the total, {(context.Epochs is null ? "this command's default" : "as given")}) leaves nothing to train; "
                + "give a larger --epochs, or evaluate the model with --load.");
        context.Seed = seed;
        return new ResumePoint(path, model, seed, savedBatch, epoch, nextBatch, started);
    }
}
