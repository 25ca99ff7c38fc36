using Engine.Kernels;

namespace Engine.Tests.Testing;

/// <summary>
/// Runs the kernels on a narrower <see cref="SimdPath"/> for the duration of a test (lowers
/// <c>Simd.Ceiling</c>, restores it on dispose), so an AVX-512 machine also tests the AVX2, Vector128 and scalar
/// kernels in the default run. The ceiling is process-wide: only classes in
/// <see cref="ParallelismCollection"/> (which runs alone) may use it.
/// </summary>
public sealed class SimdScope : IDisposable
{
    private readonly SimdPath _saved = Simd.Ceiling;

    private SimdScope(SimdPath ceiling) => Simd.Ceiling = ceiling;

    /// <summary>Every path, widest first (as theory data): the ones the machine lacks report "skipped".</summary>
    public static TheoryData<string> AllPaths => new(AllPathNames);

    /// <summary>The names of every path, widest first.</summary>
    public static IEnumerable<string> AllPathNames => Enum.GetNames<SimdPath>().Reverse();

    /// <summary>The paths this machine runs, widest first (as theory data).</summary>
    public static TheoryData<string> PathsHere => new(PathNamesHere);

    /// <summary>The names of the paths this machine runs, widest first.</summary>
    public static IEnumerable<string> PathNamesHere =>
        Enum.GetValues<SimdPath>().Where(p => p <= Simd.Hardware).Reverse().Select(p => p.ToString());

    /// <summary>
    /// Limits the kernels to <paramref name="path"/> (a <see cref="SimdPath"/> name); on a machine without that path
    /// the test is reported skipped, with the reason (never a silent pass).
    /// </summary>
    public static SimdScope Limit(string path) => Limit(Enum.Parse<SimdPath>(path));

    /// <inheritdoc cref="Limit(string)"/>
    internal static SimdScope Limit(SimdPath path)
    {
        if (path > Simd.Hardware)
            Assert.Skip($"This machine (or the runtime's ISA knobs) has no {path} path; the widest is {Simd.Hardware}.");
        return new SimdScope(path);
    }

    /// <summary>Restores the previous ceiling.</summary>
    public void Dispose() => Simd.Ceiling = _saved;
}
