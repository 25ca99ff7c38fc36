using Engine.Optim;
using Engine.Tensors;

namespace Engine.Training;

/// <summary>What one <see cref="TrainingStep.Run"/> did: whether the optimizer stepped, the loss, and the gradient norm before clipping (0 without clipping).</summary>
internal readonly record struct StepOutcome(bool Stepped, float Loss, float GradientNorm);

/// <summary>
/// One optimisation step of any trainer, inside one pooled <see cref="TensorScope"/>: zero the gradients, compute
/// the loss, run backward (only on a finite loss), apply the NaN/Inf guard, clip and step, then check that the step
/// left every weight finite. Every temporary tensor of the step (activations, saved state, intermediate gradients)
/// borrows pooled storage and returns it when the step ends, so a steady-state step allocates almost no managed
/// memory; parameters, leaf gradients and optimizer state live outside the scope and are never pooled.
/// </summary>
/// <remarks>
/// <para>The loss callback must not let a tensor escape: copy what the caller needs (floats, counts) into locals.
/// Anything that runs after <see cref="Run"/> returns (callbacks, checkpoints, validation) is outside the scope.</para>
/// <para>Before each optimizer step the weights are copied into a buffer allocated once, so a step that turns out
/// bad (a weight that overflowed to ∞, or a loss that the new weights make non-finite, found by
/// <see cref="TrainingLoop"/>) can be undone with <see cref="UndoLastStep"/>: the weights, not the optimizer's
/// moments or step count, go back to what they were before it.</para>
/// </remarks>
internal sealed class TrainingStep(object model, Optimizer optimizer, string trainer, bool skipNonFinite, float? clipNorm)
{
    private readonly (string Name, Tensor Parameter)[] _named = NonFiniteGuard.Named(model, optimizer.Parameters);
    private float[][]? _before;

    /// <summary>Whether a step was taken whose weights <see cref="UndoLastStep"/> can restore.</summary>
    public bool CanUndo => _before is not null;

    /// <summary>
    /// Runs the step; <paramref name="epoch"/> and <paramref name="step"/> (0-based) only name the place in the
    /// divergence message. Returns without stepping when the guard rejects the batch and skipping is on.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A non-finite loss or gradient and skipping is off, or a weight
    /// that the step made non-finite (the step is undone first, whether skipping is on or not).</exception>
    public StepOutcome Run(Func<Tensor> loss, int epoch, int step)
    {
        using var scope = TensorScope.Begin();
        optimizer.ZeroGrad();
        var total = loss();
        float value = total.Item();
        if (float.IsFinite(value)) total.Backward();
        if (!NonFiniteGuard.Passes(value, _named, skipNonFinite, trainer, epoch, step))
            return new StepOutcome(false, value, 0f);
        float norm = clipNorm is float clip ? GradClip.ClipByGlobalNorm(optimizer.Parameters, clip) : 0f;
        Remember();
        optimizer.Step();
        if (NonFiniteGuard.FirstNonFinite(_named, gradients: false) is string parameter)
        {
            UndoLastStep();
            throw new TrainingDivergedException(
                $"{trainer}: training diverged at epoch {epoch + 1}, step {step + 1}: the optimizer step made the weights " +
                $"of '{parameter}' NaN or infinite (the loss {value} and the gradients were finite, so the step was too " +
                "large). The weights are restored to those before this step; the last checkpoint is untouched. " +
                $"HINT: lower the learning rate (it is {optimizer.LearningRate}) or clip gradients.",
                epoch + 1, step + 1, parameter, value);
        }
        return new StepOutcome(true, value, norm);
    }

    /// <summary>Puts back the weights from before the last step.</summary>
    /// <exception cref="InvalidOperationException">No step was taken yet.</exception>
    public void UndoLastStep()
    {
        if (_before is null) throw new InvalidOperationException("TrainingStep: no step to undo.");
        for (int i = 0; i < _named.Length; i++) _before[i].CopyTo(_named[i].Parameter.Span);
    }

    private void Remember()
    {
        _before ??= _named.Select(p => new float[p.Parameter.Size]).ToArray();
        for (int i = 0; i < _named.Length; i++) _named[i].Parameter.ReadOnlySpan.CopyTo(_before[i]);
    }
}
