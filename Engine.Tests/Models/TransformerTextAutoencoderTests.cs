using Engine.Autodiff;
using Engine.IO;
using Engine.Models;
using Engine.Optim;
using Engine.Persistence;
using Engine.Tensors;
using Engine.Tests.Testing;
using Engine.Text;
using Engine.Training;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Models;

// The Transformer sentence autoencoder (Engine/Models/Text/TransformerTextAutoencoder.cs) on the toy language of
// Testing/ToyText.cs.

/// <summary>
/// The Transformer sentence autoencoder: it learns to copy toy sentences, padding is invisible to it (no output
/// at a real position changes and no gradient reaches a padded one), it saves and loads exactly, and its whole
/// loss passes a gradient check.
/// </summary>
[Trait("Layer", "Models")]
public sealed class TransformerTextAutoencoderTests
{
    private static TransformerTextAutoencoder Tiny(int seed, float dropout = 0f, int modelSize = 8,
        SentencePooling pooling = SentencePooling.Mean) =>
        new(ToyText.TenWords, new TransformerTextAutoencoderOptions
        {
            ModelSize = modelSize, Heads = 2, FeedForwardSize = 12, EncoderLayers = 2, DecoderLayers = 1,
            LatentSize = 5, Dropout = dropout, MaxLength = 8, Pooling = pooling,
        }, new Random(seed));

    private static (float Loss, float[] Latent, float[][] Grads) Run(TransformerTextAutoencoder model,
        SequenceBatch encoder, SequenceBatch decoder)
    {
        model.ZeroGrad();
        var loss = model.Loss(encoder, decoder);
        loss.Backward();
        float[] latent;
        using (GradMode.Disable()) latent = model.EncodeBatch(encoder).ToArray();
        return (loss.Item(), latent, model.Parameters().Select(p => p.Grad!.ToArray()).ToArray());
    }

    [Fact]
    public void Train_CopiesShortToySentences_NearlyPerfectly()
    {
        var sentences = ToyText.Sentences(new Random(Seeds.Default), 200, 1, 5);
        var model = new TransformerTextAutoencoder(ToyText.TenWords, new TransformerTextAutoencoderOptions
        {
            ModelSize = 32, Heads = 4, FeedForwardSize = 256, EncoderLayers = 2, DecoderLayers = 2, LatentSize = 32,
            Dropout = 0f, MaxLength = 8,
        }, new Random(Seeds.Default));
        // Adam with warm-up and cosine decay, as Transformers are trained: 5 epochs up to 2e-3, then down to 0 at
        // epoch 60. At a constant 1e-3 the loss bounced back up after epoch 45 and the accuracy depended on the
        // rounding of the ISA path and the seed (82-98%). With the schedule, measured on every path (AVX-512, AVX2,
        // Vector128, scalar alike, to the 3rd decimal of the loss): 99.7% token accuracy, final loss 0.029; four
        // model seeds: 99.7% to 100.0%.
        var reports = new TextTrainer(new TrainerOptions
        {
            Epochs = 60, BatchSize = 16, ClipGradientNorm = 5f, Seed = Seeds.Default,
            Schedule = new WarmupCosineSchedule(2e-3f, 5, 60),
        }).Fit(model, new Adam(model.Parameters(), 2e-3f), sentences).Epochs;

        double accuracy = ReconstructionMetrics.TokenAccuracy(sentences, model.Reconstruct(sentences));
        Assert.True(accuracy >= 0.95, $"token accuracy {accuracy:P1}; losses {string.Join(", ", reports.Select(r => r.TrainLoss.ToString("F3")))}");
        Assert.True(reports[^1].TrainLoss < reports[0].TrainLoss / 4, "the loss should fall by far");
    }

    [Property(MaxTest = 30)]
    public Property PaddedPositions_GetNoGradient_AndChangeNoRealOutput() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            // Real sentences use w0..w8 only, so w9 can stand at padded positions and be recognised there.
            int stranger = Vocabulary.SpecialCount + 9;
            var sentences = ToyText.Sentences(random, random.Next(2, 6), 0, 6, words: 9);
            var model = Tiny(random.Next(), pooling: random.Next(2) == 0 ? SentencePooling.Mean : SentencePooling.SummaryToken);
            var encoder = SequenceBatch.Create(sentences, null, model.Options.MaxLength);
            var decoder = SequenceBatch.ForDecoder(sentences, null, model.Options.MaxLength + 1);
            var (loss, latent, grads) = Run(model, encoder, decoder);
            int e = model.Options.ModelSize, table = model.Parameters().ToList().IndexOf(model.Embedding);
            float[] padRow = grads[table].AsSpan(Vocabulary.PadId * e, e).ToArray();

