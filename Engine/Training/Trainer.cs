using System.Collections.ObjectModel;
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
    /// <remarks>
    /// With <see cref="TrainerOptions.ResumeFrom"/>, the model's weights, the optimizer's state and the loop's
    /// position are first restored from that checkpoint; the returned history then covers the whole run.
    /// </remarks>
    /// <exception cref="TrainingDivergedException">The loss or a gradient became NaN or infinite (unless <see cref="TrainerOptions.SkipNonFiniteBatches"/>).</exception>
    /// <exception cref="ArgumentException">The checkpoint to resume from was made with another model, optimizer, seed or batch size.</exception>
    /// <exception cref="InvalidDataException">The checkpoint to resume from is damaged.</exception>
    public TrainingHistory Fit(AutoencoderModel model, Optimizer optimizer, IDataset train, IDataset? validation = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(train);
        var loader = new DataLoader(train, Options.BatchSize, Options.Seed);
        var noise = new Rng(Options.Seed + 1);
        var run = Options.ResumeFrom is string resume ? Resume(resume, model, optimizer, loader, noise) : new Progress();
        bool cancelled = false;
        var every = Options.CheckpointEvery.Count >= 1 ? Options.CheckpointEvery : CheckpointInterval.Epochs(1);
        var training = new TrainingStep(model, optimizer, nameof(Trainer), Options.SkipNonFiniteBatches, Options.ClipGradientNorm);

        while (run.Epoch < Options.Epochs && !run.StoppedEarly && !cancelled)
        {
            IEnumerable<Batch> batches;
            if (run.EpochStarted)
            {
                batches = loader.ContinueEpoch(run.NextBatch);
            }
            else
            {
                Options.Schedule?.Apply(optimizer, run.Epoch);
                batches = loader.Epoch();
                run.StartEpoch();
            }
            model.Train();
            var clock = Stopwatch.StartNew();
            foreach (var batch in batches)
            {
                IReadOnlyDictionary<string, float> parts = ReadOnlyDictionary<string, float>.Empty;
                run.NextBatch = batch.Index + 1;
                var step = training.Run(() =>
                {
                    var loss = model.Loss(batch.Inputs, noise);
                    parts = loss.Parts;
                    return loss.Total;
                }, run.Epoch, batch.Index);
                if (step.Stepped)
                {
                    run.LossSum += (double)step.Loss * batch.Count;
                    foreach (var (name, part) in parts)
                        run.PartSums[name] = run.PartSums.GetValueOrDefault(name) + (double)part * batch.Count;
                    run.Seen += batch.Count;
                    Options.OnBatch?.Invoke(new BatchReport(run.Epoch, batch.Index, loader.BatchCount, step.Loss,
                        run.Seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9)));
                }
                else
                {
                    run.Skipped++;
                }
                if (Options.Cancellation.IsCancellationRequested)
                {
                    cancelled = true;
                    SaveCheckpoint(model, optimizer, loader, noise, run);
                    break;
                }
                long globalBatch = (long)run.Epoch * loader.BatchCount + run.NextBatch;
                if (every.InBatches && globalBatch % every.Count == 0)
                    SaveCheckpoint(model, optimizer, loader, noise, run);
            }
            EndEpoch(model, optimizer, validation, run, clock.Elapsed.TotalSeconds);
            if (!cancelled && !run.StoppedEarly && !every.InBatches && run.Epoch % every.Count == 0)
                SaveCheckpoint(model, optimizer, loader, noise, run);
        }
        if (run.BestWeights is not null && (run.StoppedEarly || run.BestEpoch != run.Reports.Count - 1))
            Restore(model, run.BestWeights);
        if (!cancelled)
        {
            // The final checkpoint holds the weights Fit returns; resuming from it trains no further.
            run.Finished = true;
            SaveCheckpoint(model, optimizer, loader, noise, run);
        }
        model.Eval();
        return new TrainingHistory(run.Reports, run.BestEpoch, run.StoppedEarly, cancelled);
    }

    /// <summary>Reports the epoch, tracks the best loss and decides on early stopping; then moves to the next epoch.</summary>
    private void EndEpoch(AutoencoderModel model, Optimizer optimizer, IDataset? validation, Progress run, double seconds)
    {
        float? validationLoss = validation is null ? null : Evaluate(model, validation);
        int seen = Math.Max(run.Seen, 1);
        var report = new EpochReport(run.Epoch, (float)(run.LossSum / seen),
            run.PartSums.ToDictionary(p => p.Key, p => (float)(p.Value / seen)), validationLoss, seconds, optimizer.LearningRate)
        {
            SkippedBatches = run.Skipped,
        };
        run.Reports.Add(report);
        Options.OnEpoch?.Invoke(report);

        float monitored = validationLoss ?? report.TrainLoss;
        if (monitored < run.Best)
        {
            run.Best = monitored;
            run.BestEpoch = run.Epoch;
            run.SinceBest = 0;
            if (Options.Patience is not null) run.BestWeights = Snapshot(model);
        }
        else if (Options.Patience is int patience && ++run.SinceBest >= patience)
        {
            run.StoppedEarly = true;
            run.Finished = true;
        }
        run.Epoch++;
        run.EpochStarted = false;
    }

    private void SaveCheckpoint(AutoencoderModel model, Optimizer optimizer, DataLoader loader, Rng noise, Progress run)
    {
        if (Options.CheckpointPath is not string path) return;
        NonFiniteGuard.RequireFiniteWeights(NonFiniteGuard.Named(model, optimizer.Parameters), nameof(Trainer), run.Epoch, Math.Max(run.NextBatch - 1, 0));
        TrainingCheckpoint.Save(path, model, optimizer, new TrainingState
        {
            Seed = Options.Seed, BatchSize = Options.BatchSize, Epoch = run.Epoch, NextBatch = run.NextBatch,
            EpochStarted = run.EpochStarted, Finished = run.Finished, StoppedEarly = run.StoppedEarly,
            Noise = noise.State, Loader = loader.State, Optimizer = optimizer.GetType().Name, Step = optimizer.StepCount,
            LearningRate = optimizer.LearningRate, OptimizerBuffers = optimizer.StateBuffers, LossSum = run.LossSum,
            PartSums = run.PartSums, Seen = run.Seen, Best = run.Best, BestEpoch = run.BestEpoch,
            SinceBest = run.SinceBest, BestWeights = run.BestWeights, Reports = run.Reports, Skipped = run.Skipped,
        });
    }

    private Progress Resume(string path, AutoencoderModel model, Optimizer optimizer, DataLoader loader, Rng noise)
    {
        var state = TrainingCheckpoint.Resume(path, model, optimizer, Options.Seed, Options.BatchSize);
        if (state.NextBatch < 0 || state.NextBatch > loader.BatchCount || state.Epoch < 0 || state.Seen < 0)
            throw new InvalidDataException(
                $"{path}: the training position (epoch {state.Epoch}, batch {state.NextBatch}) is outside the data's {loader.BatchCount} batches.");
        try
        {
            loader.State = state.Loader;
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: the saved data order does not fit this data set: {e.Message}", e);
        }
        noise.State = state.Noise;
        return new Progress
        {
            Epoch = state.Epoch, NextBatch = state.NextBatch, EpochStarted = state.EpochStarted, Finished = state.Finished,
            StoppedEarly = state.StoppedEarly, LossSum = state.LossSum, PartSums = state.PartSums.ToDictionary(),
            Seen = state.Seen, Best = state.Best, BestEpoch = state.BestEpoch, SinceBest = state.SinceBest,
            BestWeights = state.BestWeights, Reports = [.. state.Reports], Skipped = state.Skipped,
        };
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
        var noise = new Rng(Options.Seed + 2);
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

    /// <summary>The loop's position and bookkeeping, mutable while training; a <see cref="TrainingState"/> is its saved form.</summary>
    private sealed class Progress
    {
        public int Epoch { get; set; }
        public int NextBatch { get; set; }
        public bool EpochStarted { get; set; }
        public bool Finished { get; set; }
        public bool StoppedEarly { get; set; }
        public double LossSum { get; set; }
        public Dictionary<string, double> PartSums { get; set; } = [];
        public int Seen { get; set; }
        public float Best { get; set; } = float.PositiveInfinity;
        public int BestEpoch { get; set; } = -1;
        public int SinceBest { get; set; }
        public float[][]? BestWeights { get; set; }
        public List<EpochReport> Reports { get; set; } = [];
        public int Skipped { get; set; }

        /// <summary>Begins an epoch: the order is drawn, nothing is seen yet.</summary>
        public void StartEpoch()
        {
            EpochStarted = true;
            NextBatch = 0;
            LossSum = 0;
            PartSums = [];
            Seen = 0;
            Skipped = 0;
        }
    }
}
