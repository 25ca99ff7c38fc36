using Engine.Optim;
using Engine.Tensors;

namespace Engine.Training;

/// <summary>What one <see cref="TrainingStep.Run"/> did: whether the optimizer stepped, the loss, and the gradient norm before clipping (0 without clipping).</summary>
internal readonly record struct StepOutcome(bool Stepped, float Loss, float GradientNorm);

/// <summary>
/// One optimisation step of any trainer, inside one pooled <see cref="TensorScope"/>: zero the gradients, compute
/// the loss, run backward (only on a finite loss), apply the NaN/Inf guard, clip and step. Every temporary tensor of
/// the step (activations, saved state, intermediate gradients) borrows pooled storage and returns it when the step
/// ends, so a steady-state step allocates almost no managed memory; parameters, leaf gradients and optimizer state
/// live outside the scope and are never pooled.
/// </summary>
/// <remarks>
/// The loss callback must not let a tensor escape: copy what the caller needs (floats, counts) into locals. Anything
/// that runs after <see cref="Run"/> returns (callbacks, checkpoints, validation) is outside the scope.
/// </remarks>
internal sealed class TrainingStep(object model, Optimizer optimizer, string trainer, bool skipNonFinite, float? clipNorm)
{
    private readonly (string Name, Tensor Parameter)[] _named = NonFiniteGuard.Named(model, optimizer.Parameters);

    /// <summary>
    /// Runs the step; <paramref name="epoch"/> and <paramref name="step"/> (0-based) only name the place in the
    /// divergence message. Returns without stepping when the guard rejects the batch and skipping is on.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A non-finite loss or gradient and skipping is off.</exception>
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
        optimizer.Step();
        return new StepOutcome(true, value, norm);
    }
}
