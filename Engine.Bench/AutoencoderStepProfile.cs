using System.Globalization;
using Engine.Bench.Quick;
using Engine.Kernels;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Bench;

/// <summary>
/// <c>ae-profile [--steps N] [--threads N]</c>: where the time of one dense-autoencoder training step goes
/// (the <c>ae-step</c> workload), split into zero-grad, forward + loss, backward and the Adam step, in process CPU
/// time per step (median over rounds). A bench-only harness for finding the big items, not a benchmark.
/// </summary>
public static class AutoencoderStepProfile
{
    private const int Rounds = 7;

    /// <summary>Runs the profile with the arguments after <c>ae-profile</c>.</summary>
    public static int Run(string[] args)
    {
        int steps = 100, threads = 1;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--steps") steps = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            else if (args[i] == "--threads") threads = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            else
            {
                Console.Error.WriteLine($"ae-profile: unknown argument '{args[i]}'. Usage: ae-profile [--steps N] [--threads N]");
                return 2;
            }
        }
        Parallelism.MaxThreads = threads;
        var model = new DenseAutoencoder(DenseAutoencoderOptions.Reference(), new Random(1));
        var optimizer = new Adam(model.Parameters());
        var batch = Tensor.Uniform(new Random(2), 0, 1, 128, 784);
        var noise = new Random(3);
        string[] phases = ["zero-grad", "forward+loss", "backward", "adam", "total"];
        var samples = phases.Select(_ => new double[Rounds]).ToArray();
        for (int round = -1; round < Rounds; round++)
        {
            var sums = new long[phases.Length];
            for (int s = 0; s < steps; s++)
            {
                using var scope = TensorScope.Begin();
                long t0 = CpuClock.Nanoseconds();
                optimizer.ZeroGrad();
                long t1 = CpuClock.Nanoseconds();
                var loss = model.Loss(batch, noise).Total;
                long t2 = CpuClock.Nanoseconds();
                loss.Backward();
                long t3 = CpuClock.Nanoseconds();
                optimizer.Step();
                long t4 = CpuClock.Nanoseconds();
                sums[0] += t1 - t0;
                sums[1] += t2 - t1;
                sums[2] += t3 - t2;
                sums[3] += t4 - t3;
                sums[4] += t4 - t0;
            }
            if (round < 0) continue; // the first round warms up the JIT tiers and the tensor pool
            for (int p = 0; p < phases.Length; p++) samples[p][round] = sums[p] / 1e6 / steps;
        }
        for (int p = 0; p < phases.Length; p++)
        {
            Array.Sort(samples[p]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"phase={phases[p]} threads={threads} ms={samples[p][Rounds / 2]:0.000} min={samples[p][0]:0.000} max={samples[p][^1]:0.000}"));
        }
        return 0;
    }
}
