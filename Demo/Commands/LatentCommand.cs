using System.CommandLine;
using Engine.Data;
using Engine.Latent;
using Engine.Models;

namespace Demo.Commands;

/// <summary>
/// `latent`: pictures of latent spaces — a 2-D code coloured by class, a PCA view of a larger code, interpolation
/// between images, samples from a VAE's prior and nearest neighbours in code space — written as PNGs to --out.
/// </summary>
internal static class LatentCommand
{
    public static Command Create()
    {
        var options = Cli.CommandOptions.Common() with
        {
            Data = Cli.DemoOptions.FashionData(),
            Epochs = Cli.DemoOptions.Epochs("Training epochs of each model (default 10; 3 with --quick)."),
            Latent = Cli.DemoOptions.Latent("Code size of the larger AE (default 32); the first AE's code is always 2-D."),
            Resume = Cli.DemoOptions.ResumeRun(),
            ResumesRuns = true,
        };
        var command = options.AddTo(new Command("latent", "Latent-space pictures: 2-D views, interpolation, VAE prior samples, nearest neighbours (PNGs in --out)."));
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, Run));
        return command;
    }

    public static void Run(RunContext context)
    {
        context.Out.Heading("Latent-space tools");
        var data = context.LoadImages();
        int d = FashionMnist.ImageSize, nTest = data.TestCount;
        int k = context.Latent ?? 32;
        int epochs = context.Epochs ?? (context.Quick ? 3 : 10);
        var train = new ByteImageDataset(data.TrainImages, d, data.TrainLabels, 28, 28);
        var test = new ByteImageDataset(data.TestImages, d, data.TestLabels, 28, 28);
        var testX = LatentDemoSupport.ToFloats(data.TestImages);
        var testY = LatentDemoSupport.ToLabels(data.TestLabels);
        Directory.CreateDirectory(context.OutDirectory);
        string Out(string file) => Path.Combine(context.OutDirectory, file);
        string colours = string.Join(", ", data.ClassNames.Select((name, c) =>
        {
            var (r, g, b) = ScatterPlot.ColorOf(c);
            return $"{name} #{r:x2}{g:x2}{b:x2}";
        }));
        context.Out.Line("colours by class: " + colours);

        // 1. A model whose code is 2-D: plot the codes directly.
        var ae2 = new DenseAutoencoder(DenseAutoencoderOptions.Reference(2), new Random(context.Seed));
        LatentDemoSupport.Train(context, ae2, train, epochs, "AE with a 2-D code");
        var codes2 = LatentSpace.Encode(ae2, test);
        File.WriteAllBytes(Out("latent-2d.png"), ScatterPlot.ToPng(LatentSpace.View2D(codes2, nTest, 2), testY, 800, 800));
        ModelTraining.LatentScatter(context, ae2, test, "AE with a 2-D code", data.ClassNames);

        // 2. A larger code seen through its first two principal axes.
        var ae = new DenseAutoencoder(DenseAutoencoderOptions.Reference(k), new Random(context.Seed));
        LatentDemoSupport.Train(context, ae, train, epochs, $"AE with a {k}-D code");
        var codes = LatentSpace.Encode(ae, test);
        File.WriteAllBytes(Out($"latent-{k}d-pca.png"), ScatterPlot.ToPng(LatentSpace.View2D(codes, nTest, k), testY, 800, 800));
        ModelTraining.LatentScatter(context, ae, test, $"AE with a {k}-D code", data.ClassNames);

        // 3. Interpolation: rows of [image a, 10 decoded steps from z_a to z_b, image b] for a few class pairs.
        const int steps = 10;
        var (strip, stripCount) = LatentDemoSupport.InterpolationStrip(ae, testX, testY, steps);
        ModelTraining.SaveGrid(context, "interpolation.png", strip, stripCount, steps + 2,
            $"AE-{k}: interpolation in code space; each row is image a, {steps} decoded steps, image b.");

        // 4. Samples from the prior of a VAE.
        var vae = new VariationalAutoencoder(VaeOptions.Reference(), new Random(context.Seed));
        LatentDemoSupport.Train(context, vae, train, epochs, $"VAE 784-512-256-{vae.LatentSize}");
        var samples = LatentSpace.SamplePrior(vae, 64, new Random(context.Seed));
        ModelTraining.SaveGrid(context, "vae-samples.png", samples, 64, 8, "VAE: 64 samples decoded from the prior N(0, I).");

        // 5. Nearest neighbours in the AE's code space: each row is a query followed by its 9 neighbours.
        const int neighbours = 9;
        var queries = Enumerable.Range(0, 10).Select(c => Array.IndexOf(testY, c)).Where(i => i >= 0).ToArray();
        var tiles = new List<float>();
        int agree = 0, total = 0;
        foreach (int q in queries)
        {
            // k + 1 because the first neighbour of a test image among the test codes is the image itself.
            var found = LatentSpace.NearestNeighbors(codes, nTest, k, codes.AsSpan(q * k, k), neighbours + 1);
            foreach (int i in found)
            {
                tiles.AddRange(testX.AsSpan(i * d, d).ToArray());
                if (i == q) continue;
                total++;
                if (testY[i] == testY[q]) agree++;
            }
        }
        ModelTraining.SaveGrid(context, "neighbours.png", tiles.ToArray(), tiles.Count / d, neighbours + 1,
            $"AE-{k}: each row is a test image and its {neighbours} nearest neighbours in code space.");
        double agreement = (double)agree / Math.Max(total, 1);

        context.Out.Line($"wrote latent-2d.png, latent-{k}d-pca.png, interpolation.png, vae-samples.png, neighbours.png to {context.OutDirectory}");
        context.Out.Line($"nearest neighbours sharing the query's class: {100 * agreement:F1}% ({agree}/{total})");
        context.Results["dataset"] = data.Source;
        context.Results["epochs"] = epochs;
        context.Results["latent"] = k;
        context.Results["ae2_test_mse"] = ae2.ReconstructionMse(Engine.Tensors.Tensor.FromArray(testX, nTest, d));
        context.Results["ae_test_mse"] = ae.ReconstructionMse(Engine.Tensors.Tensor.FromArray(testX, nTest, d));
        context.Results["neighbour_class_agreement"] = agreement;
        context.Results["pictures"] = new[]
        {
            "latent-2d.png", $"latent-{k}d-pca.png", "interpolation.png", "vae-samples.png", "neighbours.png",
        };

        string markdown = $"{ModelTraining.Describe(data)}; dense "
            + $"autoencoders 784-512-128-k (reference recipe) and a VAE 784-512-256-{vae.LatentSize}, {epochs} epochs each, "
            + $"seed {context.Seed}. Test MSE: 2-D code {context.Results["ae2_test_mse"]:F5}, {k}-D code "
            + $"{context.Results["ae_test_mse"]:F5}. Nearest neighbours (Euclidean, in the {k}-D code space) that share the "
            + $"query's class: {100 * agreement:F1}% ({agree}/{total}). Colours: {colours}.";
        ResultsDoc.PublishFor(context, data.IsFashionMnist, context.DataPath, "own-images", "02-latent-space.md", "latent", markdown,
            (Out("latent-2d.png"), "The test images' codes of the autoencoder with a 2-D code, coloured by class"),
            (Out($"latent-{k}d-pca.png"), $"The {k}-D codes of the test images seen through their first two principal axes"),
            (Out("interpolation.png"), "Decoding points on the straight line between the codes of two test images (first and last column)"),
            (Out("vae-samples.png"), "Decoded samples z ~ N(0, I) from the VAE's prior"),
            (Out("neighbours.png"), $"A query image per class (first column) and its nearest neighbours in the {k}-D code space"));
    }
}
