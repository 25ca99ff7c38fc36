using System.Diagnostics;
using Engine.Models;
using Engine.Optim;
using Engine.Text;

namespace Engine.Training;

/// <summary>Settings of a <see cref="TextTrainer"/> run.</summary>
public sealed record TextTrainerOptions
{
    /// <summary>Passes over the training sentences.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Sentences per mini-batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam's learning rate.</summary>
    public float LearningRate { get; init; } = 2e-3f;

    /// <summary>
    /// Learning rate per epoch (e.g. <see cref="WarmupCosineSchedule"/>); null keeps <see cref="LearningRate"/>.
    /// </summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>The global gradient norm is clipped to this before every step (recurrent nets need it).</summary>
    public float ClipGradientNorm { get; init; } = 5f;

    /// <summary>Batches per length-sorted chunk (see <see cref="LengthBucketing"/>); 1 turns bucketing off.</summary>
    public int ChunkBatches { get; init; } = 50;

    /// <summary>Seeds the batch order and the word dropout; the same seed and thread count give identical runs.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Skip a batch whose loss or gradient is NaN or infinite (counted in <see cref="EpochReport.SkippedBatches"/>) instead of throwing <see cref="TrainingDivergedException"/>.</summary>
    public bool SkipNonFiniteBatches { get; init; }

    /// <summary>Called after every batch.</summary>
    public Action<BatchReport>? OnBatch { get; init; }

    /// <summary>Called after every epoch; <see cref="EpochReport.TrainParts"/> holds the mean gradient norm before clipping.</summary>
    public Action<EpochReport>? OnEpoch { get; init; }

    /// <summary>Stops training cleanly after the current batch.</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>
/// The training loop of sentence autoencoders: per epoch, length-bucketed batches in a seeded random order; per
/// batch, the teacher-forced loss (with word dropout when the model has it), backward, global-norm clipping and
/// an Adam step. The epoch loss is the mean cross-entropy per target token.
/// </summary>
public static class TextTrainer
{
    /// <summary>Trains <paramref name="model"/> on <paramref name="sentences"/> (id sequences from <see cref="ISequenceAutoencoder.ToIds"/>).</summary>
    /// <returns>One report per finished epoch.</returns>
    /// <exception cref="ArgumentException">No sentences, or a setting is out of range.</exception>
    /// <exception cref="TrainingDivergedException">The loss or a gradient became NaN or infinite (unless <see cref="TextTrainerOptions.SkipNonFiniteBatches"/>).</exception>
    public static List<EpochReport> Fit(ISequenceAutoencoder model, IReadOnlyList<int[]> sentences, TextTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentNullException.ThrowIfNull(options);
        if (sentences.Count == 0)
            throw new ArgumentException("TextTrainer.Fit: there are no training sentences.", nameof(sentences));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ClipGradientNorm);

        var parameters = model.Parameters();
        var optimizer = new Adam(parameters, options.LearningRate);
        var training = new TrainingStep(model, optimizer, nameof(TextTrainer), options.SkipNonFiniteBatches,
            options.ClipGradientNorm);
        // Two streams, so that turning word dropout on or off does not change the batch order.
        var batchRandom = new Random(options.Seed);
        var dropoutRandom = new Random(unchecked(options.Seed * 31 + 7));
        var lengths = sentences.Select(s => s?.Length ?? 0).ToArray();
        var reports = new List<EpochReport>();
        model.Train();
        for (int epoch = 0; epoch < options.Epochs && !options.Cancellation.IsCancellationRequested; epoch++)
        {
            var clock = Stopwatch.StartNew();
            options.Schedule?.Apply(optimizer, epoch);
            var batches = LengthBucketing.BatchIndices(lengths, options.BatchSize, options.ChunkBatches, batchRandom);
            double lossSum = 0, normSum = 0;
            long tokens = 0, seen = 0;
            int done = 0, skipped = 0;
            foreach (int[] indices in batches)
            {
                if (options.Cancellation.IsCancellationRequested) break;
                int count = 0;
                var step = training.Run(() =>
                {
                    var (loss, targetTokens) = model.BatchLoss(sentences, indices, dropoutRandom);
                    count = targetTokens;
                    return loss;
                }, epoch, done + skipped);
                if (!step.Stepped)
                {
                    skipped++;
                    continue;
                }
                normSum += step.GradientNorm;
                lossSum += (double)step.Loss * count;
                tokens += count;
                seen += indices.Length;
                done++;
                options.OnBatch?.Invoke(new BatchReport(epoch, done - 1, batches.Count, step.Loss,
                    seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9)));
            }
            if (done + skipped == 0) break;
            var report = new EpochReport(epoch, (float)(lossSum / Math.Max(tokens, 1)),
                new Dictionary<string, float> { ["grad_norm"] = (float)(normSum / Math.Max(done, 1)) }, null,
                clock.Elapsed.TotalSeconds, optimizer.LearningRate) { SkippedBatches = skipped };
            reports.Add(report);
            options.OnEpoch?.Invoke(report);
        }
        model.Eval();
        return reports;
    }
}
