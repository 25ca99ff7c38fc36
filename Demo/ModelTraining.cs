using Engine.Autodiff;
using Engine.Data;
using Engine.IO;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training;

namespace Demo;

/// <summary>What every autoencoder command does: load Fashion-MNIST, train with Adam, evaluate, draw, report.</summary>
internal static class ModelTraining
{
    /// <summary>The training and test sets of the run as datasets (bytes until a batch is built).</summary>
    public static (ByteImageDataset Train, ByteImageDataset Test, FashionMnistData Data) Fashion(RunContext context)
    {
        var data = context.LoadFashion();
        return (new ByteImageDataset(data.TrainImages, FashionMnist.ImageSize, data.TrainLabels, 28, 28),
            new ByteImageDataset(data.TestImages, FashionMnist.ImageSize, data.TestLabels, 28, 28), data);
    }

    /// <summary>Trains with Adam (lr 1e-3, batch 128) and returns the history; progress goes to the console.</summary>
    public static TrainingHistory Train(RunContext context, AutoencoderModel model, IDataset train, int defaultEpochs,
        float learningRate = 1e-3f)
    {
        int epochs = context.Epochs ?? (context.Quick ? Math.Min(3, defaultEpochs) : defaultEpochs);
        context.Out.Line(model.Summary());
        var trainer = new Trainer(new TrainerOptions
        {
            Epochs = epochs,
            BatchSize = 128,
            Seed = context.Seed,
            Cancellation = context.Cancellation,
            OnBatch = r => context.Out.Batch(r, epochs),
            OnEpoch = r => context.Out.Epoch(r, epochs),
        });
        return trainer.Fit(model, new Adam(model.Parameters(), learningRate), train);
    }

    /// <summary>
    /// With --load, the checkpoint's model (it must be a <typeparamref name="TModel"/>) and no history; otherwise a
    /// new model from <paramref name="build"/>, trained.
    /// </summary>
    public static (TModel Model, TrainingHistory? History) LoadOrTrain<TModel>(RunContext context, Func<TModel> build,
        IDataset train, int defaultEpochs) where TModel : AutoencoderModel
    {
        if (context.LoadPath is not string load)
        {
            var model = build();
            return (model, Train(context, model, train, defaultEpochs));
        }
        var loaded = Checkpoint.Load(load) as TModel
            ?? throw new InvalidDataException($"{load}: the checkpoint does not hold a {typeof(TModel).Name}.");
        context.Out.Line($"loaded {load}");
        context.Out.Line(loaded.Summary());
        context.Results["loaded"] = load;
        return (loaded, null);
    }

    /// <summary>With --save, writes the model as a checkpoint (atomically), noting the data set and the metric.</summary>
    public static void SaveIfAsked(RunContext context, AutoencoderModel model, FashionMnistData data, float metric)
    {
        if (context.SavePath is not string save) return;
        Checkpoint.Save(model, Commands.ExportCommand.CreateDirectoryFor(save), new Dictionary<string, string>
        {
            ["dataset"] = data.Source,
            ["test_metric"] = metric.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        });
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
        string epochs = history is null ? $"loaded from {context.LoadPath}" : history.Epochs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string perEpoch = history is null || history.Epochs.Count == 0 ? "–" : $"{history.Epochs.Average(e => e.Seconds):F1}";
        string markdown = $"| model | parameters | data | epochs | {metric} | s/epoch |\n|---|---:|---|---:|---:|---:|\n"
            + $"| {block} ({model.GetType().Name}) | {model.ParameterCount:N0} | {Describe(data)} "
            + $"| {epochs} | {value} | {perEpoch} |\n\nSeed {context.Seed}, Adam, batch 128; seconds per epoch are wall-clock on a shared 2-core machine.";
        ResultsDoc.Publish(context, chapter, block, markdown, figures);
    }

    /// <summary>
    /// The data of a run in a few words for the docs ("Fashion-MNIST, the embedded subset (6,000 train / 1,000 test
    /// images)"), without the local paths that <see cref="FashionMnistData.Source"/> names.
    /// </summary>
    public static string Describe(FashionMnistData data)
    {
        string which = data.IsSubset ? "the embedded subset"
            : data.TrainCount == 60_000 && data.TestCount == 10_000 ? "the full set"
            : "a set given with --data";
        return $"Fashion-MNIST, {which} ({data.TrainCount:N0} train / {data.TestCount:N0} test images)";
    }

    /// <summary>Records the figures every model shares: epochs, seconds per epoch, data set sizes.</summary>
    public static void Report(RunContext context, string name, TrainingHistory? history, FashionMnistData data)
    {
        context.Results["model"] = name;
        context.Results["dataset"] = data.Source;
        context.Results["test_size"] = data.TestCount;
        if (history is null) return;
        double secondsPerEpoch = history.Epochs.Count == 0 ? 0 : history.Epochs.Average(e => e.Seconds);
        context.Results["epochs"] = history.Epochs.Count;
        context.Results["seconds_per_epoch"] = secondsPerEpoch;
        context.Results["train_size"] = data.TrainCount;
        context.Out.Line($"{history.Epochs.Count} epochs, {secondsPerEpoch:F1} s/epoch");
    }

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
        return SaveGrid(context, file, rows.ToArray(), rows.Count / 784);
    }

    /// <summary>Tiles 28×28 images ten to a row into a PNG under --out; returns its path.</summary>
    public static string SaveGrid(RunContext context, string file, float[] images, int count)
    {
        Directory.CreateDirectory(context.OutDirectory);
        string path = Path.Combine(context.OutDirectory, file);
        ImageGrid.Tile(images, count, 28, 28, columns: 10, scale: 2).SavePng(path);
        context.Out.Line($"wrote {path}");
        return path;
    }
}
