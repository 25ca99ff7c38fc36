using Engine.Data;
using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Training;

namespace Demo.Commands;

/// <summary>What the pca, classify and latent commands share: data as float arrays, AE training.</summary>
internal static class LatentDemoSupport
{
    public static float[] ToFloats(byte[] images)
    {
        var result = new float[images.Length];
        FashionMnist.ToUnitFloats(images, 0, images.Length / FashionMnist.ImageSize, result);
        return result;
    }

    public static int[] ToLabels(byte[] labels) => labels.Select(l => (int)l).ToArray();

    /// <summary>Trains an autoencoder with Adam (default 1e-3), batch 128, printing progress; returns the wall-clock seconds.</summary>
    public static double Train(RunContext context, AutoencoderModel model, IDataset train, int epochs, string what,
        float learningRate = 1e-3f)
    {
        context.Out.Line($"training {what} ({model.ParameterCount:N0} parameters, {epochs} epochs)");
        var trainer = new Trainer(new TrainerOptions
        {
            Epochs = epochs,
            BatchSize = 128,
            Seed = context.Seed,
            Cancellation = context.Cancellation,
            OnBatch = r => context.Out.Batch(r, epochs),
            OnEpoch = r => context.Out.Epoch(r, epochs),
        });
        var history = trainer.Fit(model, new Adam(model.Parameters(), learningRate), train);
        return history.Epochs.Sum(e => e.Seconds);
    }

    /// <summary>Copies every parameter of <paramref name="source"/> into the same-shaped <paramref name="target"/>.</summary>
    public static void CopyParameters(Module source, Module target)
    {
        var from = source.NamedParameters().ToList();
        var to = target.NamedParameters().ToList();
        if (from.Count != to.Count) throw new InvalidOperationException("CopyParameters: the models differ.");
        for (int i = 0; i < from.Count; i++) from[i].Parameter.ReadOnlySpan.CopyTo(to[i].Parameter.Span);
    }
}
