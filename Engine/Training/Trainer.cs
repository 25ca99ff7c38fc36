using System.Diagnostics;
using Engine.Autodiff;
using Engine.Data;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Training;

/// <summary>
/// The training loop: for each epoch, shuffle, and for each batch zero the gradients, compute the model's loss,
/// run backward and take an optimizer step; then measure the validation loss, keep the best weights and stop
/// early when it stops improving.
/// </summary>
public sealed class Trainer(TrainerOptions options)
{
    /// <summary>The settings of this trainer.</summary>
    public TrainerOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Trains <paramref name="model"/> on <paramref name="train"/>, validating on <paramref name="validation"/>.</summary>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public TrainingHistory Fit(AutoencoderModel model, Optimizer optimizer, IDataset train, IDataset? validation = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(train);
        var loader = new DataLoader(train, Options.BatchSize, Options.Seed);
        var noise = new Random(Options.Seed + 1);
        var reports = new List<EpochReport>();
        float best = float.PositiveInfinity;
        int bestEpoch = -1, sinceBest = 0;
        float[][]? bestWeights = null;
        bool stoppedEarly = false, cancelled = false;

        for (int epoch = 0; epoch < Options.Epochs && !cancelled; epoch++)
        {
            Options.Schedule?.Apply(optimizer, epoch);
            model.Train();
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            var partSums = new Dictionary<string, double>();
            int seen = 0;
            foreach (var batch in loader.Epoch())
            {
                // Every temporary tensor of this step borrows pooled storage, returned when the step ends.
                using var scope = TensorScope.Begin();
                optimizer.ZeroGrad();
                var loss = model.Loss(batch.Inputs, noise);
                float value = loss.Total.Item();
                if (!float.IsFinite(value))
                    throw new TrainingDivergedException(
                        $"Training diverged: the loss is {value} at epoch {epoch + 1}, batch {batch.Index + 1}. Lower the learning rate or clip gradients.");
                loss.Total.Backward();
                if (Options.ClipGradientNorm is float clip) GradClip.ClipByGlobalNorm(optimizer.Parameters, clip);
                optimizer.Step();

                lossSum += (double)value * batch.Count;
                foreach (var (name, part) in loss.Parts)
                    partSums[name] = partSums.GetValueOrDefault(name) + (double)part * batch.Count;
                seen += batch.Count;
                Options.OnBatch?.Invoke(new BatchReport(epoch, batch.Index, loader.BatchCount, value,
                    seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9)));
                if (Options.Cancellation.IsCancellationRequested)
                {
                    cancelled = true;
                    break;
                }
            }
            double seconds = clock.Elapsed.TotalSeconds;
            float? validationLoss = validation is null ? null : Evaluate(model, validation);
            var report = new EpochReport(epoch, (float)(lossSum / Math.Max(seen, 1)),
                partSums.ToDictionary(p => p.Key, p => (float)(p.Value / Math.Max(seen, 1))),
                validationLoss, seconds, optimizer.LearningRate);
            reports.Add(report);
            Options.OnEpoch?.Invoke(report);

            float monitored = validationLoss ?? report.TrainLoss;
            if (monitored < best)
            {
                best = monitored;
                bestEpoch = epoch;
                sinceBest = 0;
                if (Options.Patience is not null) bestWeights = Snapshot(model);
            }
            else if (Options.Patience is int patience && ++sinceBest >= patience)
            {
                stoppedEarly = true;
                break;
            }
        }
        if (bestWeights is not null && (stoppedEarly || bestEpoch != reports.Count - 1)) Restore(model, bestWeights);
        model.Eval();
        return new TrainingHistory(reports, bestEpoch, stoppedEarly, cancelled);
    }

    /// <summary>
    /// The model's mean loss over a dataset in evaluation mode, without recording a graph. Noise (if the model uses
    /// any) comes from a generator seeded by the trainer's seed, so the number is reproducible.
    /// </summary>
    public float Evaluate(AutoencoderModel model, IDataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        bool wasTraining = model.IsTraining;
        model.Eval();
        using var _ = GradMode.Disable();
        var noise = new Random(Options.Seed + 2);
        double sum = 0;
        int seen = 0;
        foreach (var batch in new DataLoader(data, Options.BatchSize).Epoch())
        {
            using var scope = TensorScope.Begin();
            sum += (double)model.Loss(batch.Inputs, noise).Total.Item() * batch.Count;
            seen += batch.Count;
        }
        if (wasTraining) model.Train();
        return (float)(sum / Math.Max(seen, 1));
    }

    private static float[][] Snapshot(AutoencoderModel model) =>
        model.StateDict().Select(p => p.Tensor.ToArray()).ToArray();

    private static void Restore(AutoencoderModel model, float[][] weights)
    {
        int i = 0;
        foreach (var (_, t) in model.StateDict()) weights[i++].CopyTo(t.Span);
    }
}

/// <summary>Thrown when the training loss becomes NaN or infinite; the message names the epoch and batch.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
