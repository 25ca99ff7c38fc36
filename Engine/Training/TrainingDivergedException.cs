namespace Engine.Training;

/// <summary>
/// Thrown when the training loss, a gradient or a weight becomes NaN or infinite. The message names the epoch, the
/// step and the first offending parameter by its state-dict name; the optimizer has not stepped on the bad batch.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception with a message only (epoch, step and parameter unknown).</summary>
    /// <param name="message">What diverged, where.</param>
    public TrainingDivergedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with the position of the bad step.</summary>
    /// <param name="message">What diverged, where.</param>
    /// <param name="epoch">The epoch, 1-based.</param>
    /// <param name="step">The step (batch) within the epoch, 1-based.</param>
    /// <param name="parameter">The state-dict name of the first parameter with a non-finite gradient or weight, or null when the loss itself is non-finite.</param>
    /// <param name="loss">The loss of the bad step.</param>
    public TrainingDivergedException(string message, int epoch, int step, string? parameter, float loss) : base(message)
    {
        Epoch = epoch;
        Step = step;
        Parameter = parameter;
        Loss = loss;
    }

    /// <summary>The epoch of the bad step, 1-based (0 when unknown).</summary>
    public int Epoch { get; }

    /// <summary>The step within the epoch, 1-based (0 when unknown).</summary>
    public int Step { get; }

    /// <summary>The first parameter whose gradient or weight is non-finite, or null when the loss is.</summary>
    public string? Parameter { get; }

    /// <summary>The loss of the bad step.</summary>
    public float Loss { get; }
}
