using System.Text.Json.Serialization;
using Engine.Autodiff.Ops;
using Engine.Data;
using Engine.Models;
using Engine.Optim;
using Engine.Persistence;
using Engine.Tensors;
using Engine.Tests.Testing;
using Engine.Training;

namespace Engine.Tests.Training;

/// <summary>
/// Training that loses nothing: a run stopped in the middle of an epoch (cancelled, or crashed after a periodic
/// checkpoint) and resumed in a fresh model, optimizer and trainer ends with weights bitwise identical to an
/// uninterrupted run.
/// </summary>
[Trait("Layer", "Training")]
public sealed class ResumeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("engine-resume-").FullName;

    static ResumeTests() => NoisyAutoencoder.Register();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly IDataset Data = SyntheticShapes.Generate(100, seed: 3, size: 8); // 7 batches of 16 (last 4)

    private static NoisyAutoencoder NewModel(int seed) => new(new NoisyOptions(64, 12, 5, 0.1f), new Random(seed));

    private static Optimizer NewOptimizer(AutoencoderModel model, string kind) => kind == "adam"
        ? new Adam(model.Parameters(), 3e-3f)
        : new Sgd(model.Parameters(), 0.05f, momentum: 0.9f, nesterov: true);

    private static TrainerOptions Options(int epochs) => new()
    {
        Epochs = epochs, BatchSize = 16, Seed = 11, Patience = 10, Schedule = new StepSchedule(3e-3f, 1, 0.7f),
    };

    private static float[] Weights(AutoencoderModel model) => model.StateDict().SelectMany(s => s.Tensor.ToArray()).ToArray();

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void CancelMidEpoch_ThenResume_MatchesUninterruptedRun(string optimizer)
    {
        var reference = NewModel(1);
        var referenceOptimizer = NewOptimizer(reference, optimizer);
        var full = new Trainer(Options(3)).Fit(reference, referenceOptimizer, Data, Data);

        string path = Path.Combine(_directory, "run.safetensors");
        using var stop = new CancellationTokenSource();
        var first = NewModel(1);
        var interrupted = new Trainer(Options(3) with
        {
            CheckpointPath = path,
            Cancellation = stop.Token,
            OnBatch = r => { if (r.Epoch == 1 && r.Batch == 3) stop.Cancel(); },
        }).Fit(first, NewOptimizer(first, optimizer), Data, Data);
        Assert.True(interrupted.Cancelled);

        // A different initialisation proves the weights come from the checkpoint.
        var resumed = NewModel(99);
        var resumedOptimizer = NewOptimizer(resumed, optimizer);
        var rest = new Trainer(Options(3) with { ResumeFrom = path }).Fit(resumed, resumedOptimizer, Data, Data);

        TensorAssert.BitwiseEqual(Weights(reference), Weights(resumed), $"{optimizer}: weights after resume");
        Assert.Equal(referenceOptimizer.StepCount, resumedOptimizer.StepCount);
        foreach (var (slot, values) in referenceOptimizer.StateBuffers)
            TensorAssert.BitwiseEqual(values.SelectMany(v => v!).ToArray(),
                resumedOptimizer.StateBuffers[slot].SelectMany(v => v!).ToArray(), $"{optimizer} {slot}");
        Assert.Equal(full.Epochs.Select(e => e.TrainLoss), rest.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(full.Epochs.Select(e => e.ValidationLoss), rest.Epochs.Select(e => e.ValidationLoss));
    }

    [Fact]
    public void CrashAfterPeriodicCheckpoint_ThenResume_MatchesUninterruptedRun()
    {
        var reference = NewModel(1);
        new Trainer(Options(3)).Fit(reference, NewOptimizer(reference, "adam"), Data);

        string path = Path.Combine(_directory, "crash.safetensors");
        var first = NewModel(1);
        // Batches 1..9 run; checkpoints land after global batches 4 and 8; the "crash" comes during batch 10.
        var crashing = new Trainer(Options(3) with
        {
            CheckpointPath = path,
            CheckpointEvery = CheckpointInterval.Batches(4),
            OnBatch = r => { if (r.Epoch * 7 + r.Batch == 9) throw new IOException("simulated crash"); },
        });
        Assert.Throws<IOException>(() => crashing.Fit(first, NewOptimizer(first, "adam"), Data));

        var resumed = NewModel(5);
        new Trainer(Options(3) with { ResumeFrom = path }).Fit(resumed, NewOptimizer(resumed, "adam"), Data);

        TensorAssert.BitwiseEqual(Weights(reference), Weights(resumed), "weights after a crash and resume");
    }

    [Fact]
    public void EpochCheckpoints_ResumeAtAnEpochBoundary_MatchesAndTheFinalFileLoads()
    {
        var reference = NewModel(1);
        new Trainer(Options(4)).Fit(reference, NewOptimizer(reference, "adam"), Data);

        string path = Path.Combine(_directory, "epochs.safetensors");
        var first = NewModel(1);
        new Trainer(Options(2) with { CheckpointPath = path }).Fit(first, NewOptimizer(first, "adam"), Data);

        // Two more epochs on top of a finished two-epoch run: the same as four in one go.
        var resumed = NewModel(7);
        new Trainer(Options(4) with { ResumeFrom = path, CheckpointPath = path }).Fit(resumed, NewOptimizer(resumed, "adam"), Data);

        TensorAssert.BitwiseEqual(Weights(reference), Weights(resumed), "weights after epoch-boundary resume");
        var loaded = Checkpoint.Load(path);
        TensorAssert.BitwiseEqual(Weights(reference), Weights(loaded), "the final checkpoint as a plain model");
        Assert.True(Checkpoint.ReadInfo(path).HasTrainingState);
    }

    [Fact]
    public void Resume_WithAnotherSeedOrOptimizer_ThrowsWithAHint()
    {
        string path = Path.Combine(_directory, "mismatch.safetensors");
        var model = NewModel(1);
        new Trainer(Options(1) with { CheckpointPath = path }).Fit(model, NewOptimizer(model, "adam"), Data);

        var other = NewModel(2);
        var seed = Assert.Throws<ArgumentException>(() =>
            new Trainer(Options(2) with { ResumeFrom = path, Seed = 12 }).Fit(other, NewOptimizer(other, "adam"), Data));
        Assert.Contains("seed 11", seed.Message);
        Assert.Contains("HINT", seed.Message);
        var kind = Assert.Throws<ArgumentException>(() =>
            new Trainer(Options(2) with { ResumeFrom = path }).Fit(other, NewOptimizer(other, "sgd"), Data));
        Assert.Contains("Adam", kind.Message);
        var architecture = new NoisyAutoencoder(new NoisyOptions(64, 10, 5, 0.1f), new Random(1));
        var shape = Assert.Throws<ArgumentException>(() =>
            new Trainer(Options(2) with { ResumeFrom = path }).Fit(architecture, NewOptimizer(architecture, "adam"), Data));
        Assert.Contains("\"hidden\":10", shape.Message);
    }
}

