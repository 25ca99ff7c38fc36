using Engine.Data;
using Engine.Layers;
using Engine.Models;

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
        float learningRate = 1e-3f, bool lossChart = true)
    {
        context.Out.Line($"training {what} ({model.ParameterCount:N0} parameters, {epochs} epochs)");
        var history = ModelTraining.Fit(context, model, train, epochs, learningRate, what, lossChart);
        return history.Epochs.Sum(e => e.Seconds);
    }

    /// <summary>
    /// Rows of [image a, <paramref name="steps"/> images decoded along the straight line from z_a to z_b, image b]
    /// for a few class pairs of the test set (T-shirt→Trouser, Sneaker→Boot, Pullover→Bag, Sandal→Dress).
    /// </summary>
    public static (float[] Images, int Count) InterpolationStrip(AutoencoderModel model, float[] testX, int[] testY, int steps)
    {
        int d = FashionMnist.ImageSize;
        (int From, int To)[] pairs = [(0, 1), (7, 9), (2, 8), (5, 3)];
        var strip = new List<float>();
        foreach (var (from, to) in pairs)
        {
            int a = Array.IndexOf(testY, from), b = Array.IndexOf(testY, to);
            if (a < 0 || b < 0) continue;
            strip.AddRange(testX.AsSpan(a * d, d).ToArray());
            strip.AddRange(Engine.Latent.LatentSpace.Interpolate(model, testX.AsSpan(a * d, d), testX.AsSpan(b * d, d), steps));
            strip.AddRange(testX.AsSpan(b * d, d).ToArray());
        }
        return (strip.ToArray(), strip.Count / d);
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
