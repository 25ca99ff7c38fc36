using System.CommandLine;
using Engine.Models;

namespace Demo.Commands;

/// <summary>`conv`: the reference convolutional autoencoder (two stride-2 convolutions to a 32-d code) on Fashion-MNIST.</summary>
internal static class ConvCommand
{
    public static Command Create()
    {
        var options = Cli.DemoOptions.ImageModel(defaultEpochs: 10, defaultLatent: 32, quickEpochs: "2");
        var command = options.AddTo(new Command("conv",
            "Train the convolutional autoencoder Conv(32)-Conv(64)-Linear(latent) / Linear-ConvT(32)-ConvT(1) (ReLU, sigmoid out, MSE, Adam 1e-3, batch 128)."));
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, Run));
        return command;
    }

    public static void Run(RunContext context)
    {
        // --quick keeps its two epochs (a conv epoch is the slowest of the autoencoders).
        int defaultEpochs = context.Quick ? 2 : 10;
        var resume = ResumePoint.Read(context, "conv",
            (ConvAutoencoder m) => new ConvAutoencoder(ConvAutoencoderOptions.Reference(m.LatentSize), new Random(0)),
            ModelTraining.Epochs(context, defaultEpochs), ModelTraining.BatchSize);
        context.Out.Heading("Convolutional autoencoder");
        var (train, test, data) = ModelTraining.Fashion(context);
        var (model, history) = ModelTraining.LoadOrTrain(context,
            () => new ConvAutoencoder(ConvAutoencoderOptions.Reference(context.Latent ?? 32), new Random(context.Seed)),
            train, defaultEpochs, resume);
        float testMse = ModelTraining.TestMse(model, test, model.Options.Noise, context.Seed);
        context.Out.Line($"test MSE {testMse:F5}");
        context.Results["test_mse"] = testMse;
        if (history is not null)
            context.Results["train_loss"] = history.Epochs.Count > 0 ? history.Epochs[^1].TrainLoss : float.NaN;
        context.Results["parameters"] = model.ParameterCount;
        ModelTraining.Report(context, "conv", history, data);
        ModelTraining.SaveIfAsked(context, model, history);
        string picture = ModelTraining.SaveReconstructions(context, model, test, "conv-reconstructions.png");
        ModelTraining.Publish(context, "03-variants.md", "conv", model, history, data, "test MSE", $"{testMse:F5}",
            (picture, "Test images (top row) and their reconstructions by the convolutional autoencoder (bottom row)"));
    }
}
