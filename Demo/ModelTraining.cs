using Demo.Report;
using Engine.Autodiff;
using Engine.Data;
using Engine.IO;
using Engine.Models;
using Engine.Optim;
using Engine.Persistence;
using Engine.Tensors;
using Engine.Training;

namespace Demo;

/// <summary>What every autoencoder command does: load Fashion-MNIST, train with Adam, evaluate, draw, report.</summary>
internal static class ModelTraining
{
    /// <summary>The training and test sets of the run as datasets (bytes until a batch is built).</summary>
    public static (ByteImageDataset Train, ByteImageDataset Test, FashionMnistData Data) Fashion(RunContext context)
    {
        var data = context.LoadImages();
        return (new ByteImageDataset(data.TrainImages, FashionMnist.ImageSize, data.TrainLabels, 28, 28),
            new ByteImageDataset(data.TestImages, FashionMnist.ImageSize, data.TestLabels, 28, 28), data);
    }

    /// <summary>The epochs a command trains: --epochs, else its default (at most 3 with --quick).</summary>
    public static int Epochs(RunContext context, int defaultEpochs) =>
        context.Epochs ?? (context.Quick ? Math.Min(3, defaultEpochs) : defaultEpochs);

    /// <summary>
    /// Trains with Adam (lr 1e-3, batch 128) and returns the history; progress goes to the console. With a
    /// <paramref name="resume"/> point the run continues from its checkpoint; with --save the final state is kept there.
    /// </summary>
    public static TrainingHistory Train(RunContext context, AutoencoderModel model, IDataset train, int defaultEpochs,
        float learningRate = 1e-3f, ResumePoint? resume = null)
    {
        int epochs = Epochs(context, defaultEpochs);
        context.Out.Line(model.Summary());
        if (resume is not null) context.Out.Line($"resuming from {resume.Path}: {resume.Where}; training to epoch {epochs} in all");
        return Fit(context, model, train, epochs, learningRate, context.Report.Current.Title, resumeFrom: resume?.Path,
            saveTo: context.SavePath);
    }

    /// <summary>
    /// Fits with the run's seed and Ctrl+C token, progress on the console and the loss curve in the report. On
    /// Ctrl+C the trainer stops after the current batch and leaves a resumable checkpoint in
    /// OUT/<see cref="InterruptedCheckpoint"/> (a model checkpoint too: --load reads it). A run that finishes
    /// moves its final checkpoint (weights, optimizer state, data order) to <paramref name="saveTo"/>, or keeps it
    /// in the run's journal, or removes it (see <see cref="Begin"/> and <see cref="End"/>).
    /// </summary>
    public static TrainingHistory Fit(RunContext context, AutoencoderModel model, IDataset train, int epochs,
        float learningRate, string what, bool lossChart = true, string? resumeFrom = null, string? saveTo = null)
    {
        var run = Begin(context, what, resumeFrom);
        var trainer = new Trainer(run.Apply(Options(context, epochs)));
        var history = trainer.Fit(model, new Adam(model.Parameters(), learningRate), train);
        double? partial = End(context, run, history, saveTo);
        if (lossChart) context.Report.LossChart(what, history.Epochs, LossLabel(model), partial);
        return history;
    }

    /// <summary>One model's training within a command: where its checkpoint goes and what it continues from.</summary>
    /// <param name="What">The model in words (console, report).</param>
    /// <param name="Key">The model's key in the run journal: the report section and <paramref name="What"/>.</param>
    /// <param name="Checkpoint">OUT/interrupted.safetensors: written on Ctrl+C and at the end.</param>
    /// <param name="ResumeFrom">The checkpoint to continue from, or null to start afresh.</param>
    /// <param name="Skipped">Ctrl+C came before this model started: it is not trained at all (and leaves no checkpoint
    /// that would replace the interrupted model's).</param>
    internal sealed record TrainingRun(string What, string Key, string Checkpoint, string? ResumeFrom, bool Skipped = false)
    {
        /// <summary>The trainer settings with this run's checkpoint and resume point (no epochs when skipped).</summary>
        public TrainerOptions Apply(TrainerOptions options) => Skipped
            ? options with { Epochs = 0, CheckpointPath = null, ResumeFrom = null }
            : options with
            {
                CheckpointPath = Checkpoint,
                CheckpointEvery = CheckpointInterval.Batches(int.MaxValue),
                ResumeFrom = ResumeFrom,
            };
    }

