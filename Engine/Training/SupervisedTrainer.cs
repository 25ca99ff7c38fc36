using System.Collections.ObjectModel;
using System.Diagnostics;
using Engine.Autodiff;
using Engine.Data;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Training;

/// <summary>
/// The training loop for a <see cref="ClassifierModel"/>: the same steps as <see cref="Trainer"/> (shuffle, zero
/// the gradients, loss, backward, clip, step) on labelled batches, optionally paired with unlabelled batches for
/// semi-supervised models.
/// </summary>
/// <remarks>
/// Without an unlabelled set an epoch is one pass over the labelled set. With one, an epoch is one pass over the
/// unlabelled set and every step also takes the next labelled batch, reshuffling the labelled set whenever it runs
/// out, so a few labels are revisited many times. Uses <see cref="TrainerOptions"/> except
/// <see cref="TrainerOptions.Patience"/>, which needs validation labels and is rejected.
/// </remarks>
public sealed class SupervisedTrainer(TrainerOptions options)
{
    /// <summary>The settings of this trainer.</summary>
    public TrainerOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Trains <paramref name="model"/> on <paramref name="labelled"/> (and <paramref name="unlabelled"/>).</summary>
    /// <exception cref="ArgumentException">A labelled example has no label, or the feature sizes differ.</exception>
    /// <exception cref="TrainingDivergedException">The loss or a gradient became NaN or infinite (unless <see cref="TrainerOptions.SkipNonFiniteBatches"/>).</exception>
    public TrainingHistory Fit(ClassifierModel model, Optimizer optimizer, IDataset labelled, IDataset? unlabelled = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(labelled);
        if (Options.Patience is not null)
            throw new ArgumentException("SupervisedTrainer: Patience needs a validation set; leave it null.", nameof(options));
        if (labelled.Count == 0) throw new ArgumentException("SupervisedTrainer: the labelled set is empty.", nameof(labelled));
        for (int i = 0; i < labelled.Count; i++)
            if ((uint)labelled.Label(i) >= (uint)model.ClassCount)
                throw new ArgumentException(
                    $"SupervisedTrainer: labelled example {i} has label {labelled.Label(i)}, outside [0, {model.ClassCount}).",
                    nameof(labelled));
        if (unlabelled is not null && unlabelled.Features != labelled.Features)
            throw new ArgumentException(
                $"SupervisedTrainer: unlabelled rows have {unlabelled.Features} features, labelled rows {labelled.Features}.",
                nameof(unlabelled));

        var labelledLoader = new DataLoader(labelled, Math.Min(Options.BatchSize, labelled.Count), Options.Seed);
        var unlabelledLoader = unlabelled is null ? null : new DataLoader(unlabelled, Options.BatchSize, Options.Seed + 3);
        using var labelledBatches = Cycle(labelledLoader).GetEnumerator();
        var noise = new Random(Options.Seed + 1);
        var reports = new List<EpochReport>();
        bool cancelled = false;
        var training = new TrainingStep(model, optimizer, nameof(SupervisedTrainer), Options.SkipNonFiniteBatches,
            Options.ClipGradientNorm);
        float best = float.PositiveInfinity;
        int bestEpoch = -1;
        for (int epoch = 0; epoch < Options.Epochs && !cancelled; epoch++)
        {
            Options.Schedule?.Apply(optimizer, epoch);
            model.Train();
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            var partSums = new Dictionary<string, double>();
            int steps = 0, seen = 0, skipped = 0;
            int batchCount = unlabelledLoader?.BatchCount ?? labelledLoader.BatchCount;
            // The driving sequence: unlabelled batches if any (each paired with a labelled one), else labelled.
            IEnumerable<Batch?> driver = unlabelledLoader is null
                ? Enumerable.Repeat<Batch?>(null, batchCount)
                : unlabelledLoader.Epoch().Select(b => (Batch?)b);
            foreach (var extra in driver)
            {
                labelledBatches.MoveNext();
                var batch = labelledBatches.Current;
                IReadOnlyDictionary<string, float> parts = ReadOnlyDictionary<string, float>.Empty;
                var step = training.Run(() =>
                {
                    var loss = model.Loss(batch.Inputs, batch.Labels.ToArray(), extra?.Inputs, noise);
                    parts = loss.Parts;
                    return loss.Total;
                }, epoch, steps + skipped);
                if (!step.Stepped)
                {
                    skipped++;
                    continue;
                }
                lossSum += step.Loss;
                foreach (var (name, part) in parts) partSums[name] = partSums.GetValueOrDefault(name) + part;
                seen += extra?.Count ?? batch.Count;
                Options.OnBatch?.Invoke(new BatchReport(epoch, steps, batchCount, step.Loss,
                    seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9)));
                steps++;
                if (Options.Cancellation.IsCancellationRequested)
                {
                    cancelled = true;
                    break;
                }
            }
            // Losses are averaged per step (not per example): with paired batches there is no single example count.
            var report = new EpochReport(epoch, (float)(lossSum / Math.Max(steps, 1)),
                partSums.ToDictionary(p => p.Key, p => (float)(p.Value / Math.Max(steps, 1))),
                null, clock.Elapsed.TotalSeconds, optimizer.LearningRate) { SkippedBatches = skipped };
            reports.Add(report);
            Options.OnEpoch?.Invoke(report);
            if (report.TrainLoss < best)
            {
                best = report.TrainLoss;
                bestEpoch = epoch;
            }
        }
        model.Eval();
        return new TrainingHistory(reports, bestEpoch, false, cancelled);
    }

    /// <summary>The predicted class of every example of <paramref name="data"/>, in order, in evaluation mode.</summary>
    public int[] Predict(ClassifierModel model, IDataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        bool wasTraining = model.IsTraining;
        model.Eval();
        var result = new int[data.Count];
        foreach (var batch in new DataLoader(data, Options.BatchSize).Epoch())
        {
            // The logits are temporaries: only the int[] of classes leaves the scope.
            using var scope = TensorScope.Begin();
            model.Predict(batch.Inputs).CopyTo(result, batch.Index * Options.BatchSize);
        }
        if (wasTraining) model.Train();
        return result;
    }

    /// <summary>Fraction of <paramref name="data"/>'s examples whose predicted class equals their label.</summary>
    /// <exception cref="ArgumentException">The data set is empty.</exception>
    public double Accuracy(ClassifierModel model, IDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException("SupervisedTrainer.Accuracy: the data set is empty.", nameof(data));
        var predicted = Predict(model, data);
        int correct = 0;
        for (int i = 0; i < predicted.Length; i++)
            if (predicted[i] == data.Label(i)) correct++;
        return (double)correct / predicted.Length;
    }

    // Labelled batches forever: a new shuffled epoch whenever one ends.
    private static IEnumerable<Batch> Cycle(DataLoader loader)
    {
        while (true)
            foreach (var batch in loader.Epoch()) yield return batch;
    }
}
