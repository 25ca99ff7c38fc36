using Engine.Layers;
using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Training;

/// <summary>
/// The NaN/Inf checks of the training loop (<see cref="TrainingLoop"/>, <see cref="TrainingStep"/>): after backward,
/// the loss and every gradient must be finite before the optimizer may step, and after the step every weight.
/// </summary>
internal static class NonFiniteGuard
{
    /// <summary>The parameters with their state-dict names (a <see cref="Module"/>), else "parameter i".</summary>
    public static (string Name, Tensor Parameter)[] Named(object model, IReadOnlyList<Tensor> parameters) =>
        model is Module module
            ? module.NamedParameters().ToArray()
            : parameters.Select((p, i) => ($"parameter {i}", p)).ToArray();

    /// <summary>
    /// True when <paramref name="loss"/> and every gradient are finite. Otherwise false when
    /// <paramref name="skip"/> is set (the caller drops the batch), else throws.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A non-finite value and <paramref name="skip"/> is false; the message
    /// names the trainer, the epoch and step (1-based) and the first offending parameter.</exception>
    public static bool Passes(float loss, IReadOnlyList<(string Name, Tensor Parameter)> parameters, bool skip,
        string trainer, int epoch, int step)
    {
        string? parameter = null;
        if (float.IsFinite(loss))
        {
            parameter = FirstNonFinite(parameters, gradients: true);
            if (parameter is null)
                return true;
        }
        if (skip)
            return false;
        string what = parameter is null
            ? $"the loss is {loss}"
            : $"the loss is {loss} but the gradient of '{parameter}' holds NaN or infinity";
        throw new TrainingDivergedException(
            $"{trainer}: training diverged at epoch {epoch + 1}, step {step + 1}: {what}. The optimizer did not step on this " +
            "batch: the weights are those after the previous step (every step is checked to leave them finite) and the " +
            "last checkpoint is untouched. HINT: lower the learning rate, clip gradients, check the input for NaN, or " +
            "set SkipNonFiniteBatches.", epoch + 1, step + 1, parameter, loss);
    }


    /// <summary>The name of the first parameter whose gradient (or value) holds NaN or ±Inf, or null.</summary>
    public static string? FirstNonFinite(IReadOnlyList<(string Name, Tensor Parameter)> parameters, bool gradients)
    {
        foreach (var (name, parameter) in parameters)
        {
            var values = gradients ? parameter.Grad : parameter;
            if (values is not null && !AllFinite(values.ReadOnlySpan))
                return name;
        }
        return null;
    }

    /// <summary>Whether every value is finite, in one vectorised pass for the common case.</summary>
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        // NaN and ±Inf survive every addition, so a finite sum proves all values finite; a non-finite sum may
        // also be an overflow of huge finite values, so that case is confirmed element by element.
        if (float.IsFinite(TensorPrimitives.Sum(values)))
            return true;
        foreach (float value in values)
        {
            if (!float.IsFinite(value))
                return false;
        }
        return true;
    }
}
