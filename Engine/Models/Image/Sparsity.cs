using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Models;

/// <summary>The two classic ways to make a code sparse.</summary>
public enum SparsityKind
{
    /// <summary>L1 activity penalty: weight · Σⱼ |zⱼ| averaged over the batch.</summary>
    L1,
    /// <summary>
    /// KL sparsity target: weight · Σⱼ KL(ρ ‖ ρ̂ⱼ), where ρ̂ⱼ is the mean activation of code unit j over the batch
    /// and ρ the target (Ng's sparse autoencoder notes). Needs activations in (0, 1): use a sigmoid code layer.
    /// </summary>
    KlTarget,
}

/// <summary>A sparsity penalty on the code of an autoencoder.</summary>
/// <param name="Kind">L1 or KL target.</param>
/// <param name="Weight">Multiplier of the penalty in the loss.</param>
/// <param name="Target">ρ, the target mean activation (KL only), e.g. 0.05.</param>
public sealed record Sparsity(SparsityKind Kind, float Weight, float Target = 0.05f)
{
    /// <summary>L1 or KL target.</summary>
    public SparsityKind Kind { get; init => field = Require.Defined(value, "Sparsity.Kind"); } = Require.Defined(Kind, "Sparsity.Kind");

    /// <summary>Multiplier of the penalty (finite, at least 0).</summary>
    public float Weight { get; init => field = Require.FiniteAtLeast(value, 0f, "Sparsity.Weight"); } = Require.FiniteAtLeast(Weight, 0f, "Sparsity.Weight");

    /// <summary>ρ, the target mean activation, strictly between 0 and 1 (its logarithms enter the KL penalty).</summary>
    public float Target { get; init => field = TargetIn(value); } = TargetIn(Target);

    private static float TargetIn(float value) =>
        value > 0f && value < 1f ? value
            : throw new ArgumentOutOfRangeException(nameof(Target), value, $"Sparsity.Target must be in (0, 1), got {value}.");

    /// <summary>The penalty for a batch of codes (N, D), as a scalar in the graph.</summary>
    public Tensor Penalty(Tensor code)
    {
        ArgumentNullException.ThrowIfNull(code);
        int n = code.Shape[0];
        if (Kind == SparsityKind.L1) return Op.Sum(Op.Abs(code)) * (Weight / n);
        // KL(ρ ‖ ρ̂) = ρ log(ρ/ρ̂) + (1−ρ) log((1−ρ)/(1−ρ̂)); ρ̂ is clamped away from 0 and 1 to keep the logs finite.
        var rhoHat = Op.Clamp(Op.Mean(code, 0), 1e-6f, 1f - 1e-6f);
        float rho = Target;
        var kl = rho * Op.Log(Tensor.Scalar(rho) / rhoHat) + (1 - rho) * Op.Log(Tensor.Scalar(1 - rho) / (1f - rhoHat));
        return Op.Sum(kl) * Weight;
    }
}
