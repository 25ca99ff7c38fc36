using System.Diagnostics;
using Engine.Autodiff;
using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Training;

/// <summary>
/// The one epoch loop behind <see cref="Trainer"/>, <see cref="SupervisedTrainer"/> and <see cref="TextTrainer"/>.
/// Per epoch: set the learning rate, draw the batches (<see cref="TrainingTask.BeginEpoch"/>), and per batch take
/// one guarded step (<see cref="TrainingStep"/>), report it, honour cancellation and save periodic checkpoints;
/// then check the last step, measure the validation loss, report the epoch, keep the best weights and stop early
/// when the monitored loss stops improving. The state it updates (<see cref="TrainingState"/>) is what a training
/// checkpoint saves, so a resumed run continues bitwise where the saved one stood.
/// </summary>
/// <remarks>
/// Training that cannot make progress stops with <see cref="TrainingDivergedException"/>, and the weights are left
/// at the last step known to be good: a batch whose loss or gradient is not finite is never stepped on (or is
/// skipped, with <see cref="TrainerOptions.SkipNonFiniteBatches"/>); a step that makes a weight non-finite is
/// undone; before every checkpoint and at the end of every epoch the last step's batch is evaluated again at the
/// new weights, and a step that made that loss non-finite is undone; an epoch in which no batch trained and a
/// validation loss that is not finite end the run.
/// </remarks>
internal sealed class TrainingLoop
{
    private readonly TrainerOptions _options;
    private readonly TrainingTask _task;
    private readonly Optimizer _optimizer;
    private readonly TrainingStep _step;
    private readonly (string Name, Tensor Parameter)[] _named;
    private TrainingState _state = new();
    private int _lastStepped = -1;
    private float _lastLoss;
    private bool _unchecked;

    /// <summary>Prepares a run; checks that the optimizer updates this model and that checkpoints can be written.</summary>
    /// <exception cref="ArgumentException">
    /// An optimizer parameter is not a parameter of the model, or <see cref="TrainerOptions.CheckpointPath"/> names
    /// a folder that does not exist or the model cannot be checkpointed.
    /// </exception>
    public TrainingLoop(TrainerOptions options, TrainingTask task, Optimizer optimizer)
    {
        _options = options;
        _task = task;
        _optimizer = optimizer;
        _named = task.Model.NamedParameters().ToArray();
        RequireOptimizerFitsModel(task, optimizer);
        if (options.CheckpointPath is string path) TrainingCheckpoint.RequireWritable(path, task.Model, task.Trainer);
        _step = new TrainingStep(task.Model, optimizer, task.Trainer, options.SkipNonFiniteBatches, options.ClipGradientNorm);
    }

    /// <summary>Trains to <see cref="TrainerOptions.Epochs"/> (or early stopping, or cancellation) and returns the history.</summary>
    public TrainingHistory Run()
    {
        var model = _task.Model;
        if (_options.ResumeFrom is string resume)
            _state = TrainingCheckpoint.Resume(resume, _task, _optimizer, _options);
        bool cancelled = false;
        var every = _options.CheckpointEvery;
        while (_state.Epoch < _options.Epochs && !_state.StoppedEarly)
        {
            if (_options.Cancellation.IsCancellationRequested)
            {
                cancelled = true;
                Save();
                break;
            }
            if (!_state.EpochStarted)
            {
                _options.Schedule?.Apply(_optimizer, _state.Epoch);
                _task.BeginEpoch();
                _state.StartEpoch();
            }
            _lastStepped = -1;
            model.Train();
            var clock = Stopwatch.StartNew();
            while (_state.NextBatch < _task.BatchCount)
            {
                int batch = _state.NextBatch++;
                TrainBatch(batch, clock);
                if (_options.Cancellation.IsCancellationRequested)
                {
                    cancelled = true;
                    Save();
                    break;
                }
                long global = (long)_state.Epoch * _task.BatchCount + _state.NextBatch;
                if (every.InBatches && global % every.Count == 0)
                    Save();
            }
            EndEpoch(clock.Elapsed.TotalSeconds, cancelled);
            if (cancelled) break;
            if (!_state.StoppedEarly && !every.InBatches && _state.Epoch % every.Count == 0)
                Save();
        }
        if (_state.BestWeights is not null && (_state.StoppedEarly || _state.BestEpoch != _state.Reports.Count - 1))
            Restore(model, _state.BestWeights);
        if (!cancelled)
        {
            // The final checkpoint holds the weights Fit returns; resuming from it trains no further.
            _state.Finished = true;
            Save();
        }
        model.Eval();
        return new TrainingHistory([.. _state.Reports], _state.BestEpoch, _state.StoppedEarly, cancelled);
    }

