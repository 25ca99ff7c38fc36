using Engine.Autodiff;
using Engine.Data;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training;

namespace Engine.Anomaly;

/// <summary>What an <see cref="AutoencoderDetector"/> uses as the anomaly score of a sample.</summary>
public enum AutoencoderScore
{
    /// <summary>Mean squared reconstruction error over the features, ‖x − x̂‖² / d (x̂ from the posterior mean for a VAE).</summary>
    ReconstructionMse,

    /// <summary>
    /// For a <see cref="VariationalAutoencoder"/> only: the negative ELBO in nats,
    /// −log p(x | z) + KL(q(z | x) ‖ N(0, I)), averaged over <see cref="AutoencoderDetectorOptions.ElboSamples"/> draws.
    /// </summary>
    NegativeElbo,
}

/// <summary>Training and scoring settings of an <see cref="AutoencoderDetector"/>.</summary>
public sealed record AutoencoderDetectorOptions
{
    /// <summary>Epochs, batch size, seed, early stopping and callbacks of the training run.</summary>
    public TrainerOptions Trainer { get; init => field = Require.NotNull(value, "AutoencoderDetectorOptions.Trainer"); } = new();

    /// <summary>Adam's learning rate.</summary>
    public float LearningRate { get; init => field = Require.FiniteAtLeast(value, 0f, "AutoencoderDetectorOptions.LearningRate"); } = 1e-3f;

    /// <summary>Adam's (L2) weight decay.</summary>
    public float WeightDecay { get; init => field = Require.FiniteAtLeast(value, 0f, "AutoencoderDetectorOptions.WeightDecay"); }

    /// <summary>The score.</summary>
    public AutoencoderScore Score { get; init => field = Require.Defined(value, "AutoencoderDetectorOptions.Score"); } = AutoencoderScore.ReconstructionMse;

    /// <summary>Monte Carlo draws of z per sample for <see cref="AutoencoderScore.NegativeElbo"/>; 0 uses z = μ.</summary>
    public int ElboSamples { get; init => field = Require.AtLeast(value, 0, "AutoencoderDetectorOptions.ElboSamples"); } = 1;

    /// <summary>Samples per forward pass while scoring (memory only; the scores do not depend on it).</summary>
    public int ScoreBatchSize { get; init => field = Require.AtLeast(value, 1, "AutoencoderDetectorOptions.ScoreBatchSize"); } = 1024;

    /// <summary>Rule applied to the training scores after fitting; null for PyOD's top 10%.</summary>
    public ThresholdRule? FitThreshold { get; init; }

    /// <summary>False when the model is already trained: <see cref="AnomalyDetector.Fit(IDataset)"/> then only scores.</summary>
    public bool Train { get; init; } = true;
}

/// <summary>
/// Anomaly detection with any <see cref="AutoencoderModel"/>: train it to reconstruct normal data, then score a
/// sample by how badly it is reconstructed. Normal samples lie near the manifold the model learned; anomalies
/// do not, so their reconstruction error is larger.
/// </summary>
public sealed class AutoencoderDetector : AnomalyDetector
{
    /// <summary>Wraps <paramref name="model"/>; training happens in <see cref="AnomalyDetector.Fit(IDataset)"/>.</summary>
    /// <exception cref="ArgumentException">The negative ELBO is asked of a model that is not a VAE.</exception>
    public AutoencoderDetector(AutoencoderModel model, AutoencoderDetectorOptions? options = null)
        : base((options ?? new()).FitThreshold)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Options = options ?? new();
        if (Options.Score == AutoencoderScore.NegativeElbo && model is not VariationalAutoencoder)
            throw new ArgumentException(
                $"AutoencoderDetector: the negative ELBO score needs a VariationalAutoencoder, got {model.GetType().Name}.",
                nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.ScoreBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(Options.ElboSamples);
    }

    /// <summary>The wrapped model.</summary>
    public AutoencoderModel Model { get; }

    /// <summary>The settings.</summary>
    public AutoencoderDetectorOptions Options { get; }

    /// <summary>The training history of the last fit (null if the model was not trained here).</summary>
    public TrainingHistory? History { get; private set; }

    /// <inheritdoc/>
    public override string Name => Options.Score == AutoencoderScore.NegativeElbo
        ? $"{Model.GetType().Name} (-ELBO)"
        : Model.GetType().Name;

