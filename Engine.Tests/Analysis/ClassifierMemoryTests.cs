using Engine.Analysis;
using Engine.Tests.Testing;

namespace Engine.Tests.Analysis;

/// <summary>
/// Classifiers read the caller's features in place: a copy of a classifier's largest input (60,000 raw
/// Fashion-MNIST images are 188 MB) is what pushed `classify` over its memory budget. Allocations are counted on
/// the calling thread, where a copy of the features would be made, so tests running in parallel do not disturb them.
/// </summary>
[Trait("Layer", "Analysis")]
public sealed class ClassifierMemoryTests
{
    private const int Rows = 4000, Cols = 500;

    [Fact]
    public void MlpClassifier_Fit_DoesNotCopyTheFeatures()
    {
        var (features, labels) = SyntheticData.Blobs(Rows, Cols, 4, 6, 1, Seeds.Default);
        var model = new MlpClassifier { HiddenSizes = [8], Epochs = 1, MinimumSteps = 0, BatchSize = 256, Seed = Seeds.Default };
        long featureBytes = (long)features.Length * sizeof(float);

        long before = GC.GetAllocatedBytesForCurrentThread();
        model.Fit(features, Rows, Cols, labels, 4);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < featureBytes / 2,
            $"MlpClassifier.Fit allocated {allocated:N0} bytes on its thread for {featureBytes:N0} bytes of features");
    }

    [Fact]
    public void KNearestNeighbors_Predict_DoesNotCopyTheQueries()
    {
        // A small training set, so the distance block (queries × training rows) is small next to the queries.
        var (train, trainLabels) = SyntheticData.Blobs(40, Cols, 4, 6, 1, Seeds.Default);
        var (queries, _) = SyntheticData.Blobs(Rows, Cols, 4, 6, 1, Seeds.Default, sample: 1);
        var model = new KNearestNeighbors { K = 3 };
        model.Fit(train, 40, Cols, trainLabels, 4);
        long queryBytes = (long)queries.Length * sizeof(float);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var predicted = model.Predict(queries, Rows);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Rows, predicted.Length);
        Assert.True(allocated < queryBytes / 2,
            $"KNearestNeighbors.Predict allocated {allocated:N0} bytes on its thread for {queryBytes:N0} bytes of queries");
    }
}