    private void TrainBatch(int batch, Stopwatch clock)
    {
        // The loop owns the step count that schedules such as a VAE's KL warm-up read; the loss never changes it.
        if (_task.Model is IScheduledLoss scheduled) scheduled.TrainingStep = _optimizer.StepCount;
        BatchLoss loss = default;
        var outcome = _step.Run(() =>
        {
            loss = _task.Loss(batch);
            return loss.Total;
        }, _state.Epoch, batch);
        if (!outcome.Stepped)
        {
            _state.Skipped++;
            return;
        }
        _lastStepped = batch;
        _lastLoss = outcome.Loss;
        _unchecked = true;
        _task.Stepped(batch);
        _state.Steps++;
        _state.LossSum += (double)outcome.Loss * loss.Weight;
        _state.LossWeight += loss.Weight;
        foreach (var (name, part) in loss.Parts)
            _state.PartSums[name] = _state.PartSums.GetValueOrDefault(name) + (double)part * loss.Weight;
        _state.GradientNormSum += outcome.GradientNorm;
        _state.Seen += loss.Examples;
        _options.OnBatch?.Invoke(new BatchReport(_state.Epoch, batch, _task.BatchCount, outcome.Loss,
            _state.Seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9)));
    }

    /// <summary>Checks the last step, reports the epoch, tracks the best loss and decides on early stopping.</summary>
    private void EndEpoch(double seconds, bool cancelled)
    {
        if (_state.Steps == 0)
        {
            if (cancelled) return; // cancelled before a batch of this epoch trained: nothing to report
            throw new TrainingDivergedException(
                $"{_task.Trainer}: no batch of epoch {_state.Epoch + 1} could be trained: all {_state.Skipped} had a NaN " +
                "or infinite loss or gradient and were skipped, so the epoch has no loss to report. The weights are those " +
                "after the last step taken (before this epoch). HINT: check the data for NaN, lower the learning rate, " +
                "or clip gradients.", _state.Epoch + 1, 0, null, float.NaN);
        }
        CheckLastStep();
        float? validation = _task.HasValidation ? Evaluate(_task.Validate) : null;
        if (validation is float v && !float.IsFinite(v))
            throw new TrainingDivergedException(
                $"{_task.Trainer}: the validation loss after epoch {_state.Epoch + 1} is {v}. The validation data was " +
                "checked to be finite before training, so the model's output overflowed on it. The weights are those after " +
                "the epoch's last step. HINT: lower the learning rate or clip gradients.",
                _state.Epoch + 1, _state.NextBatch, null, v);

        var parts = _state.PartSums.ToDictionary(p => p.Key, p => (float)(p.Value / _state.LossWeight));
        if (_options.ClipGradientNorm is not null)
            parts["grad_norm"] = (float)(_state.GradientNormSum / _state.Steps);
        var report = new EpochReport(_state.Epoch, (float)(_state.LossSum / _state.LossWeight), parts, validation,
            seconds, _optimizer.LearningRate) { SkippedBatches = _state.Skipped };
        _state.Reports.Add(report);
        _options.OnEpoch?.Invoke(report);

        float monitored = validation ?? report.TrainLoss;
        if (monitored < _state.Best)
        {
            _state.Best = monitored;
            _state.BestEpoch = _state.Epoch;
            _state.SinceBest = 0;
            if (_options.Patience is not null) _state.BestWeights = Snapshot(_task.Model);
        }
        else if (_options.Patience is int patience && ++_state.SinceBest >= patience)
        {
            _state.StoppedEarly = true;
            _state.Finished = true;
        }
        _state.Epoch++;
        _state.EpochStarted = false;
    }

    /// <summary>
    /// Proves the last step good before its weights are saved or reported: every weight finite, and the loss of the
    /// step's own batch, evaluated again at the new weights, finite. Otherwise the step is undone and the run stops.
    /// </summary>
    private void CheckLastStep()
    {
        if (!_unchecked) return;
        _unchecked = false;
        int epoch = _state.Epoch + 1, step = _lastStepped + 1;
        if (NonFiniteGuard.FirstNonFinite(_named, gradients: false) is string parameter)
        {
            _step.UndoLastStep();
            throw new TrainingDivergedException(
                $"{_task.Trainer}: the weights of '{parameter}' hold NaN or infinity after epoch {epoch}, step {step} " +
                "(they were finite right after the step, so something changed them since). The weights are restored to " +
                "those before that step, and the checkpoint was not overwritten.", epoch, step, parameter, float.NaN);
        }
        float loss = Evaluate(() => _task.Check(_lastStepped));
        if (!float.IsFinite(loss))
        {
            _step.UndoLastStep();
            throw new TrainingDivergedException(
                $"{_task.Trainer}: training diverged at epoch {epoch}, step {step}: the step's own batch had loss " +
                $"{_lastLoss} before the step and {loss} after it, so the step was too large. The weights are restored to " +
                "those before that step, and the checkpoint was not overwritten. HINT: lower the learning rate (it is " +
                $"{_optimizer.LearningRate}) or clip gradients.", epoch, step, null, loss);
        }
    }

    /// <summary>Runs <paramref name="evaluate"/> in evaluation mode without recording, then restores the mode.</summary>
    private float Evaluate(Func<float> evaluate)
    {
        var model = _task.Model;
        bool training = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = GradMode.Disable();
            return evaluate();
        }
        finally
        {
            if (training) model.Train();
        }
    }

    private void Save()
    {
        if (_options.CheckpointPath is not string path) return;
        CheckLastStep();
        _task.Save(_state);
        TrainingCheckpoint.Save(path, _task, _optimizer, _state, _options);
    }

    /// <summary>An optimizer over another model's parameters would train nothing here, silently.</summary>
    private static void RequireOptimizerFitsModel(TrainingTask task, Optimizer optimizer)
    {
        var own = task.Model.Parameters().ToHashSet(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < optimizer.Parameters.Count; i++)
        {
            var p = optimizer.Parameters[i];
            if (!own.Contains(p))
                throw new ArgumentException(
                    $"{task.Trainer}.Fit: optimizer parameter {i} ({p.Name ?? "unnamed"}, shape {p.Shape}) is not a parameter " +
                    $"of the {task.Model.GetType().Name} being trained, so stepping it would not train this model. HINT: build " +
                    "the optimizer from model.Parameters() of the model you pass to Fit.", nameof(optimizer));
        }
    }

    private static float[][] Snapshot(Module model) => model.StateDict().Select(p => p.Tensor.ToArray()).ToArray();

    private static void Restore(Module model, float[][] weights)
    {
        int i = 0;
        foreach (var (_, t) in model.StateDict()) weights[i++].CopyTo(t.Span);
    }
}
