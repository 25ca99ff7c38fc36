using Engine.Data;
using Engine.Models;
using Engine.Optim;
using Engine.Training;

namespace Engine.Tests;

/// <summary>The README's example, line for line (ReadmeTests checks that the two agree).</summary>
internal static class ReadmeExample
{
    public static void Run()
    {
        // README-BEGIN
        // 512 procedurally drawn 16×16 images of bars, squares and discs: no download needed.
        var data = SyntheticShapes.Generate(count: 512, seed: 5, size: 16);

        // 256 → 64 → 8 → 64 → 256: ReLU inside, a linear 8-number code, sigmoid output.
        var model = new DenseAutoencoder(new DenseAutoencoderOptions(256, [64], 8), new Random(6));
        var trainer = new Trainer(new TrainerOptions { Epochs = 30, BatchSize = 32, Seed = 7 });

        float before = trainer.Evaluate(model, data);
        trainer.Fit(model, new Adam(model.Parameters(), 3e-3f), data);
        float after = trainer.Evaluate(model, data);

        Console.WriteLine($"reconstruction MSE {before:F4} -> {after:F4}");
        // README-END
    }
}
