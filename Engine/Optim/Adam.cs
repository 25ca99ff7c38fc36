using Engine.Kernels;
using Engine.Tensors;

namespace Engine.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba, 2015, Algorithm 1) and AdamW (Loshchilov &amp; Hutter, 2019) when
/// <see cref="DecoupledWeightDecay"/> is set.
/// </summary>
/// <remarks>
/// Per parameter element, with gradient g at step t:
/// m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  m̂ = m / (1−β₁ᵗ);  v̂ = v / (1−β₂ᵗ);  θ ← θ − lr·m̂ / (√v̂ + ε).
/// Adam's weight decay adds λθ to g (L2); AdamW instead shrinks θ ← θ − lr·λ·θ before the update.
/// This is PyTorch's torch.optim.Adam / AdamW arithmetic.
/// </remarks>
public sealed class Adam : Optimizer
{
    private readonly float[][] _m, _v;

    /// <summary>Creates the optimizer.</summary>
    /// <exception cref="ArgumentException">The parameter list is empty, or holds null or a tensor without gradient.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The learning rate is negative or not finite, a beta is outside [0, 1), epsilon is not a finite number above 0
    /// (with 0, a parameter whose gradient is 0 becomes 0/0 = NaN), or the weight decay is negative or not finite.
    /// </exception>
    public Adam(IEnumerable<Tensor> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float epsilon = 1e-8f, float weightDecay = 0f, bool decoupledWeightDecay = false)
        : base(parameters, learningRate)
    {
        Beta1 = Require.InHalfOpenRange(beta1, 0f, 1f, "Adam.beta1");
        Beta2 = Require.InHalfOpenRange(beta2, 0f, 1f, "Adam.beta2");
        Epsilon = Require.FinitePositive(epsilon, "Adam.epsilon");
        WeightDecay = Require.FiniteAtLeast(weightDecay, 0f, "Adam.weightDecay");
        DecoupledWeightDecay = decoupledWeightDecay;
        _m = Parameters.Select(p => new float[p.Size]).ToArray();
        _v = Parameters.Select(p => new float[p.Size]).ToArray();
    }

    /// <summary>Decay of the first moment.</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public float Beta2 { get; }

    /// <summary>Added to √v̂ to avoid division by zero.</summary>
    public float Epsilon { get; }

    /// <summary>Weight decay λ (L2 for Adam, decoupled for AdamW).</summary>
    public float WeightDecay { get; }

    /// <summary>True for AdamW.</summary>
    public bool DecoupledWeightDecay { get; }

    /// <summary>The first-moment estimates, one array per parameter (for checkpoints).</summary>
    public IReadOnlyList<float[]> FirstMoments => _m;

    /// <summary>The second-moment estimates, one array per parameter (for checkpoints).</summary>
    public IReadOnlyList<float[]> SecondMoments => _v;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, IReadOnlyList<float[]?>> StateBuffers =>
        new Dictionary<string, IReadOnlyList<float[]?>> { ["exp_avg"] = _m, ["exp_avg_sq"] = _v };

    /// <inheritdoc/>
    protected override void RestoreSlot(string slot, int parameter, float[]? values) =>
        values!.CopyTo(slot == "exp_avg" ? _m[parameter] : _v[parameter], 0);

    /// <inheritdoc/>
    public override void Step()
    {
        StepCount++;
        var step = new AdamStep(LearningRate, Beta1, Beta2, Epsilon, WeightDecay, DecoupledWeightDecay, StepCount);
        for (int pi = 0; pi < Parameters.Count; pi++)
        {
            var p = Parameters[pi];
            if (p.Grad is null) continue;
            // One fused SIMD pass per parameter (AdamUpdate): moments, bias correction and update, no temporaries.
            AdamUpdate.Update(p.Grad.ReadOnlySpan, step, p.Span, _m[pi], _v[pi]);
        }
    }
}