    /// <summary>
    /// Starts training <paramref name="what"/>: its checkpoint is OUT/interrupted.safetensors; it continues from
    /// <paramref name="resumeFrom"/> if given (a single-model command's --resume), else from what the run journal
    /// (if the command keeps one) knows of it: its final checkpoint if it was finished, --resume if it was interrupted.
    /// </summary>
    public static TrainingRun Begin(RunContext context, string what, string? resumeFrom = null)
    {
        Directory.CreateDirectory(context.OutDirectory);
        string key = $"{context.Report.Current.Title} / {what}";
        string checkpoint = Path.Combine(context.OutDirectory, InterruptedCheckpoint);
        if (context.Cancellation.IsCancellationRequested) return new TrainingRun(what, key, checkpoint, null, Skipped: true);
        if (context.Journal is { } journal && resumeFrom is null)
        {
            if (journal.FinishedCheckpoint(key) is string finished)
            {
                // Restored, not retrained: the trainer finds all epochs done and writes the final state straight to
                // where this run keeps it, leaving OUT/interrupted.safetensors to the model that needs it.
                context.Out.Line($"{what}: finished before the interruption; restored from {finished}");
                return new TrainingRun(what, key, journal.FinishedPath(key), finished);
            }
            resumeFrom = journal.InterruptedCheckpoint(key);
        }
        return new TrainingRun(what, key, checkpoint, resumeFrom);
    }

    /// <summary>
    /// Ends a training run: after Ctrl+C, records the interruption (and in the journal, which model it was); after a
    /// finished run, moves the final checkpoint to <paramref name="saveTo"/> or into the journal, or deletes it.
    /// Returns the share of the last epoch's batches that ran when it was cut short, else null.
    /// </summary>
    public static double? End(RunContext context, TrainingRun run, TrainingHistory history, string? saveTo = null)
    {
        double? partial = null;
        if (run.Skipped)
        {
            context.NotTrained.Add(run.What);
        }
        else if (history.Cancelled)
        {
            var last = context.Out.LastBatch;
            int done = last is { } b ? b.Batch + 1 : 0, count = last?.BatchCount ?? 0;
            if (last is not null && done < count) partial = (double)done / count;
            context.Interruptions.Add(new Interruption(run.What, last?.Epoch ?? history.Epochs.Count, done, count,
                File.Exists(run.Checkpoint) ? run.Checkpoint : null));
            context.Journal?.Interrupted(run.Key);
        }
        else if (saveTo is not null)
        {
            byte[] state = File.ReadAllBytes(run.Checkpoint);
            Cli.OutputPaths.Write("--save", saveTo, path => AtomicFile.WriteAllBytes(path, state));
            File.Delete(run.Checkpoint);
            context.Out.Line($"saved {saveTo} (weights, optimizer state and data order: --resume continues it, --load evaluates it)");
            context.Results["saved"] = saveTo;
        }
        else if (context.Journal is not null && File.Exists(run.Checkpoint))
        {
            context.Journal.Finished(run.Key, run.Checkpoint);
        }
        else
        {
            File.Delete(run.Checkpoint);
        }
        return partial;
    }

    /// <summary>The training loss of a model in words and units, for the loss charts' y axis.</summary>
    public static string LossLabel(AutoencoderModel model) => model switch
    {
        VariationalAutoencoder { Options.Beta: 1f } => "loss: −ELBO (nats per image)",
        VariationalAutoencoder => "loss: β-weighted −ELBO (nats per image)",
        DenseAutoencoder { Options.Sparsity: not null } or DenseAutoencoder { Options.ContractiveWeight: > 0 } =>
            "loss: MSE per pixel + penalty",
        _ => "loss: MSE per pixel",
    };

    /// <summary>Batch 128, the run's seed and Ctrl+C token, progress and epoch lines on the console.</summary>
    public static TrainerOptions Options(RunContext context, int epochs) => new()
    {
        Epochs = epochs,
        BatchSize = BatchSize,
        Seed = context.Seed,
        Cancellation = context.Cancellation,
        OnBatch = r => context.Out.Batch(r, epochs),
        OnEpoch = r => context.Out.Epoch(r, epochs),
    };

    /// <summary>The batch size of every image autoencoder command.</summary>
    public const int BatchSize = 128;

    /// <summary>The file an interrupted training run leaves under --out.</summary>
    public const string InterruptedCheckpoint = "interrupted.safetensors";

