using Engine.Tensors;

namespace Engine.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, with PyTorch's
/// torch.optim.SGD arithmetic.
/// </summary>
/// <remarks>
/// g ← g + λθ;  with momentum μ: b ← μb + g (b = g on the first step);  g ← g + μb (Nesterov) or g ← b;
/// θ ← θ − lr·g.
/// </remarks>
public sealed class Sgd : Optimizer
{
    private readonly float[]?[] _velocity;

    /// <summary>Creates the optimizer.</summary>
    /// <exception cref="ArgumentException">The parameter list is empty or holds null or a tensor without gradient, or Nesterov without momentum.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The learning rate or weight decay is negative or not finite, or the momentum is outside [0, 1) (at 1 or more
    /// the velocity never decays and grows without bound).
    /// </exception>
    public Sgd(IEnumerable<Tensor> parameters, float learningRate, float momentum = 0f, bool nesterov = false,
        float weightDecay = 0f)
        : base(parameters, learningRate)
    {
        Momentum = Require.InHalfOpenRange(momentum, 0f, 1f, "Sgd.momentum");
        WeightDecay = Require.FiniteAtLeast(weightDecay, 0f, "Sgd.weightDecay");
        if (nesterov && momentum == 0)
            throw new ArgumentException("Sgd: Nesterov momentum needs momentum > 0.", nameof(nesterov));
        Nesterov = nesterov;
        _velocity = new float[]?[Parameters.Count];
    }

    /// <summary>Momentum factor μ.</summary>
    public float Momentum { get; }

    /// <summary>Whether the Nesterov variant is used.</summary>
    public bool Nesterov { get; }

    /// <summary>L2 weight decay λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    /// <remarks>SGD without momentum has no state; with momentum, <c>momentum_buffer</c> is null until the first step.</remarks>
    public override IReadOnlyDictionary<string, IReadOnlyList<float[]?>> StateBuffers =>
        Momentum == 0
            ? new Dictionary<string, IReadOnlyList<float[]?>>()
            : new Dictionary<string, IReadOnlyList<float[]?>> { ["momentum_buffer"] = _velocity };

    /// <inheritdoc/>
    protected override bool AllowsEmptySlot(string slot) => true;

    /// <inheritdoc/>
    protected override void RestoreSlot(string slot, int parameter, float[]? values) =>
        _velocity[parameter] = (float[]?)values?.Clone();

    /// <inheritdoc/>
    public override void Step()
    {
        StepCount++;
        for (int pi = 0; pi < Parameters.Count; pi++)
        {
            var p = Parameters[pi];
            if (p.Grad is null) continue;
            var theta = p.Span;
            var grad = p.Grad.ReadOnlySpan;
            bool first = _velocity[pi] is null;
            var b = Momentum != 0 ? (_velocity[pi] ??= new float[p.Size]) : null;
            for (int i = 0; i < theta.Length; i++)
            {
                float g = grad[i] + WeightDecay * theta[i];
                if (b is not null)
                {
                    b[i] = first ? g : Momentum * b[i] + g;
                    g = Nesterov ? g + Momentum * b[i] : b[i];
                }
                theta[i] -= LearningRate * g;
            }
        }
    }
}
