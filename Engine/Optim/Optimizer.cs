using Engine.Tensors;

namespace Engine.Optim;

/// <summary>
/// Updates parameters from their gradients. Call <see cref="ZeroGrad"/> before each backward pass (gradients
/// accumulate) and <see cref="Step"/> after it.
/// </summary>
public abstract class Optimizer
{
    /// <summary>Takes the parameters to update.</summary>
    /// <exception cref="ArgumentException">The list is empty or holds null, a parameter does not require grad,
    /// or the learning rate is negative, NaN or infinite.</exception>
    protected Optimizer(IEnumerable<Tensor> parameters, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToList();
        if (Parameters.Count == 0)
            throw new ArgumentException($"{GetType().Name}: the parameter list is empty; there is nothing to optimize.", nameof(parameters));
        foreach (var p in Parameters)
        {
            if (p is null)
                throw new ArgumentException($"{GetType().Name}: the parameter list holds null.", nameof(parameters));
            if (!p.RequiresGrad)
                throw new ArgumentException($"{GetType().Name}: parameter '{p.Name ?? p.Shape.ToString()}' does not require grad.", nameof(parameters));
        }
        Require.FiniteAtLeast(learningRate, 0f, $"{GetType().Name}.learningRate");
        LearningRate = learningRate;
    }

    /// <summary>The parameters this optimizer updates.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The current learning rate (schedules change it between steps).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to NaN, an infinity or a negative rate (which would climb the loss).</exception>
    public float LearningRate { get; set => field = Require.FiniteAtLeast(value, 0f, $"{GetType().Name}.LearningRate"); }

    /// <summary>How many steps have been taken.</summary>
    public long StepCount { get; protected set; }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public abstract void Step();

    /// <summary>
    /// The optimizer's per-parameter state for checkpoints, by slot (PyTorch's names: <c>exp_avg</c> and
    /// <c>exp_avg_sq</c> for Adam, <c>momentum_buffer</c> for SGD), each a list parallel to
    /// <see cref="Parameters"/>. The arrays are the live ones (copy what you keep); an entry is null where the
    /// slot is not allocated yet (SGD's momentum before the first step). Stateless optimizers have no slots.
    /// </summary>
    public virtual IReadOnlyDictionary<string, IReadOnlyList<float[]?>> StateBuffers { get; } =
        new Dictionary<string, IReadOnlyList<float[]?>>();

    /// <summary>
    /// Restores a state saved from <see cref="StepCount"/>, <see cref="LearningRate"/> and
    /// <see cref="StateBuffers"/>, so the next <see cref="Step"/> continues exactly where the saved run was.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A slot is missing or unknown, a list has the wrong count, or an array has the wrong length (the message
    /// names the slot and parameter).
    /// </exception>
    public void LoadState(long stepCount, float learningRate, IReadOnlyDictionary<string, IReadOnlyList<float[]?>> buffers)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        string type = GetType().Name;
        var slots = StateBuffers;
        foreach (string slot in buffers.Keys)
        {
            if (!slots.ContainsKey(slot))
                throw new ArgumentException($"{type}.LoadState: unknown state slot '{slot}'; {type} has: " +
                                            $"{(slots.Count == 0 ? "none" : string.Join(", ", slots.Keys))}.", nameof(buffers));
        }
        // Validate everything before changing anything, so a bad state leaves the optimizer as it was.
        foreach (string slot in slots.Keys)
        {
            if (!buffers.TryGetValue(slot, out var values))
                throw new ArgumentException($"{type}.LoadState: the state has no slot '{slot}'.", nameof(buffers));
            if (values.Count != Parameters.Count)
                throw new ArgumentException(
                    $"{type}.LoadState: slot '{slot}' has {values.Count} entries for {Parameters.Count} parameters.", nameof(buffers));
            for (int i = 0; i < values.Count; i++)
            {
                if (values[i] is { } v && v.Length != Parameters[i].Size)
                    throw new ArgumentException(
                        $"{type}.LoadState: slot '{slot}' of parameter {i} ('{Parameters[i].Name}', shape {Parameters[i].Shape}) " +
                        $"has {v.Length} values, expected {Parameters[i].Size}.", nameof(buffers));
                if (values[i] is null && !AllowsEmptySlot(slot))
                    throw new ArgumentException(
                        $"{type}.LoadState: slot '{slot}' of parameter {i} ('{Parameters[i].Name}') is missing.", nameof(buffers));
            }
        }
        foreach (var (slot, values) in buffers)
        {
            for (int i = 0; i < values.Count; i++)
                RestoreSlot(slot, i, values[i]);
        }
        StepCount = stepCount;
        LearningRate = learningRate;
    }

    /// <summary>Whether <paramref name="slot"/> may be unallocated (null) for a parameter; false by default.</summary>
    protected virtual bool AllowsEmptySlot(string slot) => false;

    /// <summary>
    /// Copies <paramref name="values"/> (already validated: right length, or null only where allowed) into the
    /// slot's array for parameter <paramref name="parameter"/>.
    /// </summary>
    protected virtual void RestoreSlot(string slot, int parameter, float[]? values) =>
        throw new InvalidOperationException($"{GetType().Name} has no state slot '{slot}'.");

    /// <summary>Zeroes every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.ZeroGrad();
    }
}
