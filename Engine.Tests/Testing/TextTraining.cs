using Engine.Models;
using Engine.Optim;
using Engine.Training;

namespace Engine.Tests.Testing;

/// <summary>The text trainer as most tests use it: Adam at 2e-3 and the gradient norm clipped to 5.</summary>
internal static class TextTraining
{
    public static TrainingHistory Fit(ISequenceAutoencoder model, IReadOnlyList<int[]> sentences, TrainerOptions options,
        float learningRate = 2e-3f, int chunkBatches = 50) =>
        new TextTrainer(options with { ClipGradientNorm = options.ClipGradientNorm ?? 5f }, chunkBatches)
            .Fit(model, new Adam(model.Parameters(), learningRate), sentences);
}
