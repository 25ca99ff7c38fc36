using BenchmarkDotNet.Attributes;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Bench;

/// <summary>
/// One training step of the reference dense autoencoder 784-512-128-32-128-512-784 at batch 128 (forward, MSE,
/// backward, Adam), inside the per-step tensor scope the Trainer uses. Flops: 6 per weight per example
/// (2 forward, 4 backward) ≈ 0.72 GFLOP.
/// </summary>
public sealed class AutoencoderStep
{
    private readonly DenseAutoencoder _model = new(DenseAutoencoderOptions.Reference(), new Random(1));
    private readonly Adam _optimizer;
    private readonly Tensor _batch = Tensor.Uniform(new Random(2), 0, 1, 128, 784);
    private readonly Random _noise = new(3);

    /// <summary>Builds the model, optimizer and a fixed random batch.</summary>
    public AutoencoderStep() => _optimizer = new Adam(_model.Parameters());

    /// <summary>Floating-point operations of one step.</summary>
    public double Flops => 6.0 * 128 * (784 * 512 + 512 * 128 + 128 * 32) * 2;

    /// <summary>Runs one step.</summary>
    public void Run()
    {
        using var scope = TensorScope.Begin();
        _optimizer.ZeroGrad();
        _model.Loss(_batch, _noise).Total.Backward();
        _optimizer.Step();
    }
}

/// <summary>BenchmarkDotNet: the dense autoencoder's training step with allocated bytes per step.</summary>
[MemoryDiagnoser]
public class AutoencoderStepBenchmarks
{
    private AutoencoderStep _step = null!;

    /// <summary>Kernel threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds the step and warms the pool.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Engine.Kernels.Parallelism.MaxThreads = Threads;
        _step = new AutoencoderStep();
        _step.Run();
    }

    /// <summary>One training step.</summary>
    [Benchmark]
    public void TrainingStep() => _step.Run();
}