/// <summary>A test-only denoising autoencoder whose loss draws noise, so resuming must restore the noise generator.</summary>
internal sealed record NoisyOptions(int Features, int Hidden, int Latent, float NoiseStd);

/// <summary>Registered at run time through <see cref="ModelRegistry.Register"/>, as an application's own model would be.</summary>
internal sealed class NoisyAutoencoder : AutoencoderModel
{
    private readonly DenseAutoencoder _inner;

    public NoisyAutoencoder(NoisyOptions options, Random random)
    {
        Options = options;
        _inner = RegisterModule("inner", new DenseAutoencoder(
            new DenseAutoencoderOptions(options.Features, [options.Hidden], options.Latent), random));
    }

    public NoisyOptions Options { get; }

    public override int LatentSize => Options.Latent;

    public override Tensor Encode(Tensor input) => _inner.Encode(input);

    public override Tensor Decode(Tensor latent) => _inner.Decode(latent);

    public override ModelLoss Loss(Tensor input, Random random)
    {
        var noisy = input + Tensor.Normal(random, 0f, Options.NoiseStd, input.Shape.ToArray());
        return ModelLoss.Of(Op.MseLoss(Reconstruct(noisy), input));
    }

    public static void Register() => ModelRegistry.Register(ModelRegistration.For<NoisyAutoencoder, NoisyOptions>(
        NoisyJson.Default.NoisyOptions, m => m.Options,
        o => checked(2L * o.Features * o.Hidden + o.Hidden + o.Features + 2L * o.Hidden * o.Latent + o.Latent + o.Hidden),
        o => new NoisyAutoencoder(o, new Random(0))));
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(NoisyOptions))]
internal sealed partial class NoisyJson : JsonSerializerContext;
