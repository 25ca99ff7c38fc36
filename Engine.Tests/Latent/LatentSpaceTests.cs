using System.Buffers.Binary;
using Engine.Analysis;
using Engine.Autodiff;
using Engine.Layers;
using Engine.Latent;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;
using Engine.Tests.Analysis;
using Engine.Tests.Testing;
using Engine.Training;
using Engine.Data;
using Engine.Kernels;

namespace Engine.Tests.Latent;

[Trait("Layer", "Latent")]
public sealed class LatentSpaceTests
{
    [Fact]
    public void LinearAutoencoder_TrainedWithMse_SpansThePcaSubspace()
    {
        // Rank-3 data in 16 dimensions (distinct variances 9, 4, 1 along random directions) plus small noise.
        const int n = 512, dim = 16, rank = 3;
        var random = new Random(Seeds.Default);
        var directions = Tensor.Normal(random, 0f, 1f, rank, dim).ToArray();
        float[] scales = [3f, 2f, 1f];
        var x = new float[n * dim];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < rank; c++)
            {
                float weight = scales[c] * (float)SyntheticData.Gaussian(random);
                for (int j = 0; j < dim; j++) x[r * dim + j] += weight * directions[c * dim + j];
            }
            for (int j = 0; j < dim; j++) x[r * dim + j] += 0.5f + 0.01f * (float)SyntheticData.Gaussian(random);
        }
        var pca = Pca.Fit(x, n, dim, rank);

        var model = new DenseAutoencoder(new DenseAutoencoderOptions(dim, [], rank, Output: ActivationKind.Identity),
            new Random(Seeds.Default + 1));
        var decoderWeight = ((Linear)model.Decoder.Layers[0]).Weight; // (dim, rank): its columns span the code's image
        double before = PrincipalAngles(decoderWeight, pca).Max();
        new Trainer(new TrainerOptions { Epochs = 150, BatchSize = 64, Seed = Seeds.Default })
            .Fit(model, new Adam(model.Parameters(), 1e-2f), new FloatDataset(x, dim));
        var angles = PrincipalAngles(decoderWeight, pca);

        Assert.True(before > 0.3, $"an untrained decoder should not already span the PCA subspace (max angle {before:F3})");
        // Measured on AVX-512, AVX2, Vector128 and scalar alike: largest angle 0.000266 rad.
        Assert.True(angles.Max() < 0.02, $"principal angles to PCA after training: {string.Join(", ", angles.Select(a => a.ToString("F4")))} rad");
    }

    // Subspace.PrincipalAngles takes spanning vectors as rows: the decoder weight (dim, k) is transposed to (k, dim).
    private static double[] PrincipalAngles(Tensor decoderWeight, Pca pca)
    {
        int dim = decoderWeight.Shape[0], k = decoderWeight.Shape[1];
        var rows = new float[k * dim];
        var w = decoderWeight.ReadOnlySpan;
        for (int i = 0; i < dim; i++)
            for (int j = 0; j < k; j++) rows[j * dim + i] = w[i * k + j];
        return Subspace.PrincipalAngles(rows, k, pca.Components, pca.ComponentCount, dim);
    }

    [Fact]
    public void Interpolate_EndpointsDecodeToTheReconstructionsOfTheEndpoints()
    {
        var random = new Random(Seeds.Default);
        var model = new DenseAutoencoder(new DenseAutoencoderOptions(12, [8], 3), random);
        var a = Tensor.Uniform(random, 0f, 1f, 1, 12).ToArray();
        var b = Tensor.Uniform(random, 0f, 1f, 1, 12).ToArray();
        var path = LatentSpace.Interpolate(model, a, b, 5);

        Assert.Equal(5 * 12, path.Length);
        using var _ = GradMode.Disable();
        var expectedA = model.Reconstruct(Tensor.FromArray(a, 1, 12)).ToArray();
        var expectedB = model.Reconstruct(Tensor.FromArray(b, 1, 12)).ToArray();
        TensorAssert.AllClose(expectedA, path.AsSpan(0, 12), Tolerance.Kernel, 1e-6f, "first step vs reconstruction of a");
        TensorAssert.AllClose(expectedB, path.AsSpan(4 * 12, 12), Tolerance.Kernel, 1e-6f, "last step vs reconstruction of b");
        double middleToA = 0;
        for (int j = 0; j < 12; j++) middleToA += Math.Abs(path[2 * 12 + j] - expectedA[j]);
        Assert.True(middleToA > 1e-4, "the middle step should differ from the first");
        Assert.Throws<ArgumentException>(() => LatentSpace.Interpolate(model, a, b, 1));
    }

    [Theory]
    [InlineData(LatentDistance.Euclidean)]
    [InlineData(LatentDistance.Cosine)]
    public void NearestNeighbors_OfACode_StartWithItself_AndAreSortedByDistance(LatentDistance distance)
    {
        const int rows = 60, cols = 7, k = 6;
        var codes = Tensor.Normal(new Random(Seeds.Default), 0f, 1f, rows, cols).ToArray();
        for (int q = 0; q < rows; q += 11)
        {
            var query = codes.AsSpan(q * cols, cols).ToArray();
            var found = LatentSpace.NearestNeighbors(codes, rows, cols, query, k, distance);
            Assert.Equal(k, found.Length);
            Assert.Equal(q, found[0]);

            // Brute-force oracle: the k smallest distances, computed independently.
            double Distance(int i)
            {
                double dot = 0, nq = 0, ni = 0, sq = 0;
                for (int j = 0; j < cols; j++)
                {
                    double x = codes[i * cols + j], y = query[j];
                    dot += x * y;
                    nq += y * y;
                    ni += x * x;
                    sq += (x - y) * (x - y);
                }
                return distance == LatentDistance.Euclidean ? Math.Sqrt(sq) : 1 - dot / Math.Sqrt(nq * ni);
            }
            var expected = Enumerable.Range(0, rows).OrderBy(Distance).ThenBy(i => i).Take(k).ToArray();
            Assert.Equal(expected, found);
        }
        Assert.Throws<ArgumentException>(() => LatentSpace.NearestNeighbors(codes, rows, cols, new float[cols], rows + 1));
    }

    [Fact]
    public void ScatterPlot_Png_HasTheRequestedSize_AndClassColours()
    {
        var random = new Random(Seeds.Default);
        const int count = 200;
        var points = Tensor.Normal(random, 0f, 1f, count, 2).ToArray();
        var labels = Enumerable.Range(0, count).Select(i => i % 10).ToArray();
        var png = ScatterPlot.ToPng(points, labels, 320, 200);

        // IHDR follows the 8-byte signature and the chunk's length and type: width, height, bit depth, colour type.
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(320, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(200, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.Equal(2, png[25]); // RGB

        var rgb = ScatterPlot.Draw(points, labels, 320, 200);
        Assert.Equal(320 * 200 * 3, rgb.Length);
        for (int c = 0; c < 10; c++)
        {
            var (r, g, b) = ScatterPlot.ColorOf(c);
            bool present = false;
            for (int i = 0; i < rgb.Length && !present; i += 3) present = rgb[i] == r && rgb[i + 1] == g && rgb[i + 2] == b;
            Assert.True(present, $"class {c}'s colour is missing from the plot");
        }
        Assert.Throws<ArgumentException>(() => ScatterPlot.Draw(points, labels.AsSpan(1), 320, 200));
    }

    [Fact]
    public void View2D_KeepsTwoDimensionalCodes_AndProjectsLargerOnes()
    {
        var codes = Tensor.Normal(new Random(Seeds.Default), 0f, 1f, 40, 5).ToArray();
        var view = LatentSpace.View2D(codes, 40, 5);
        Assert.Equal(80, view.Length);
        var pca = Pca.Fit(codes, 40, 5, 2);
        TensorAssert.AllClose(pca.Transform(codes, 40), view, Tolerance.Kernel, 1e-5f, "PCA view");
        var two = codes.AsSpan(0, 80).ToArray();
        Assert.Equal(two, LatentSpace.View2D(two, 40, 2));
    }
}
