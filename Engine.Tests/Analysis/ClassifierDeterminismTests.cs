using Engine.Analysis;
using Engine.Kernels;
using Engine.Tests.Testing;

namespace Engine.Tests.Analysis;

// Changes the process-wide Parallelism.MaxThreads, so it runs in the serialised "Parallelism" collection.
[Trait("Layer", "Analysis")]
[Collection("Parallelism")]
public sealed class ClassifierDeterminismTests
{
    [Theory]
    [MemberData(nameof(ClassifierTests.Names), MemberType = typeof(ClassifierTests))]
    public void Classifier_SameSeed_GivesIdenticalPredictionsForAnyThreadCount(string name)
    {
        var (train, labels) = SyntheticData.Blobs(240, 6, 3, 2, 1, Seeds.Default + 3);
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            var first = ClassifierTests.Create(name, 11);
            first.Fit(train, 240, 6, labels, 3);
            Parallelism.MaxThreads = 2;
            var second = ClassifierTests.Create(name, 11);
            second.Fit(train, 240, 6, labels, 3);
            Assert.Equal(first.Predict(train, 240), second.Predict(train, 240));
            if (first is IProbabilisticClassifier p1 && second is IProbabilisticClassifier p2)
                TensorAssert.BitwiseEqual(p1.PredictProba(train, 240), p2.PredictProba(train, 240), name);
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }
}