    /// <summary>
    /// With --load, the checkpoint's model (it must be a <typeparamref name="TModel"/>) and no history; with
    /// --resume, the checkpoint's model trained on to --epochs; otherwise a new model from <paramref name="build"/>, trained.
    /// </summary>
    public static (TModel Model, TrainingHistory? History) LoadOrTrain<TModel>(RunContext context, Func<TModel> build,
        IDataset train, int defaultEpochs, ResumePoint? resume = null) where TModel : AutoencoderModel
    {
        if (context.LoadPath is not string load)
        {
            var model = resume?.Model as TModel ?? build();
            return (model, Train(context, model, train, defaultEpochs, resume: resume));
        }
        var loaded = Checkpoint.Load(load) as TModel
            ?? throw new InvalidDataException($"--load {load}: the checkpoint does not hold a {typeof(TModel).Name}.");
        context.Out.Line($"loaded {load}");
        context.Out.Line(loaded.Summary());
        context.Results["loaded"] = load;
        return (loaded, null);
    }

    /// <summary>With --save and a loaded (not trained) model, writes it as a checkpoint (atomically).</summary>
    public static void SaveIfAsked(RunContext context, AutoencoderModel model, TrainingHistory? history)
    {
        if (context.SavePath is not string save || history is not null) return;
        Cli.OutputPaths.Write("--save", save, path => Checkpoint.Save(model, path));
        context.Out.Line($"saved {save}");
        context.Results["saved"] = save;
    }

    /// <summary>
    /// Puts a model's headline result and its pictures into block <paramref name="block"/> of a docs chapter (with
    /// --write-docs): one table row of the model, the data, epochs, the metric and seconds per epoch.
    /// </summary>
    public static void Publish(RunContext context, string chapter, string block, AutoencoderModel model,
        TrainingHistory? history, FashionMnistData data, string metric, string value,
        params (string Path, string Caption)[] figures)
    {
        var full = history is null ? [] : Completed(context, history).Full;
        string epochs = history is null ? $"loaded from {context.LoadPath}" : full.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string perEpoch = full.Count == 0 ? "–" : $"{full.Average(e => e.Seconds):F1}";
        string markdown = $"| model | parameters | data | epochs | {metric} | s/epoch |\n|---|---:|---|---:|---:|---:|\n"
            + $"| {block} ({model.GetType().Name}) | {model.ParameterCount:N0} | {Describe(data)} "
            + $"| {epochs} | {value} | {perEpoch} |\n\nSeed {context.Seed}, Adam, batch 128; seconds per epoch are wall-clock on the machine that ran it ({ResultsDoc.Machine()}).";
        ResultsDoc.PublishFor(context, data.IsFashionMnist, context.DataPath, "own-images", chapter, block, markdown, figures);
    }

    /// <summary>
    /// The data of a run in a few words for the docs ("Fashion-MNIST, the embedded subset (6,000 train / 1,000 test
    /// images)"), without the local paths that <see cref="FashionMnistData.Source"/> names.
    /// </summary>
    public static string Describe(FashionMnistData data)
    {
        if (!data.IsFashionMnist)
            return $"{data.Name}, {data.ClassNames.Count} classes ({data.TrainCount:N0} train / {data.TestCount:N0} test images)";
        string which = data.IsSubset ? "the embedded subset"
            : data.TrainCount == 60_000 && data.TestCount == 10_000 ? "the full set"
            : "a set given with --data";
        return $"Fashion-MNIST, {which} ({data.TrainCount:N0} train / {data.TestCount:N0} test images)";
    }

    /// <summary>Records the figures every model shares: epochs (full and partial), seconds per epoch, data set sizes.</summary>
    public static void Report(RunContext context, string name, TrainingHistory? history, FashionMnistData data)
    {
        context.Results["model"] = name;
        context.Results["dataset"] = data.Source;
        context.Results["test_size"] = data.TestCount;
        if (history is null) return;
        var (full, partial) = Completed(context, history);
        double secondsPerEpoch = full.Count == 0 ? 0 : full.Average(e => e.Seconds);
        context.Results["epochs"] = full.Count;
        context.Results["seconds_per_epoch"] = secondsPerEpoch;
        context.Results["train_size"] = data.TrainCount;
        if (partial is { } p)
        {
            context.Results["partial_epoch"] = new Dictionary<string, int> { ["epoch"] = p.Epoch + 1, ["batches"] = p.Batch, ["of"] = p.BatchCount };
            context.Out.Line($"{Plural(full.Count, "full epoch")} and a partial epoch {p.Epoch + 1} ({p.Batch} of {p.BatchCount} batches, interrupted)"
                + (full.Count > 0 ? $"; {secondsPerEpoch:F1} s per full epoch" : ""));
        }
        else
        {
            context.Out.Line($"{Plural(full.Count, "epoch")}, {secondsPerEpoch:F1} s/epoch");
        }
    }

