namespace Engine.Analysis;

internal static class SeedMix
{
    // A child seed from (seed, index) by SplitMix64 finalisation. HashCode.Combine would not do: it is randomised
    // per process, and models must be reproducible across runs.
    public static int Derive(int seed, int index)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }
}
