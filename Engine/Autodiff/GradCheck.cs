using System.Text;
using Engine.Tensors;

namespace Engine.Autodiff;

/// <summary>Settings of a gradient check. The defaults suit float32 ops on inputs of a few hundred elements.</summary>
public sealed record GradCheckOptions
{
    /// <summary>Step of the central difference (Richardson-extrapolated, so the truncation error is O(step⁴)).</summary>
    public double Step { get; init => field = Require.FinitePositive(value, "GradCheckOptions.Step"); } = 1e-2;

    /// <summary>Relative tolerance between analytic and numeric derivatives.</summary>
    public double RelativeTolerance { get; init => field = Require.FiniteAtLeast(value, 0.0, "GradCheckOptions.RelativeTolerance"); } = 1e-2;

    /// <summary>Absolute tolerance (float32 rounding in the forward pass divided by the step sets this floor).</summary>
    public double AbsoluteTolerance { get; init => field = Require.FiniteAtLeast(value, 0.0, "GradCheckOptions.AbsoluteTolerance"); } = 1e-3;

    /// <summary>At most this many elements per input are checked (sampled with <see cref="Seed"/>).</summary>
    public int MaxElementsPerInput { get; init => field = Require.AtLeast(value, 1, "GradCheckOptions.MaxElementsPerInput"); } = 64;

    /// <summary>Seed of the random projection of the output and of the sampled elements.</summary>
    public int Seed { get; init; } = 12345;
}

/// <summary>
/// Checks an op's (or a whole model's) backward against central finite differences of its forward.
/// </summary>
/// <remarks>
/// The output y is turned into a scalar L = Σ rᵢ·yᵢ with fixed random weights r (so every output element and
/// every path matters), summed in double. For each checked input element the numeric derivative is
/// D = (4·D(h/2) − D(h)) / 3 with D(h) = (L(x+h) − L(x−h)) / 2h: Richardson extrapolation cancels the h² error
/// term, so a large step (1e-2) can be used, and a large step keeps float32 rounding noise (≈1e-7·|L| / h) small.
/// Why float32 checks are reliable this way is argued in docs/architecture.md. Inputs must be at least
/// <see cref="GradCheckOptions.Step"/> away from kinks (0 for relu/abs) for the check to be meaningful.
/// </remarks>
public static class GradCheck
{
    /// <summary>
    /// Compares analytic and numeric gradients of <paramref name="function"/> with respect to every tensor in
    /// <paramref name="inputs"/> (inputs and parameters alike; each must be a leaf that requires grad).
    /// </summary>
    /// <returns>A result whose <see cref="GradCheckResult.Passed"/> is false with a readable report on mismatch.</returns>
    public static GradCheckResult Run(string name, Func<Tensor> function, IReadOnlyList<Tensor> inputs,
        GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= new GradCheckOptions();
        foreach (var t in inputs)
            if (!t.IsLeaf || !t.RequiresGrad)
                throw new ArgumentException($"GradCheck '{name}': every input must be a leaf with RequiresGrad = true.");

        var random = new Random(options.Seed);
        var probe = function();
        var weights = new double[probe.Size];
        for (int i = 0; i < weights.Length; i++) weights[i] = random.NextDouble() * 2 - 1;

        // Analytic: backward of L = Σ r·y, seeded with r.
        foreach (var t in inputs) t.Grad = null;
        var y = function();
        var seed = Tensor.Zeros(y.Shape);
        for (int i = 0; i < weights.Length; i++) seed.Span[i] = (float)weights[i];
        if (y.RequiresGrad) y.Backward(seed);

        var report = new StringBuilder();
        int failures = 0, checkedCount = 0;
        double maxError = 0;
        for (int ti = 0; ti < inputs.Count; ti++)
        {
            var x = inputs[ti];
            var analytic = x.Grad?.ToArray() ?? new float[x.Size];
            foreach (int idx in SampleIndices(x.Size, options.MaxElementsPerInput, random))
            {
                double numeric = Numeric(function, weights, x, idx, options.Step);
                double error = Math.Abs(analytic[idx] - numeric);
                double allowed = options.AbsoluteTolerance + options.RelativeTolerance * Math.Abs(numeric);
                maxError = Math.Max(maxError, error / allowed);
                checkedCount++;
                if (error > allowed && failures++ < 8)
                    report.Append($"\n  input {ti} ('{x.Name ?? "?"}', shape {x.Shape}) element {idx}: analytic {analytic[idx]:G6}, numeric {numeric:G6}, |diff| {error:G3} > {allowed:G3}");
            }
        }
        string summary = failures == 0
            ? $"GradCheck '{name}': {checkedCount} elements match (worst error {maxError:P0} of the tolerance)."
            : $"GradCheck '{name}': {failures} of {checkedCount} elements differ (rtol {options.RelativeTolerance}, atol {options.AbsoluteTolerance}):{report}";
        return new GradCheckResult(failures == 0, checkedCount, maxError, summary);
    }

    private static double Numeric(Func<Tensor> function, double[] weights, Tensor x, int idx, double h)
    {
        double D(double step)
        {
            var span = x.Span;
            float original = span[idx];
            span[idx] = (float)(original + step);
            double plus = Project(function(), weights);
            span[idx] = (float)(original - step);
            double minus = Project(function(), weights);
            span[idx] = original;
            // Divide by the step actually taken after rounding to float, not the nominal one.
            double taken = (double)(float)(original + step) - (float)(original - step);
            return (plus - minus) / taken;
        }
        using var _ = GradMode.Disable();
        return (4 * D(h / 2) - D(h)) / 3;
    }

    private static double Project(Tensor y, double[] weights)
    {
        double sum = 0;
        var s = y.ReadOnlySpan;
        for (int i = 0; i < s.Length; i++) sum += weights[i] * s[i];
        return sum;
    }

    private static IEnumerable<int> SampleIndices(int size, int max, Random random)
    {
        if (size <= max) return Enumerable.Range(0, size);
        var picked = new SortedSet<int>();
        while (picked.Count < max) picked.Add(random.Next(size));
        return picked;
    }
}

/// <summary>The outcome of a <see cref="GradCheck"/>.</summary>
/// <param name="Passed">True when every checked element was within tolerance.</param>
/// <param name="CheckedElements">How many input elements were compared.</param>
/// <param name="WorstErrorRatio">The largest |analytic − numeric| divided by its allowed error (≤ 1 passes).</param>
/// <param name="Report">A readable summary naming the mismatching inputs and elements.</param>
public sealed record GradCheckResult(bool Passed, int CheckedElements, double WorstErrorRatio, string Report)
{
    /// <inheritdoc/>
    public override string ToString() => Report;
}