            // Put w9 at every padded input position and arbitrary ids at padded target positions.
            for (int i = 0; i < encoder.Ids.Length; i++)
                if (encoder.Mask[i] == 0) encoder.Ids[i] = stranger;
            for (int i = 0; i < decoder.Ids.Length; i++)
            {
                if (decoder.Mask[i] != 0) continue;
                decoder.Ids[i] = stranger;
                decoder.TargetIds![i] = random.Next(ToyText.TenWords.Count);
            }
            var (loss2, latent2, grads2) = Run(model, encoder, decoder);
            float[] strangerRow = grads2[table].AsSpan(stranger * e, e).ToArray();

            // Values compare with ==, so +0 and −0 count as equal; everything else must match exactly.
            Assert.True(padRow.All(g => g == 0f), $"seed {seed}: the <pad> embedding got a gradient.");
            Assert.True(strangerRow.All(g => g == 0f), $"seed {seed}: the word at padded positions got a gradient.");
            Assert.True(loss == loss2, $"seed {seed}: the loss {loss} became {loss2}.");
            Assert.True(latent.SequenceEqual(latent2), $"seed {seed}: a latent vector changed.");
            for (int p = 0; p < grads.Length; p++)
                Assert.True(grads[p].SequenceEqual(grads2[p]), $"seed {seed}: the gradient of parameter {p} changed.");
        });

    [Fact]
    public void SaveLoad_GivesIdenticalOutputs_AndTheSameOptions()
    {
        var random = new Random(5);
        var sentences = ToyText.Sentences(random, 30, 0, 7);
        var model = Tiny(3, dropout: 0.1f);
        TextTraining.Fit(model, sentences, new TrainerOptions { Epochs = 2, BatchSize = 8, Seed = 5 });
        string dir = Directory.CreateTempSubdirectory("transformer-ae-").FullName;
        try
        {
            string path = Path.Combine(dir, "model.safetensors");
            Checkpoint.Save(model, path);
            Assert.True(File.Exists(Checkpoint.VocabularyPath(path)));
            var loaded = Checkpoint.Load<TransformerTextAutoencoder>(path);
            Assert.Equal(model.Options, loaded.Options);
            Assert.Equal(model.Vocabulary.Tokens, loaded.Vocabulary.Tokens);
            Assert.False(loaded.IsTraining);
            var tokens = sentences.Select(s => (IReadOnlyList<string>)s.Select(model.Vocabulary.TokenOf).ToArray()).ToList();
            TensorAssert.BitwiseEqual(model.Encode(tokens), loaded.Encode(tokens), "sentence vectors after loading");
            Assert.Equal(model.Reconstruct(sentences), loaded.Reconstruct(sentences));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Load_ConfigThatDisagreesWithTheWeights_IsRejectedBeforeBuilding()
    {
        string dir = Directory.CreateTempSubdirectory("transformer-ae-").FullName;
        try
        {
            string path = Path.Combine(dir, "model.safetensors");
            Checkpoint.Save(Tiny(1), path);
            var file = SafeTensors.Read(path);
            var metadata = file.Metadata.ToDictionary();
            metadata["config"] = metadata["config"].Replace("\"model_size\":8", "\"model_size\":800000", StringComparison.Ordinal);
            SafeTensors.Write(path, file.Tensors, metadata);
            var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load<TransformerTextAutoencoder>(path));
            Assert.Contains("weights but the file holds", e.Message);

            metadata["config"] = "{\"model_size\": \"wide\"}";
            SafeTensors.Write(path, file.Tensors, metadata);
            Assert.Contains("'config'", Assert.Throws<InvalidDataException>(() => Checkpoint.Load<TransformerTextAutoencoder>(path)).Message);

            Checkpoint.Save(Tiny(1), path);
            Assert.Throws<InvalidDataException>(() => Checkpoint.Load<LstmTextAutoencoder>(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(8, 2, 12, 2, 1, 5, 14)]
    [InlineData(12, 3, 7, 1, 3, 1, 5)]
    [InlineData(4, 4, 1, 1, 1, 9, 1)]
    public void CountParameters_MatchesTheBuiltModel(int width, int heads, int feedForward, int encoderLayers,
        int decoderLayers, int latent, int words)
    {
        foreach (var pooling in Enum.GetValues<SentencePooling>())
            CountParameters_Matches(width, heads, feedForward, encoderLayers, decoderLayers, latent, words, pooling);
    }

    private static void CountParameters_Matches(int width, int heads, int feedForward, int encoderLayers,
        int decoderLayers, int latent, int words, SentencePooling pooling)
    {
        var vocabulary = Vocabulary.Build([Enumerable.Range(0, words).Select(i => $"x{i}").ToArray()]);
        var options = new TransformerTextAutoencoderOptions
        {
            ModelSize = width, Heads = heads, FeedForwardSize = feedForward, EncoderLayers = encoderLayers,
            DecoderLayers = decoderLayers, LatentSize = latent, Pooling = pooling,
        };
        var model = new TransformerTextAutoencoder(vocabulary, options, new Random(1));
        Assert.Equal(model.ParameterCount, TransformerTextAutoencoder.CountParameters(options, vocabulary.Count));
    }

    [Fact]
    public void GradCheck_WholeModelLoss_AllParameters()
    {
        int[][] sentences = [[4, 9, 6], [5], [7, 8], []];
        foreach (var pooling in Enum.GetValues<SentencePooling>())
        {
            var model = Tiny(13, modelSize: 4, pooling: pooling);
            var encoder = SequenceBatch.Create(sentences, null, model.Options.MaxLength);
            var decoder = SequenceBatch.ForDecoder(sentences, null, model.Options.MaxLength + 1);
            // Every parameter tensor is checked on up to 8 sampled elements, to keep the test to a few seconds.
            var r = GradCheck.Run($"TransformerTextAutoencoder.Loss ({pooling} pooling)", () => model.Loss(encoder, decoder),
                model.Parameters(), new GradCheckOptions { MaxElementsPerInput = 8, Seed = Seeds.Default });
            Assert.True(r.Passed, r.Report);
        }
    }

    [Fact]
    public void Dropout_ActsInTrainingOnly_AndTheSameSeedTrainsIdentically()
    {
        var sentences = ToyText.Sentences(new Random(7), 24, 1, 6);
        var a = Tiny(9, dropout: 0.3f);
        var b = Tiny(9, dropout: 0.3f);
        var options = new TrainerOptions { Epochs = 2, BatchSize = 8, Seed = 3 };
        TextTraining.Fit(a, sentences, options);
        TextTraining.Fit(b, sentences, options);
        foreach (var (pa, pb) in a.Parameters().Zip(b.Parameters()))
            TensorAssert.BitwiseEqual(pa.ReadOnlySpan, pb.ReadOnlySpan, pa.Name ?? "parameter");

        // Eval (where Fit leaves the model): the same input gives the same vector; training mode draws masks.
        Assert.Equal(a.EncodeIds(sentences), a.EncodeIds(sentences));
        a.Train();
        Assert.NotEqual(a.EncodeIds(sentences), a.EncodeIds(sentences));
    }

    [Fact]
    public void BadArguments_ThrowArgumentException_NamingTheProblem()
    {
        var model = Tiny(2);
        Assert.Contains("Heads", Assert.Throws<ArgumentException>(() => new TransformerTextAutoencoder(ToyText.TenWords,
            new TransformerTextAutoencoderOptions { ModelSize = 10, Heads = 4 }, new Random(1))).Message);
        var bad = SequenceBatch.Create([[4, 99]]);
        Assert.Contains("99", Assert.Throws<ArgumentException>(() => model.EncodeBatch(bad)).Message);
        Assert.Throws<ArgumentException>(() => model.GreedyDecode(Tensor.Zeros(2, 3), 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GreedyDecode(Tensor.Zeros(2, 5), 9));
        var encoder = SequenceBatch.Create([[4], [5]]);
        Assert.Contains("ForDecoder", Assert.Throws<ArgumentException>(() => model.Loss(encoder, encoder)).Message);
    }
}
