using Engine.Tensors;

namespace Engine.Optim;

/// <summary>
/// Updates parameters from their gradients. Call <see cref="ZeroGrad"/> before each backward pass (gradients
/// accumulate) and <see cref="Step"/> after it.
/// </summary>
public abstract class Optimizer
{
    /// <summary>Takes the parameters to update.</summary>
    /// <exception cref="ArgumentException">A parameter does not require grad.</exception>
    protected Optimizer(IEnumerable<Tensor> parameters, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToList();
        foreach (var p in Parameters)
            if (!p.RequiresGrad)
                throw new ArgumentException($"{GetType().Name}: parameter '{p.Name ?? p.Shape.ToString()}' does not require grad.");
        LearningRate = learningRate;
    }

    /// <summary>The parameters this optimizer updates.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The current learning rate (schedules change it between steps).</summary>
    public float LearningRate { get; set; }

    /// <summary>How many steps have been taken.</summary>
    public long StepCount { get; protected set; }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public abstract void Step();

    /// <summary>Zeroes every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.ZeroGrad();
    }
}
