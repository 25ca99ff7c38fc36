using Engine.Analysis;
using Engine.Autodiff;
using Engine.Data;
using Engine.Models;
using Engine.Tensors;

namespace Engine.Latent;

/// <summary>
/// Tools to look inside an autoencoder's latent space: encode a data set, project codes to 2-D, interpolate
/// between two images, sample a VAE's prior and find nearest neighbours. Each returns plain float arrays (row-major)
/// that a caller can plot or tile into images; nothing here records a graph.
/// </summary>
public static class LatentSpace
{
    /// <summary>The codes (rows, <see cref="AutoencoderModel.LatentSize"/>) of every example, in order.</summary>
    /// <remarks>The model is put in evaluation mode; a VAE gives its posterior means.</remarks>
    public static float[] Encode(AutoencoderModel model, IDataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        model.Eval();
        using var _ = GradMode.Disable();
        int k = model.LatentSize;
        var codes = new float[(long)data.Count * k];
        foreach (var batch in new DataLoader(data, batchSize).Epoch())
            model.Encode(batch.Inputs).ReadOnlySpan.CopyTo(codes.AsSpan(batch.Index * batchSize * k));
        return codes;
    }

    /// <summary>
    /// A 2-D view of codes (rows, cols): the codes themselves when cols = 2, else their projection onto the first two
    /// principal axes (PCA fitted on these codes). Returns (rows, 2).
    /// </summary>
    /// <exception cref="ArgumentException">The shape is invalid, cols &lt; 2, or rows &lt; 2 when PCA is needed.</exception>
    public static float[] View2D(ReadOnlySpan<float> codes, int rows, int cols)
    {
        if (cols < 2 || rows < 1 || codes.Length != (long)rows * cols)
            throw new ArgumentException(
                $"LatentSpace.View2D: codes have {codes.Length} values for ({rows}, {cols}); need rows >= 1, cols >= 2.",
                nameof(codes));
        return cols == 2 ? codes.ToArray() : Pca.Fit(codes, rows, cols, 2).Transform(codes, rows);
    }

    /// <summary>
    /// Decoded images along the straight line between the codes of two inputs: zᵢ = (1 − tᵢ)·z_a + tᵢ·z_b with
    /// tᵢ = i / (steps − 1), so the first and last images are the reconstructions of <paramref name="a"/> and
    /// <paramref name="b"/>. Returns (steps, features).
    /// </summary>
    /// <exception cref="ArgumentException">steps &lt; 2 or an input does not have the model's feature count.</exception>
    public static float[] Interpolate(AutoencoderModel model, ReadOnlySpan<float> a, ReadOnlySpan<float> b, int steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (steps < 2) throw new ArgumentException($"LatentSpace.Interpolate: steps must be at least 2, got {steps}.", nameof(steps));
        if (a.Length != b.Length || a.Length == 0)
            throw new ArgumentException($"LatentSpace.Interpolate: the two inputs have {a.Length} and {b.Length} features.", nameof(b));
        model.Eval();
        using var _ = GradMode.Disable();
        var ends = new float[2 * a.Length];
        a.CopyTo(ends);
        b.CopyTo(ends.AsSpan(a.Length));
        var z = model.Encode(Tensor.FromArray(ends, 2, a.Length)).ReadOnlySpan;
        int k = model.LatentSize;
        var path = new float[steps * k];
        for (int i = 0; i < steps; i++)
        {
            float t = (float)i / (steps - 1);
            for (int j = 0; j < k; j++) path[i * k + j] = (1 - t) * z[j] + t * z[k + j];
        }
        return model.Decode(Tensor.FromArray(path, steps, k)).ToArray();
    }

    /// <summary>Decodes <paramref name="count"/> draws z ~ N(0, I) from the VAE's prior. Returns (count, features).</summary>
    /// <exception cref="ArgumentOutOfRangeException">count &lt; 1.</exception>
    public static float[] SamplePrior(VariationalAutoencoder vae, int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(vae);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        vae.Eval();
        return vae.Sample(count, random).ToArray();
    }

    /// <summary>
    /// Indices of the <paramref name="k"/> codes nearest to <paramref name="query"/>, nearest first; equally distant
    /// codes are ordered by index, so a query that is itself row i (and not duplicated) comes back with i first.
    /// </summary>
    /// <param name="codes">Row-major (rows, cols) codes to search.</param>
    /// <param name="rows">Number of codes.</param>
    /// <param name="cols">Latent size.</param>
    /// <param name="query">One code of length cols.</param>
    /// <param name="k">Neighbours to return, 1 ≤ k ≤ rows.</param>
    /// <param name="distance">Euclidean or cosine.</param>
    /// <exception cref="ArgumentException">Shapes do not match or k is out of range.</exception>
    public static int[] NearestNeighbors(ReadOnlySpan<float> codes, int rows, int cols, ReadOnlySpan<float> query, int k,
        LatentDistance distance = LatentDistance.Euclidean)
    {
        const string op = "LatentSpace.NearestNeighbors";
        if (rows < 1 || cols < 1 || codes.Length != (long)rows * cols)
            throw new ArgumentException($"{op}: codes have {codes.Length} values for ({rows}, {cols}).", nameof(codes));
        if (query.Length != cols)
            throw new ArgumentException($"{op}: the query has {query.Length} values; the codes have {cols}.", nameof(query));
        if (k < 1 || k > rows) throw new ArgumentException($"{op}: k must be in [1, {rows}], got {k}.", nameof(k));

        // Distances in double so that the self-match is exactly 0 (Euclidean) or as small as rounding allows.
        double queryNorm = Math.Sqrt(Dot(query, query));
        var distances = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = codes.Slice(r * cols, cols);
            if (distance == LatentDistance.Euclidean)
            {
                double sum = 0;
                for (int j = 0; j < cols; j++)
                {
                    double diff = (double)row[j] - query[j];
                    sum += diff * diff;
                }
                distances[r] = Math.Sqrt(sum);
            }
            else
            {
                double norms = queryNorm * Math.Sqrt(Dot(row, row));
                distances[r] = norms > 0 ? 1 - Dot(row, query) / norms : 1;
            }
        }
        var order = Enumerable.Range(0, rows).ToArray();
        // A stable sort by distance keeps equal distances in index order.
        return order.OrderBy(i => distances[i]).Take(k).ToArray();
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (double)a[i] * b[i];
        return sum;
    }
}
