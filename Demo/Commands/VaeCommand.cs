using System.CommandLine;
using Engine.Models;

namespace Demo.Commands;

/// <summary>`vae`: the variational autoencoder, its negative ELBO, IWAE bound, collapse diagnostics and samples.</summary>
internal static class VaeCommand
{
    public static Command Create()
    {
        var options = Cli.DemoOptions.ImageModel(defaultEpochs: 10, defaultLatent: 20);
        var beta = Cli.DemoOptions.Number("--beta", "Weight of the KL term (beta-VAE), above 0 and at most 1000.", 1f, 0f, 1000f, minExclusive: true);
        var example = new Option<bool>("--pytorch-example") { Description = "Use the architecture of PyTorch's VAE example (784-400-20)." };
        var command = options.AddTo(new Command("vae", "Variational autoencoder 784-512-256-(20)-256-512-784, Bernoulli likelihood (BCE summed over pixels) + KL."));
        command.Options.Add(beta);
        command.Options.Add(example);
        command.Validators.Add(result =>
        {
            if (result.GetResult(example) is { Implicit: false } && result.GetResult(options.Latent!) is { Implicit: false })
                result.AddError("--latent does not apply with --pytorch-example: that architecture's code size is 20.");
        });
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token,
            c => Run(c, parse.GetValue(beta), parse.GetValue(example))));
        return command;
    }

    public static void Run(RunContext context, float beta, bool pytorchExample)
    {
        VaeOptions Recipe(int? latent) =>
            (pytorchExample ? VaeOptions.PyTorchExample() : VaeOptions.Reference(latent ?? 20)) with { Beta = beta };
        var resume = ResumePoint.Read(context, pytorchExample ? "vae --pytorch-example" : "vae",
            (VariationalAutoencoder m) => new VariationalAutoencoder(Recipe(m.LatentSize), new Engine.Tensors.Rng(0)),
            ModelTraining.Epochs(context, 10), ModelTraining.BatchSize);
        context.Out.Heading(pytorchExample ? "VAE (PyTorch's example architecture)" : "Variational autoencoder");
        var (train, test, data) = ModelTraining.Fashion(context);
        var (model, history) = ModelTraining.LoadOrTrain(context,
            () => new VariationalAutoencoder(Recipe(context.Latent), new Engine.Tensors.Rng(context.Seed)), train, defaultEpochs: 10, resume);

        model.Eval();
        float negElbo = NegativeElbo(model, test, context.Seed);
        int k = context.Quick ? 16 : 64;
        double iwae;
        using (context.Out.Step($"IWAE bound with {k} samples per test image"))
            iwae = VaeDiagnostics.ImportanceWeightedNll(model, test, k, new Random(context.Seed));
        var posterior = VaeDiagnostics.Posterior(model, test);
        context.Out.Line($"test negative ELBO {negElbo:F1} nats/image; IWAE bound (k={k}) {iwae:F1} nats/image");
        context.Out.Line($"active units {posterior.ActiveUnits}/{model.LatentSize}; KL per dimension: " +
                         string.Join(" ", posterior.KlPerDimension.Select(v => v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture))));
        context.Results["test_neg_elbo"] = negElbo;
        context.Results["test_iwae_nll"] = iwae;
        context.Results["iwae_samples"] = k;
        context.Results["active_units"] = posterior.ActiveUnits;
        context.Results["kl_per_dimension"] = posterior.KlPerDimension;
        context.Results["beta"] = beta;
        ModelTraining.Report(context, pytorchExample ? "vae-pytorch-example" : "vae", history, data);
        ModelTraining.SaveIfAsked(context, model, history);
        string reconstructions = ModelTraining.SaveReconstructions(context, model, test, "vae-reconstructions.png");
        context.Report.Text($"Test negative ELBO {negElbo:F1} nats per image; IWAE bound (k = {k}) {iwae:F1}; "
            + $"{posterior.ActiveUnits} of {model.LatentSize} latent units active. Data: {data.Source}.");
        string samples = ModelTraining.SaveGrid(context, "vae-samples.png", model.Sample(50, new Random(context.Seed)).ToArray(), 50,
            caption: "VAE: 50 images decoded from z drawn from the prior N(0, I).");
        var testX = LatentDemoSupport.ToFloats(data.TestImages);
        var (strip, count) = LatentDemoSupport.InterpolationStrip(model, testX, LatentDemoSupport.ToLabels(data.TestLabels), 8);
        ModelTraining.SaveGrid(context, "vae-interpolation.png", strip, count, 10,
            "VAE: interpolation between the posterior means of two test images (first and last column), 8 decoded steps.");
        string block = pytorchExample ? "vae-pytorch-example" : beta == 1f ? "vae" : "beta-vae";
        ModelTraining.Publish(context, "03-variants.md", block, model, history, data,
            $"test negative ELBO (nats/image), β = {beta.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            $"{negElbo:F1} (IWAE k={k}: {iwae:F1}; active units {posterior.ActiveUnits}/{model.LatentSize})",
            (reconstructions, "Test images (top) and their reconstructions from the posterior mean (bottom)"),
            (samples, "Decoded samples z ~ N(0, I) from the prior"));
    }

    // The plain negative ELBO (β = 1, no annealing or free bits) per test image, one ε sample per image.
    private static float NegativeElbo(VariationalAutoencoder model, Engine.Data.IDataset test, int seed)
    {
        using var _ = Engine.Autodiff.GradMode.Disable();
        var random = new Random(seed);
        double sum = 0;
        int count = 0;
        foreach (var batch in new Engine.Data.DataLoader(test, 256).Epoch())
        {
            sum += (double)model.Loss(batch.Inputs, random).Parts["neg_elbo"] * batch.Count;
            count += batch.Count;
        }
        return (float)(sum / count);
    }
}