    /// <summary>
    /// The epochs of a history that ran to their end, and the interruption if the last one did not (Ctrl+C mid-epoch).
    /// </summary>
    public static (IReadOnlyList<EpochReport> Full, Interruption? Partial) Completed(RunContext context, TrainingHistory history)
    {
        if (!history.Cancelled || history.Epochs.Count == 0 || context.Interruptions.Count == 0) return (history.Epochs, null);
        var last = context.Interruptions[^1];
        return last.Batch < last.BatchCount && last.Epoch == history.Epochs[^1].Epoch
            ? (history.Epochs.Take(history.Epochs.Count - 1).ToList(), last)
            : (history.Epochs, null);
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>Mean per-pixel MSE of the reconstructions of a data set against its clean images.</summary>
    public static float TestMse(AutoencoderModel model, IDataset test, Corruption? noise, int seed)
    {
        model.Eval();
        using var _ = GradMode.Disable();
        var random = new Random(seed);
        double sum = 0;
        int count = 0;
        foreach (var batch in new DataLoader(test, 256).Epoch())
        {
            var input = noise is null ? batch.Inputs : noise.Apply(batch.Inputs, random);
            var reconstruction = model.Reconstruct(input).ReadOnlySpan;
            var clean = batch.Inputs.ReadOnlySpan;
            for (int i = 0; i < clean.Length; i++)
            {
                double d = reconstruction[i] - clean[i];
                sum += d * d;
            }
            count += clean.Length;
        }
        return (float)(sum / count);
    }

    /// <summary>Writes originals (top row), optionally their noisy versions, and reconstructions as one PNG; returns its path.</summary>
    public static string SaveReconstructions(RunContext context, AutoencoderModel model, IDataset test, string file,
        Corruption? noise = null)
    {
        const int count = 10;
        var batch = new DataLoader(test, count).Epoch().First().Inputs.Clone();
        Tensor shown = noise is null ? batch : noise.Apply(batch, new Random(context.Seed));
        Tensor reconstruction;
        using (GradMode.Disable()) reconstruction = model.Reconstruct(shown);
        var rows = new List<float>();
        rows.AddRange(batch.ToArray());
        if (noise is not null) rows.AddRange(shown.ToArray());
        rows.AddRange(reconstruction.ToArray());
        return SaveGrid(context, file, rows.ToArray(), rows.Count / 784, caption: noise is null
            ? $"{model.GetType().Name}: test images (top row) and their reconstructions (bottom row)."
            : $"{model.GetType().Name}: clean test images, the noisy inputs ({noise.Kind} {noise.Level}), and the denoised outputs.");
    }

    /// <summary>Tiles 28×28 images (ten to a row by default) into a PNG under --out, and into the report; returns its path.</summary>
    public static string SaveGrid(RunContext context, string file, float[] images, int count, int columns = 10,
        string? caption = null)
    {
        Directory.CreateDirectory(context.OutDirectory);
        string path = Path.Combine(context.OutDirectory, file);
        var grid = ImageGrid.Tile(images, count, 28, 28, columns, scale: 2);
        grid.SavePng(path);
        context.Report.Picture(file, caption ?? file, grid.ToPng());
        context.Out.Line($"wrote {path}");
        return path;
    }

    /// <summary>The test images' codes seen in 2-D (the code itself, or its first two principal axes), coloured by class.</summary>
    public static void LatentScatter(RunContext context, AutoencoderModel model, ByteImageDataset test, string what,
        IReadOnlyList<string> classNames, int maxPoints = 2000)
    {
        var subset = test.Count > maxPoints ? test.Subset(Enumerable.Range(0, maxPoints).ToArray()) : test;
        var codes = Engine.Latent.LatentSpace.Encode(model, subset);
        int k = codes.Length / subset.Count;
        var labels = Enumerable.Range(0, subset.Count).Select(subset.Label).ToArray();
        // The code has no physical unit: its axes are in the code's own units (a projection keeps them).
        string axes = k == 2 ? "z" : "principal axis";
        string unit = k == 2 ? "(code value)" : "(code units, projected)";
        context.Report.Chart($"latent-{RunReport.Slug(what)}",
            $"{what}: codes of {subset.Count:N0} test images" + (k == 2 ? "." : $", {k}-D codes projected on their first two principal axes."),
            new ScatterChart($"{what}: latent space", $"{axes} 1 {unit}", $"{axes} 2 {unit}",
                Engine.Latent.LatentSpace.View2D(codes, subset.Count, k), labels, classNames));
    }
}
