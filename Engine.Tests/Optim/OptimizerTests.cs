using Engine.Autodiff.Ops;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Tests.Optim;

[Trait("Layer", "Optim")]
public sealed class OptimizerTests
{
    private static Tensor Param(float value)
    {
        var t = Tensor.FromArray([value]);
        t.RequiresGrad = true;
        return t;
    }

    // One step on f(θ) = θ²/2, whose gradient is θ.
    private static void Step(Optimizer opt, Tensor theta)
    {
        opt.ZeroGrad();
        Op.Sum(theta * theta * 0.5f).Backward();
        opt.Step();
    }

    [Fact]
    public void Sgd_Momentum_MatchesHandComputedSteps()
    {
        // θ: 1 → b=1, θ=0.9 → b=0.9·1+0.9=1.8, θ=0.72 → b=1.62+0.72=2.34, θ=0.486
        var theta = Param(1f);
        var opt = new Sgd([theta], 0.1f, momentum: 0.9f);
        float[] expected = [0.9f, 0.72f, 0.486f];
        foreach (float e in expected)
        {
            Step(opt, theta);
            Assert.Equal(e, theta.Item(), 5);
        }
    }

    [Fact]
    public void Sgd_Nesterov_MatchesHandComputedSteps()
    {
        // step 1: g=1, b=1, g'=1+0.9·1=1.9, θ=0.81; step 2: g=0.81, b=0.9+0.81=1.71, g'=0.81+1.539=2.349, θ=0.5751
        var theta = Param(1f);
        var opt = new Sgd([theta], 0.1f, momentum: 0.9f, nesterov: true);
        Step(opt, theta);
        Assert.Equal(0.81f, theta.Item(), 5);
        Step(opt, theta);
        Assert.Equal(0.5751f, theta.Item(), 5);
    }

    [Fact]
    public void Sgd_WeightDecay_AddsLambdaTheta()
    {
        // g = θ + 0.5θ = 1.5 at θ=1, so θ = 1 − 0.1·1.5 = 0.85
        var theta = Param(1f);
        Step(new Sgd([theta], 0.1f, weightDecay: 0.5f), theta);
        Assert.Equal(0.85f, theta.Item(), 6);
    }

    [Fact]
    public void Adam_FirstStep_MovesByLearningRateTimesSign()
    {
        // After bias correction m̂ = g and v̂ = g², so the first step is lr·g/|g| = lr.
        var theta = Param(2f);
        Step(new Adam([theta], 0.1f), theta);
        Assert.Equal(1.9f, theta.Item(), 5);
    }

    [Fact]
    public void Adam_ThreeSteps_MatchThePaperInDouble()
    {
        var theta = Param(1f);
        var opt = new Adam([theta], 0.05f, 0.9f, 0.99f, 1e-8f);
        double t = 1, m = 0, v = 0;
        for (int step = 1; step <= 3; step++)
        {
            Step(opt, theta);
            double g = t;
            m = 0.9 * m + 0.1 * g;
            v = 0.99 * v + 0.01 * g * g;
            double mHat = m / (1 - Math.Pow(0.9, step)), vHat = v / (1 - Math.Pow(0.99, step));
            t -= 0.05 * mHat / (Math.Sqrt(vHat) + 1e-8);
            Assert.Equal(t, theta.Item(), 5);
        }
    }

    [Fact]
    public void AdamW_DecaysWeightsIndependentlyOfTheGradient()
    {
        // θ=1: decoupled shrink θ = 1 − 0.1·0.5·1 = 0.95, then the Adam step of size lr: 0.85.
        var theta = Param(1f);
        Step(new Adam([theta], 0.1f, weightDecay: 0.5f, decoupledWeightDecay: true), theta);
        Assert.Equal(0.85f, theta.Item(), 5);
    }

    [Fact]
    public void ClipByGlobalNorm_ScalesAllGradientsTogether()
    {
        var a = Param(3f);
        var b = Param(4f);
        Op.Sum(a * a * 0.5f + b * b * 0.5f).Backward(); // grads 3 and 4, norm 5
        float norm = GradClip.ClipByGlobalNorm([a, b], 1f);
        Assert.Equal(5f, norm, 5);
        Assert.Equal(0.6f, a.Grad!.Item(), 4);
        Assert.Equal(0.8f, b.Grad!.Item(), 4);
    }

    [Fact]
    public void Schedules_FollowTheirFormulas()
    {
        Assert.Equal(0.1f * 0.5f * 0.5f, new StepSchedule(0.1f, 2, 0.5f).At(5), 6);
        Assert.Equal(0.1f * MathF.Pow(0.9f, 3), new ExponentialSchedule(0.1f, 0.9f).At(3), 6);
        Assert.Equal(0.1f, new CosineSchedule(0.1f, 10).At(0), 6);
        Assert.Equal(0.05f, new CosineSchedule(0.1f, 10).At(5), 6);
        Assert.Equal(0f, new CosineSchedule(0.1f, 10).At(10), 6);
    }

    [Fact]
    public void WarmupCosine_RisesLinearly_ThenFallsAlongHalfACosine()
    {
        var schedule = new WarmupCosineSchedule(0.1f, 4, 14, 0.01f);
        Assert.Equal([0.025f, 0.05f, 0.075f, 0.1f], Enumerable.Range(0, 4).Select(schedule.At),
            new FloatTolerance(1e-7f));
        Assert.Equal(0.1f, schedule.At(4), 6); // the peak, where the cosine starts
        Assert.Equal(0.01f + 0.09f * 0.5f, schedule.At(9), 6); // half-way down
        Assert.Equal(0.01f, schedule.At(14), 6);
        Assert.Equal(0.01f, schedule.At(1000), 6); // stays at the floor after the end
        for (int e = 5; e < 20; e++)
            Assert.True(schedule.At(e) <= schedule.At(e - 1), $"epoch {e} rises after the peak");
        Assert.Equal(0.1f, new WarmupCosineSchedule(0.1f, 0, 10).At(0), 6); // no warm-up: starts at the peak
    }

    [Theory]
    [InlineData(0f, 1, 10, 0f, "baseRate")]
    [InlineData(float.NaN, 1, 10, 0f, "baseRate")]
    [InlineData(float.PositiveInfinity, 1, 10, 0f, "baseRate")]
    [InlineData(0.1f, -1, 10, 0f, "warmupEpochs")]
    [InlineData(0.1f, 10, 10, 0f, "totalEpochs")]
    [InlineData(0.1f, 1, 10, -0.01f, "minRate")]
    [InlineData(0.1f, 1, 10, 0.2f, "minRate")]
    [InlineData(0.1f, 1, 10, float.NaN, "minRate")]
    public void WarmupCosine_RejectsBadSettings_NamingThem(float rate, int warmup, int total, float min, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineSchedule(rate, warmup, total, min));
        Assert.Equal(name, e.ParamName);
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
