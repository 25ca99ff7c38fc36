using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// What <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/> share (PyTorch's <c>_BatchNorm</c>): per-channel
/// normalisation <c>y = γ·(x − μ)/√(σ² + ε) + β</c> over axis 1.
/// </summary>
/// <remarks>
/// In training mode μ and σ² are the batch's statistics (over N and every position), and the running estimates are
/// updated: <c>running = (1 − momentum)·running + momentum·batch</c>, with the <em>unbiased</em> batch variance
/// (σ²·M/(M − 1), M values per channel) for <c>running_var</c>, as PyTorch does. In evaluation mode the running
/// estimates are used instead, which makes the layer a fixed per-channel affine map.
/// Parameters <c>weight</c> (γ, ones) and <c>bias</c> (β, zeros); buffers <c>running_mean</c> (zeros),
/// <c>running_var</c> (ones) and <c>num_batches_tracked</c> — a rank-0 float here where PyTorch has an int64, so it
/// counts exactly up to 2^24 batches.
/// </remarks>
public abstract class BatchNorm : Module
{
    /// <summary>Creates the parameters and buffers for <paramref name="numFeatures"/> channels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">numFeatures is below 1, eps negative, or momentum outside [0, 1].</exception>
    protected BatchNorm(int numFeatures, float eps, float momentum, bool affine)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numFeatures, 1);
        if (!(eps >= 0) || float.IsInfinity(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be finite and at least 0.");
        if (!(momentum is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1].");
        (NumFeatures, Eps, Momentum) = (numFeatures, eps, momentum);
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(numFeatures));
            Bias = RegisterParameter("bias", Tensor.Zeros(numFeatures));
        }
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
        RunningVar = RegisterBuffer("running_var", Tensor.Ones(numFeatures));
        NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Scalar(0f));
    }

    /// <summary>Channels C.</summary>
    public int NumFeatures { get; }

    /// <summary>ε added to the variance.</summary>
    public float Eps { get; }

    /// <summary>Weight of the newest batch in the running estimates.</summary>
    public float Momentum { get; }

    /// <summary>γ, (C), or null when not affine.</summary>
    public Tensor? Weight { get; }

    /// <summary>β, (C), or null when not affine.</summary>
    public Tensor? Bias { get; }

    /// <summary>Running mean estimate, (C).</summary>
    public Tensor RunningMean { get; }

    /// <summary>Running (unbiased) variance estimate, (C).</summary>
    public Tensor RunningVar { get; }

    /// <summary>Training batches seen so far (a rank-0 float).</summary>
    public Tensor NumBatchesTracked { get; }

    /// <summary>Throws unless the input has a rank this layer accepts.</summary>
    protected abstract void CheckInput(Tensor input);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInput(input);
        if (input.Shape[1] != NumFeatures)
            throw new ArgumentException(
                $"{GetType().Name}.Forward: input {input.Shape} has {input.Shape[1]} channels, the layer {NumFeatures}.", nameof(input));
        if (!IsTraining) return Op.BatchNormInference(input, Weight, Bias, RunningMean, RunningVar, Eps);
        var output = Op.BatchNorm(input, Weight, Bias, Eps, out var mean, out var variance);
        int m = input.Size / NumFeatures;
        float unbias = m / (m - 1f);
        var rm = RunningMean.Span;
        var rv = RunningVar.Span;
        for (int c = 0; c < NumFeatures; c++)
        {
            rm[c] = (1 - Momentum) * rm[c] + Momentum * mean.ReadOnlySpan[c];
            rv[c] = (1 - Momentum) * rv[c] + Momentum * variance.ReadOnlySpan[c] * unbias;
        }
        NumBatchesTracked.Span[0] += 1f;
        return output;
    }
}
