using System.Globalization;
using System.Numerics;

namespace Engine.Tensors;

/// <summary>
/// A small seedable pseudo-random generator whose state can be saved and restored exactly: xoshiro256**
/// (Blackman &amp; Vigna, https://prng.di.unimi.it/xoshiro256starstar.c), seeded through SplitMix64.
/// </summary>
/// <remarks>
/// <see cref="System.Random"/> cannot be serialised, so a training run that draws from it cannot be resumed
/// exactly. <see cref="Rng"/> derives from <see cref="Random"/> so every API that takes a <c>Random</c>
/// (initialisation, shuffling, noise) accepts it, and it overrides every virtual member so all draws come from the
/// 256-bit state in <see cref="State"/>: set the state back and the same numbers follow.
/// The sequence is fixed by this file, not by the .NET version, so seeded runs repeat across runtimes.
/// </remarks>
public sealed class Rng : Random
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator seeded from <paramref name="seed"/> (SplitMix64 expands it into the 256-bit state).</summary>
    public Rng(long seed)
    {
        ulong x = (ulong)seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>A generator that continues from a saved <paramref name="state"/>.</summary>
    /// <exception cref="ArgumentException">The state is all zeros (xoshiro would output zeros forever).</exception>
    public Rng(RngState state) => State = state;

    /// <summary>The full generator state; setting it makes the generator repeat the draws that followed it.</summary>
    /// <exception cref="ArgumentException">Set to the all-zero state.</exception>
    public RngState State
    {
        get => new(_s0, _s1, _s2, _s3);
        set
        {
            if ((value.S0 | value.S1 | value.S2 | value.S3) == 0)
                throw new ArgumentException("Rng: the all-zero state is not a valid xoshiro256** state.", nameof(value));
            (_s0, _s1, _s2, _s3) = (value.S0, value.S1, value.S2, value.S3);
        }
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform integer in [0, int.MaxValue).</summary>
    public override int Next()
    {
        while (true)
        {
            int value = (int)(NextUInt64() >> 33);
            if (value != int.MaxValue) return value;
        }
    }

    /// <summary>A uniform integer in [0, <paramref name="maxValue"/>); 0 when maxValue is 0.</summary>
    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)Below((ulong)maxValue);
    }

    /// <summary>A uniform integer in [<paramref name="minValue"/>, <paramref name="maxValue"/>).</summary>
    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (int)(minValue + (long)Below((ulong)((long)maxValue - minValue)));
    }

    /// <summary>A uniform integer in [0, long.MaxValue).</summary>
    public override long NextInt64()
    {
        while (true)
        {
            long value = (long)(NextUInt64() >> 1);
            if (value != long.MaxValue) return value;
        }
    }

    /// <summary>A uniform integer in [0, <paramref name="maxValue"/>).</summary>
    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (long)Below((ulong)maxValue);
    }

    /// <summary>A uniform integer in [<paramref name="minValue"/>, <paramref name="maxValue"/>).</summary>
    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (long)((ulong)minValue + Below((ulong)maxValue - (ulong)minValue));
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform float in [0, 1) with 24 random bits.</summary>
    public override float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Fills <paramref name="buffer"/> with random bytes.</summary>
    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        NextBytes(buffer.AsSpan());
    }

    /// <summary>Fills <paramref name="buffer"/> with random bytes, eight per draw, little-endian.</summary>
    public override void NextBytes(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i += 8)
        {
            ulong bits = NextUInt64();
            for (int j = i; j < Math.Min(i + 8, buffer.Length); j++, bits >>= 8)
                buffer[j] = (byte)bits;
        }
    }

    /// <summary>Same as <see cref="NextDouble"/>, so the base class's helpers draw from this generator too.</summary>
    protected override double Sample() => NextDouble();

    /// <summary>
    /// Uniform in [0, <paramref name="bound"/>) without modulo bias: Lemire's multiply-shift with rejection
    /// (https://arxiv.org/abs/1805.10941).
    /// </summary>
    private ulong Below(ulong bound)
    {
        if (bound == 0) return 0;
        ulong high = Math.BigMul(NextUInt64(), bound, out ulong low);
        if (low < bound)
        {
            ulong threshold = (0 - bound) % bound;
            while (low < threshold)
                high = Math.BigMul(NextUInt64(), bound, out low);
        }
        return high;
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>The 256-bit state of an <see cref="Rng"/>; <see cref="ToString"/> and <see cref="Parse"/> round-trip it.</summary>
public readonly record struct RngState(ulong S0, ulong S1, ulong S2, ulong S3)
{
    /// <summary>Four 16-digit hexadecimal words separated by '-'.</summary>
    public override string ToString() => $"{S0:x16}-{S1:x16}-{S2:x16}-{S3:x16}";

    /// <summary>Parses the form <see cref="ToString"/> writes.</summary>
    /// <exception cref="FormatException">Not four hexadecimal words of at most 16 digits.</exception>
    public static RngState Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] words = text.Split('-');
        var values = new ulong[4];
        bool valid = words.Length == 4;
        for (int i = 0; valid && i < 4; i++)
            valid = words[i].Length is > 0 and <= 16 &&
                    ulong.TryParse(words[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out values[i]);
        if (!valid)
            throw new FormatException($"RngState: '{text}' is not four hexadecimal words separated by '-'.");
        return new RngState(values[0], values[1], values[2], values[3]);
    }
}
