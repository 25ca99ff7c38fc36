using System.CommandLine;
using System.Globalization;
using Engine.IO;
using Engine.Data;
using Engine.Models;
using Engine.Optim;
using Engine.Training;

namespace Demo.Commands;

/// <summary>`ae`: the undercomplete dense autoencoder 784-512-128-32-128-512-784 on Fashion-MNIST.</summary>
internal static class AutoencoderCommand
{
    public static Command Create(CommonOptions options)
    {
        var command = new Command("ae", "Train the dense autoencoder 784-512-128-(latent)-128-512-784 (ReLU, sigmoid out, MSE, Adam 1e-3, batch 128).");
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, Run));
        return command;
    }

    public static void Run(RunContext context)
    {
        context.Out.Heading("Dense autoencoder");
        var data = context.LoadFashion();
        var train = new ByteImageDataset(data.TrainImages, FashionMnist.ImageSize, data.TrainLabels, 28, 28);
        var test = new ByteImageDataset(data.TestImages, FashionMnist.ImageSize, data.TestLabels, 28, 28);
        int epochs = context.Epochs ?? (context.Quick ? 3 : 10);
        var trainer = new Trainer(new TrainerOptions
        {
            Epochs = epochs,
            BatchSize = 128,
            Seed = context.Seed,
            Cancellation = context.Cancellation,
            OnBatch = r => context.Out.Batch(r, epochs),
            OnEpoch = r => context.Out.Epoch(r, epochs),
        });
        if (context.LoadPath is string load)
        {
            // Evaluate a saved model instead of training one.
            var loaded = Checkpoint.Load(load);
            context.Out.Line($"loaded {load}");
            context.Out.Line(loaded.Summary());
            float loadedMse = trainer.Evaluate(loaded, test);
            context.Out.Line($"test MSE {loadedMse:F5}");
            context.Results["model"] = "ae";
            context.Results["loaded"] = load;
            context.Results["test_mse"] = loadedMse;
            context.Results["dataset"] = data.Source;
            context.Results["test_size"] = data.TestCount;
            return;
        }
        var model = new DenseAutoencoder(DenseAutoencoderOptions.Reference(context.Latent ?? 32), new Random(context.Seed));
        context.Out.Line(model.Summary());
        var history = trainer.Fit(model, new Adam(model.Parameters(), 1e-3f), train);
        float testMse = trainer.Evaluate(model, test);
        double secondsPerEpoch = history.Epochs.Average(e => e.Seconds);
        context.Out.Line($"test MSE {testMse:F5} after {history.Epochs.Count} epochs ({secondsPerEpoch:F1} s/epoch)");
        context.Results["model"] = "ae";
        context.Results["test_mse"] = testMse;
        context.Results["epochs"] = history.Epochs.Count;
        context.Results["seconds_per_epoch"] = secondsPerEpoch;
        context.Results["dataset"] = data.Source;
        context.Results["train_size"] = data.TrainCount;
        context.Results["test_size"] = data.TestCount;
        if (context.SavePath is string save)
        {
            Checkpoint.Save(model, ExportCommand.CreateDirectoryFor(save), new Dictionary<string, string>
            {
                ["dataset"] = data.Source,
                ["epochs"] = history.Epochs.Count.ToString(CultureInfo.InvariantCulture),
                ["test_mse"] = testMse.ToString("R", CultureInfo.InvariantCulture),
            });
            context.Out.Line($"saved {save}");
            context.Results["saved"] = save;
        }
    }
}
