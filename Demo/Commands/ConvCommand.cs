using System.CommandLine;
using Engine.Data;
using Engine.Models;
using Engine.Optim;
using Engine.Training;

namespace Demo.Commands;

/// <summary>`conv`: the reference convolutional autoencoder (two stride-2 convolutions to a 32-d code) on Fashion-MNIST.</summary>
internal static class ConvCommand
{
    public static Command Create(CommonOptions options)
    {
        var command = new Command("conv", "Train the convolutional autoencoder Conv(32)-Conv(64)-Linear(latent) / Linear-ConvT(32)-ConvT(1) (ReLU, sigmoid out, MSE, Adam 1e-3, batch 128).");
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, Run));
        return command;
    }

    public static void Run(RunContext context)
    {
        context.Out.Heading("Convolutional autoencoder");
        var data = context.LoadFashion();
        var train = new ByteImageDataset(data.TrainImages, FashionMnist.ImageSize, data.TrainLabels, 28, 28);
        var test = new ByteImageDataset(data.TestImages, FashionMnist.ImageSize, data.TestLabels, 28, 28);
        int epochs = context.Epochs ?? (context.Quick ? 2 : 10);
        var model = new ConvAutoencoder(ConvAutoencoderOptions.Reference(context.Latent ?? 32), new Random(context.Seed));
        context.Out.Line(model.Summary());
        var trainer = new Trainer(ModelTraining.Options(context, epochs));
        var history = trainer.Fit(model, new Adam(model.Parameters(), 1e-3f), train);
        float testMse = trainer.Evaluate(model, test);
        double secondsPerEpoch = history.Epochs.Count > 0 ? history.Epochs.Average(e => e.Seconds) : 0;
        context.Out.Line($"test MSE {testMse:F5} after {history.Epochs.Count} epochs ({secondsPerEpoch:F1} s/epoch)");
        context.Report.LossChart("convolutional autoencoder", history.Epochs);
        context.Results["model"] = "conv";
        context.Results["test_mse"] = testMse;
        context.Results["epochs"] = history.Epochs.Count;
        context.Results["seconds_per_epoch"] = secondsPerEpoch;
        context.Results["train_loss"] = history.Epochs.Count > 0 ? history.Epochs[^1].TrainLoss : float.NaN;
        context.Results["parameters"] = model.ParameterCount;
        context.Results["dataset"] = data.Source;
        context.Results["train_size"] = data.TrainCount;
        context.Results["test_size"] = data.TestCount;
    }
}
