using Engine.Data;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Tests.Tensors;

[Trait("Layer", "Tensors")]
public sealed class TensorScopeTests
{
    [Fact]
    public void Scope_ReusesStorage_OfTheSameSize_AndZeroesIt()
    {
        float[] first;
        using (TensorScope.Begin())
        {
            var t = Tensor.Zeros(7, 3);
            t.Span.Fill(5f);
            first = t.Storage;
        }
        using (TensorScope.Begin())
        {
            var t = Tensor.Zeros(3, 7);
            Assert.Same(first, t.Storage);
            Assert.All(t.ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void LeafGradients_AreNeverPooled()
    {
        var w = Tensor.Ones(4);
        w.RequiresGrad = true;
        using (TensorScope.Begin()) (w * w).Sum().Backward();
        float[] grad = w.Grad!.Storage;
        using (TensorScope.Begin())
        {
            var other = Tensor.Zeros(4);
            Assert.NotSame(grad, other.Storage);
        }
        Assert.All(w.Grad!.ToArray(), v => Assert.Equal(2f, v));
    }

    [Fact]
    public void SteadyStateTrainingStep_AllocatesNoTensorStorage()
    {
        // A step of a 784-128-16 autoencoder at batch 64 touches ~1 MB of tensors; with the per-step scope the
        // managed allocations of the calling thread stay at bookkeeping size (nodes, shapes, the loss dictionary).
        var model = new DenseAutoencoder(new DenseAutoencoderOptions(784, [128], 16), new Random(1));
        var optimizer = new Adam(model.Parameters());
        var batch = Tensor.Uniform(new Random(2), 0, 1, 64, 784);
        var noise = new Random(3);
        void Step()
        {
            using var scope = TensorScope.Begin();
            optimizer.ZeroGrad();
            var loss = model.Loss(batch, noise);
            loss.Total.Backward();
            optimizer.Step();
        }
        for (int i = 0; i < 3; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 * 1024, $"a steady-state step allocated {allocated:N0} bytes on the calling thread");
    }
}
