using System.Numerics;
using System.Runtime.CompilerServices;

namespace Engine.Kernels;

// Legend: L = elements of one parameter. gradient (L) -> theta, m, v (L), updated in place.
// Per element, Kingma & Ba's Algorithm 1 as Optim/Adam.cs always computed it (so results are unchanged, bit for bit):
//   g = gradient (+ λ·θ for Adam's L2 decay);  θ = θ − (lr·λ)·θ for AdamW's decoupled decay
//   m = β₁·m + (1 − β₁)·g;  v = β₂·v + (1 − β₂)·g·g;  θ = θ − lr·(m / c₁) / (√(v / c₂) + ε),  cᵢ = 1 − βᵢᵗ (float).

/// <summary>The per-step scalars of one Adam update, computed once per step (the bias corrections in double).</summary>
internal readonly struct AdamStep
{
    /// <summary>Computes the scalars of step <paramref name="step"/> (1-based).</summary>
    public AdamStep(float learningRate, float beta1, float beta2, float epsilon, float weightDecay, bool decoupled,
        long step)
    {
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        OneMinusBeta1 = 1f - beta1;
        OneMinusBeta2 = 1f - beta2;
        Epsilon = epsilon;
        Correction1 = 1f - MathF.Pow(beta1, step);
        Correction2 = 1f - MathF.Pow(beta2, step);
        L2 = decoupled ? 0f : weightDecay;
        DecoupledDecay = decoupled ? learningRate * weightDecay : 0f;
    }

    public float LearningRate { get; }
    public float Beta1 { get; }
    public float Beta2 { get; }
    public float OneMinusBeta1 { get; }
    public float OneMinusBeta2 { get; }
    public float Epsilon { get; }
    public float Correction1 { get; }
    public float Correction2 { get; }

    /// <summary>λ of Adam's L2 decay, added to the gradient (0 for AdamW or no decay).</summary>
    public float L2 { get; }

    /// <summary>AdamW's lr·λ, subtracted as θ −= (lr·λ)·θ (0 for Adam).</summary>
    public float DecoupledDecay { get; }
}

/// <summary>
/// The fused Adam update: one pass over a parameter reads θ, g, m, v once and writes θ, m, v once.
/// The SIMD path uses only lane-wise IEEE operations (no fused multiply-add), so it is bitwise identical to
/// <see cref="UpdateReference"/> and to itself on any thread count.
/// </summary>
internal static unsafe class AdamUpdate
{
    // Elements per parallel task: large enough that waking a worker pays (a few microseconds of work each).
    private const int BlockSize = 1 << 15;

    /// <summary>Updates θ, m and v in place from the gradient, splitting long parameters across threads.</summary>
    public static void Update(ReadOnlySpan<float> gradient, in AdamStep step, Span<float> theta, Span<float> m,
        Span<float> v)
    {
        CheckLengths(gradient, theta, m, v);
        int blocks = (theta.Length + BlockSize - 1) / BlockSize;
        int tasks = Math.Min(Math.Min(Parallelism.MaxThreads, WorkerPool.MaxParallelism), blocks);
        if (tasks <= 1)
        {
            UpdateRange(gradient, step, theta, m, v);
            return;
        }
        fixed (float* g = gradient, t = theta, pm = m, pv = v)
        {
            var job = AdamJob.Current;
            job.Set(g, t, pm, pv, theta.Length, tasks, step);
            WorkerPool.Run(tasks, job);
        }
    }

    /// <summary>The scalar reference of <see cref="Update"/>: the same formula, one element at a time.</summary>
    public static void UpdateReference(ReadOnlySpan<float> gradient, in AdamStep step, Span<float> theta,
        Span<float> m, Span<float> v)
    {
        CheckLengths(gradient, theta, m, v);
        for (int i = 0; i < theta.Length; i++)
            UpdateOne(gradient, step, theta, m, v, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateOne(ReadOnlySpan<float> gradient, in AdamStep s, Span<float> theta, Span<float> m,
        Span<float> v, int i)
    {
        float t = theta[i] - s.DecoupledDecay * theta[i];
        float g = gradient[i] + s.L2 * theta[i];
        float mi = s.Beta1 * m[i] + s.OneMinusBeta1 * g;
        float vi = s.Beta2 * v[i] + s.OneMinusBeta2 * g * g;
        m[i] = mi;
        v[i] = vi;
        theta[i] = t - s.LearningRate * (mi / s.Correction1) / (MathF.Sqrt(vi / s.Correction2) + s.Epsilon);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UpdateRange(ReadOnlySpan<float> gradient, in AdamStep s, Span<float> theta, Span<float> m,
        Span<float> v)
    {
        int width = Vector<float>.Count, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var beta1 = new Vector<float>(s.Beta1);
            var beta2 = new Vector<float>(s.Beta2);
            var oneMinusBeta1 = new Vector<float>(s.OneMinusBeta1);
            var oneMinusBeta2 = new Vector<float>(s.OneMinusBeta2);
            var l2 = new Vector<float>(s.L2);
            var decay = new Vector<float>(s.DecoupledDecay);
            var lr = new Vector<float>(s.LearningRate);
            var c1 = new Vector<float>(s.Correction1);
            var c2 = new Vector<float>(s.Correction2);
            var eps = new Vector<float>(s.Epsilon);
            for (; i <= theta.Length - width; i += width)
            {
                var t0 = new Vector<float>(theta[i..]);
                var t = t0 - decay * t0;
                var g = new Vector<float>(gradient[i..]) + l2 * t0;
                var mi = beta1 * new Vector<float>(m[i..]) + oneMinusBeta1 * g;
                var vi = beta2 * new Vector<float>(v[i..]) + oneMinusBeta2 * g * g;
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                (t - lr * (mi / c1) / (Vector.SquareRoot(vi / c2) + eps)).CopyTo(theta[i..]);
            }
        }
        for (; i < theta.Length; i++)
            UpdateOne(gradient, s, theta, m, v, i);
    }

    private static void CheckLengths(ReadOnlySpan<float> gradient, Span<float> theta, Span<float> m, Span<float> v)
    {
        if (gradient.Length != theta.Length || m.Length != theta.Length || v.Length != theta.Length)
            throw new ArgumentException(
                $"Adam: gradient, θ, m and v must have one length; got {gradient.Length}, {theta.Length}, {m.Length}, {v.Length}.");
    }

    // Task i updates elements [L·i/tasks, L·(i+1)/tasks); elements are independent, so any split gives the same bits.
    private sealed class AdamJob : IWorkerTask
    {
        [ThreadStatic]
        private static AdamJob? _current;

        private float* _gradient, _theta, _m, _v;
        private int _length, _tasks;
        private AdamStep _step;

        public static AdamJob Current => _current ??= new AdamJob();

        public void Set(float* gradient, float* theta, float* m, float* v, int length, int tasks, in AdamStep step)
        {
            _gradient = gradient;
            _theta = theta;
            _m = m;
            _v = v;
            _length = length;
            _tasks = tasks;
            _step = step;
        }

        public void Execute(int index)
        {
            int start = (int)((long)_length * index / _tasks), count = (int)((long)_length * (index + 1) / _tasks) - start;
            UpdateRange(new ReadOnlySpan<float>(_gradient + start, count), _step, new Span<float>(_theta + start, count),
                new Span<float>(_m + start, count), new Span<float>(_v + start, count));
        }
    }
}
