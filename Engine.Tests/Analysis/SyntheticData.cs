namespace Engine.Tests.Analysis;

/// <summary>Seeded synthetic data sets for the analysis tests.</summary>
internal static class SyntheticData
{
    /// <summary>Standard normal by Box–Muller.</summary>
    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>
    /// Gaussian blobs: class c has its centre at <paramref name="separation"/> along axis c (mod cols) plus a
    /// random offset, and unit-variance noise times <paramref name="noise"/>. The centres depend only on
    /// <paramref name="seed"/>, so a different <paramref name="sample"/> draws a fresh test set from the same distribution.
    /// </summary>
    public static (float[] Features, int[] Labels) Blobs(int rows, int cols, int classes, double separation,
        double noise, int seed, int sample = 0)
    {
        var random = new Random(seed);
        var centres = new double[classes * cols];
        for (int c = 0; c < classes; c++)
        {
            for (int j = 0; j < cols; j++) centres[c * cols + j] = 0.3 * Gaussian(random);
            centres[c * cols + c % cols] += separation;
        }
        random = new Random(seed + 7919 * (sample + 1));
        var features = new float[rows * cols];
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int c = labels[r] = r % classes;
            for (int j = 0; j < cols; j++)
                features[r * cols + j] = (float)(centres[c * cols + j] + noise * Gaussian(random));
        }
        return (features, labels);
    }
}
