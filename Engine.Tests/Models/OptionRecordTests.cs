using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Training;
using Engine.Kernels;

namespace Engine.Tests.Models;

/// <summary>
/// Option records check every value when it is set (by the constructor, an initializer, a <c>with</c> expression
/// or the JSON reader), so no model, optimizer or trainer is ever handed a record that it would misread; what
/// depends on two fields at once (masking noise above 1, a contractive penalty without a sigmoid code) is checked
/// by the model the record is given to.
/// </summary>
[Trait("Layer", "Models")]
public sealed class OptionRecordTests
{
    [Fact]
    public void DenseOptions_NullHiddenSizes_ThrowsArgumentNullNamingIt()
    {
        // Reproduction: this was a NullReferenceException from the model constructor.
        Assert.Throws<ArgumentNullException>("HiddenSizes", () => new DenseAutoencoderOptions(16, null!, 4));
        Assert.Throws<ArgumentNullException>("HiddenSizes", () => new VaeOptions(16, null!, 4));
        Assert.Throws<ArgumentNullException>("Channels", () => new ConvAutoencoderOptions(null!, 4));
    }

    [Fact]
    public void Sizes_BelowOne_AreRejected_AlsoThroughWith()
    {
        var dense = new DenseAutoencoderOptions(16, [8], 4);
        Assert.Throws<ArgumentOutOfRangeException>("LatentSize", () => dense with { LatentSize = 0 });
        Assert.Throws<ArgumentOutOfRangeException>("InputSize", () => new DenseAutoencoderOptions(-16, [8], 4));
        var e = Assert.Throws<ArgumentOutOfRangeException>("HiddenSizes", () => new VaeOptions(16000, [32103, -16000], 1));
        Assert.Contains("HiddenSizes[1]", e.Message);
        Assert.Contains("-16000", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>("ImageSize", () => new ConvAutoencoderOptions([4], 2, ImageSize: 1));
        Assert.Throws<ArgumentOutOfRangeException>("Steps", () => new KlAnnealing(AnnealingKind.Linear, 0));
        Assert.Throws<ArgumentOutOfRangeException>("Heads", () => new TransformerTextAutoencoderOptions { Heads = 0 });
        Assert.Throws<ArgumentOutOfRangeException>("MaxLength", () => new LstmTextAutoencoderOptions { MaxLength = -1 });
    }

    [Fact]
    public void Enums_OutsideTheirNames_AreRejected()
    {
        // Reproduction: (NoiseKind)7 silently became salt-and-pepper and (Likelihood)5 Gaussian.
        Assert.Throws<ArgumentOutOfRangeException>("Kind", () => new Corruption((NoiseKind)7, 0.1f));
        Assert.Throws<ArgumentOutOfRangeException>("Likelihood", () => new VaeOptions(16, [8], 4, Likelihood: (Likelihood)5));
        Assert.Throws<ArgumentOutOfRangeException>("Hidden", () => new DenseAutoencoderOptions(16, [8], 4, Hidden: (ActivationKind)99));
        Assert.Throws<ArgumentOutOfRangeException>("Pooling", () => new TransformerTextAutoencoderOptions { Pooling = (SentencePooling)9 });
    }

    [Fact]
    public void Rates_AndWeights_MustBeFiniteAndInRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>("Level", () => new Corruption(NoiseKind.Gaussian, float.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>("Level", () => new Corruption(NoiseKind.Gaussian, -5f));
        Assert.Throws<ArgumentOutOfRangeException>("Weight", () => new Sparsity(SparsityKind.L1, -1e30f));
        Assert.Throws<ArgumentOutOfRangeException>("Target", () => new Sparsity(SparsityKind.KlTarget, 0.1f, 1f));
        Assert.Throws<ArgumentOutOfRangeException>("Beta", () => new VaeOptions(16, [8], 4, Beta: float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("FreeBits", () => new ConvVaeOptions([4], 2, FreeBits: -1f));
        Assert.Throws<ArgumentOutOfRangeException>("ContractiveWeight", () => new DenseAutoencoderOptions(16, [8], 4, ContractiveWeight: -1f));
        Assert.Throws<ArgumentOutOfRangeException>("WordDropout", () => new LstmTextAutoencoderOptions { WordDropout = 1f });
        Assert.Throws<ArgumentOutOfRangeException>("Dropout", () => new TransformerTextAutoencoderOptions { Dropout = float.NaN });
    }

    [Fact]
    public void CrossFieldRules_AreCheckedByTheModel()
    {
        var masking = new DenseAutoencoderOptions(16, [8], 4, Noise: new Corruption(NoiseKind.Masking, 1.5f));
        Assert.Contains("Masking", Assert.Throws<ArgumentException>("options", () => new DenseAutoencoder(masking, new Random(1))).Message);
        var conv = new ConvAutoencoderOptions([4], 2, ImageSize: 8, Noise: new Corruption(NoiseKind.SaltAndPepper, 2f));
        Assert.Throws<ArgumentException>("options", () => new ConvAutoencoder(conv, new Random(1)));
    }

    [Fact]
    public void ConvImageSize_WhoseImageOverflowsAnInt_IsReportedWithItsValue()
    {
        // Reproduction: ImageSize 100000 was reported as an overflowed inFeatures of -1794967296.
        var e = Assert.Throws<ArgumentException>(() => new ConvAutoencoder(new ConvAutoencoderOptions([4], 2, ImageSize: 100_000), new Random(1)));
        Assert.Contains("100000", e.Message);
        Assert.DoesNotContain("-1794967296", e.Message);
    }

    [Fact]
    public void OptimizersAndSchedules_RejectWhatWouldTrainNothingOrDiverge()
    {
        var parameters = new Linear(2, 2, new Random(1)).Parameters();
        Assert.Throws<ArgumentOutOfRangeException>("epsilon", () => new Adam(parameters, epsilon: 0f));
        Assert.Throws<ArgumentOutOfRangeException>("epsilon", () => new Adam(parameters, epsilon: float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("weightDecay", () => new Adam(parameters, weightDecay: -1f));
        Assert.Throws<ArgumentOutOfRangeException>("beta1", () => new Adam(parameters, beta1: float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("momentum", () => new Sgd(parameters, 0.1f, momentum: 1f));
        Assert.Throws<ArgumentOutOfRangeException>("momentum", () => new Sgd(parameters, 0.1f, momentum: float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("weightDecay", () => new Sgd(parameters, 0.1f, weightDecay: float.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>("BaseRate", () => new ConstantSchedule(-0.05f));
        Assert.Throws<ArgumentOutOfRangeException>("StepSize", () => new StepSchedule(0.1f, 0, 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>("Gamma", () => new StepSchedule(0.1f, 2, 0f));
        Assert.Throws<ArgumentOutOfRangeException>("Gamma", () => new ExponentialSchedule(0.1f, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("Period", () => new CosineSchedule(0.1f, 0));
        Assert.Throws<ArgumentOutOfRangeException>("MinRate", () => new CosineSchedule(0.1f, 10, MinRate: 0.2f));
    }

    [Fact]
    public void TrainerOptions_RejectsValuesTheLoopWouldMisread()
    {
        Assert.Throws<ArgumentOutOfRangeException>("BatchSize", () => new TrainerOptions { BatchSize = 0 });
        Assert.Throws<ArgumentOutOfRangeException>("Epochs", () => new TrainerOptions { Epochs = -1 });
        Assert.Throws<ArgumentOutOfRangeException>("Patience", () => new TrainerOptions { Patience = 0 });
        Assert.Throws<ArgumentOutOfRangeException>("ClipGradientNorm", () => new TrainerOptions { ClipGradientNorm = float.NaN });
        Assert.Throws<ArgumentException>("CheckpointEvery", () => new TrainerOptions { CheckpointEvery = default });
        Assert.Throws<ArgumentException>("ResumeFrom", () => new TrainerOptions { ResumeFrom = " " });
    }
}
