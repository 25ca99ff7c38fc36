using System.CommandLine;
using Engine.Models;

namespace Demo.Commands;

/// <summary>
/// `ae`, `sparse`, `denoise`, `contractive`: the dense autoencoder 784-512-128-(latent)-128-512-784 (ReLU, sigmoid
/// out, MSE, Adam 1e-3, batch 128), plain or with a regulariser or corrupted inputs.
/// </summary>
internal static class DenseCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Make("ae", "Undercomplete dense autoencoder 784-512-128-(latent 32)-128-512-784: ReLU, sigmoid output, MSE.",
            latent => DenseAutoencoderOptions.Reference(latent ?? 32), 32);
        yield return Make("sparse", "Sparse autoencoder: a 64-unit sigmoid code with a KL sparsity target (rho 0.05).",
            latent => DenseAutoencoderOptions.Sparse(latent ?? 64), 64);
        yield return Make("denoise", "Denoising autoencoder: Gaussian noise sigma 0.3 clipped to [0,1]; error measured against clean images.",
            latent => DenseAutoencoderOptions.Denoising(latent ?? 32), 32);
        yield return Make("contractive", "Contractive autoencoder: sigmoid code, penalty lambda*||dz/dh||_F^2 in closed form.",
            latent => DenseAutoencoderOptions.Contractive(latent ?? 32), 32);
    }

    private static Command Make(string name, string description, Func<int?, DenseAutoencoderOptions> recipe, int defaultLatent)
    {
        var options = Cli.DemoOptions.ImageModel(DefaultEpochs, defaultLatent);
        var command = options.AddTo(new Command(name, description));
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, c => Run(c, name, recipe)));
        return command;
    }

    /// <summary>The epochs of the dense autoencoders (and, by default, of every autoencoder the `pca` comparison trains).</summary>
    internal const int DefaultEpochs = 10;

    /// <summary>Trains (or loads, or resumes) the model of <paramref name="recipeFor"/> (given --latent, or null) and reports it.</summary>
    public static void Run(RunContext context, string name, Func<int?, DenseAutoencoderOptions> recipeFor)
    {
        var resume = ResumePoint.Read(context, name,
            (DenseAutoencoder m) => new DenseAutoencoder(recipeFor(m.LatentSize), new Engine.Tensors.Rng(0)),
            ModelTraining.Epochs(context, DefaultEpochs), ModelTraining.BatchSize);
        context.Out.Heading(name == "ae" ? "Dense autoencoder" : $"{name} autoencoder");
        var (train, test, data) = ModelTraining.Fashion(context);
        var (model, history) = ModelTraining.LoadOrTrain(context,
            () => new DenseAutoencoder(recipeFor(context.Latent), new Engine.Tensors.Rng(context.Seed)), train, DefaultEpochs, resume);
        var recipe = model.Options;
        float testMse = ModelTraining.TestMse(model, test, recipe.Noise, context.Seed);
        context.Out.Line(recipe.Noise is null
            ? $"test MSE {testMse:F5}"
            : $"test MSE of denoised images against the clean ones {testMse:F5} (noise: {recipe.Noise.Kind} {recipe.Noise.Level})");
        context.Results["test_mse"] = testMse;
        context.Report.Text($"{model.GetType().Name} {recipe.InputSize}-{string.Join('-', recipe.HiddenSizes)}-{model.LatentSize}: "
            + (recipe.Noise is null ? $"test MSE per pixel {testMse:F5}." : $"test MSE of the denoised test images against the clean ones {testMse:F5} (noise: {recipe.Noise.Kind} {recipe.Noise.Level}).")
            + $" Data: {data.Source}, {data.TrainCount:N0} training / {data.TestCount:N0} test images.");
        string value = $"{testMse:F5}";
        if (recipe.Sparsity is not null)
        {
            float meanActivation = MeanCodeActivation(model, test);
            context.Out.Line($"mean code activation on test images {meanActivation:F4} (target {recipe.Sparsity.Target})");
            context.Results["mean_code_activation"] = meanActivation;
            value += $" (mean code activation {meanActivation:F4}, target {recipe.Sparsity.Target})";
        }
        ModelTraining.Report(context, name, history, data);
        ModelTraining.SaveIfAsked(context, model, history);
        string picture = ModelTraining.SaveReconstructions(context, model, test, $"{name}-reconstructions.png", recipe.Noise);
        ModelTraining.LatentScatter(context, model, test, $"{name} ({model.LatentSize}-D code)", data.ClassNames);
        string caption = recipe.Noise is null
            ? "Test images (top row) and their reconstructions (bottom row)"
            : "Test images (top), with noise (middle), denoised (bottom)";
        ModelTraining.Publish(context, name == "ae" ? "01-what-is-an-autoencoder.md" : "03-variants.md", name, model, history,
            data, recipe.Noise is null ? "test MSE" : "test MSE (denoised vs clean)", value, (picture, caption));
    }

    private static float MeanCodeActivation(DenseAutoencoder model, Engine.Data.IDataset test)
    {
        using var _ = Engine.Autodiff.GradMode.Disable();
        double sum = 0;
        long count = 0;
        foreach (var batch in new Engine.Data.DataLoader(test, 256).Epoch())
        {
            foreach (float v in model.Encode(batch.Inputs).ReadOnlySpan) sum += v;
            count += batch.Count * model.LatentSize;
        }
        return (float)(sum / count);
    }
}
