namespace Engine.Bench.Quick;

/// <summary>One quick-mode workload: a name, the floating-point operations of one call, and the call.</summary>
public sealed record QuickWorkload(string Name, double Flops, Action Run);