    /// <inheritdoc/>
    protected override void FitCore(IDataset data, IDataset? validation)
    {
        if (!Options.Train)
        {
            Model.Eval();
            return;
        }
        var optimizer = new Adam(Model.Parameters(), Options.LearningRate, weightDecay: Options.WeightDecay);
        History = new Trainer(Options.Trainer).Fit(Model, optimizer, data, validation);
        Model.Eval();
    }

    /// <inheritdoc/>
    protected override float[] Score(IDataset data)
    {
        bool wasTraining = Model.IsTraining;
        Model.Eval();
        using var _ = GradMode.Disable();
        var scores = new float[data.Count];
        // one generator per call: the same data in the same order always gets the same scores
        var random = new Random(Options.Trainer.Seed + 3);
        int offset = 0;
        foreach (var batch in new DataLoader(data, Options.ScoreBatchSize).Epoch())
        {
            var target = scores.AsSpan(offset, batch.Count);
            if (Options.Score == AutoencoderScore.NegativeElbo)
                NegativeElbo((VariationalAutoencoder)Model, batch.Inputs, Options.ElboSamples, random, target);
            else
                RowMse(Model.Reconstruct(batch.Inputs).ReadOnlySpan, batch.Inputs.ReadOnlySpan, data.Features, target);
            offset += batch.Count;
        }
        if (wasTraining) Model.Train();
        return scores;
    }

    /// <summary>
    /// Per-row mean squared difference: <c>scores[r] = Σ_c (a[r, c] − b[r, c])² / cols</c>, summed in double
    /// in column order.
    /// </summary>
    /// <param name="a">Row-major (rows, cols).</param>
    /// <param name="b">Row-major (rows, cols).</param>
    /// <param name="cols">Columns per row.</param>
    /// <param name="scores">One value per row (rows = scores.Length); overwritten.</param>
    /// <exception cref="ArgumentException">The lengths do not match rows × cols.</exception>
    public static void RowMse(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int cols, Span<float> scores)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, 1);
        if (a.Length != b.Length || a.Length != (long)scores.Length * cols)
            throw new ArgumentException($"AutoencoderDetector.RowMse: a has {a.Length} and b {b.Length} values; "
                + $"{scores.Length} rows × {cols} columns need {(long)scores.Length * cols}.", nameof(a));
        for (int r = 0; r < scores.Length; r++)
        {
            double sum = 0;
            var x = a.Slice(r * cols, cols);
            var y = b.Slice(r * cols, cols);
            for (int c = 0; c < cols; c++)
            {
                double diff = x[c] - y[c];
                sum += diff * diff;
            }
            scores[r] = (float)(sum / cols);
        }
    }

    // −ELBO per row in nats: reconstruction term as in VariationalAutoencoder.Loss plus the analytic KL.
    private static void NegativeElbo(VariationalAutoencoder model, Tensor x, int samples, Random random,
        Span<float> scores)
    {
        int n = x.Shape[0], f = x.Shape[1], d = model.LatentSize;
        bool bernoulli = model.Options.Likelihood == Likelihood.Bernoulli;
        var (mu, logVar) = model.Posterior(x);
        var total = new double[n];
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < d; j++)
            {
                double m = mu.Span[r * d + j], lv = logVar.Span[r * d + j];
                total[r] += 0.5 * (m * m + Math.Exp(lv) - 1 - lv);
            }
        }
        int draws = Math.Max(samples, 1);
        var z = Tensor.Zeros(n, d);
        for (int s = 0; s < draws; s++)
        {
            for (int i = 0; i < z.Size; i++)
            {
                float eps = samples == 0 ? 0f : (float)NextGaussian(random);
                z.Span[i] = mu.Span[i] + MathF.Exp(0.5f * logVar.Span[i]) * eps;
            }
            var raw = model.DecodeRaw(z).ReadOnlySpan;
            var xs = x.ReadOnlySpan;
            for (int r = 0; r < n; r++)
            {
                double nll = 0;
                for (int c = 0; c < f; c++)
                {
                    double v = raw[r * f + c], t = xs[r * f + c];
                    // BCE with logits, written to be stable for large |v|
                    nll += bernoulli ? Math.Max(v, 0) - v * t + Math.Log(1 + Math.Exp(-Math.Abs(v))) : 0.5 * (t - v) * (t - v);
                }
                total[r] += nll / draws;
            }
        }
        for (int r = 0; r < n; r++) scores[r] = (float)total[r];
    }

    // Box–Muller, so the draws depend only on the generator.
    private static double NextGaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
