using BenchmarkDotNet.Running;
using Engine.Bench.Quick;

// `quick [--threads N] [--filter TEXT]` prints one line per workload in under a minute (for scripts such as
// peers/peer_bench.py); anything else goes to BenchmarkDotNet's switcher.
if (args is ["word2vec", ..])
{
    Engine.Bench.Word2VecCheck.Run(args[1..]);
    return 0;
}
if (args is ["analysis-check", ..])
    return Engine.Bench.AnalysisCheck.Run(args[1..]);
if (args is ["peak", ..])
    return Engine.Bench.PeakFlops.Run(args[1..]);
if (args is ["ae-profile", ..])
    return Engine.Bench.AutoencoderStepProfile.Run(args[1..]);
if (args.Length > 0 && args[0] == "quick")
    return QuickRunner.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(QuickRunner).Assembly).Run(args);
return 0;
