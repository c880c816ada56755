namespace Harness.Synth;

/// <summary>
/// The generators' random numbers: xoshiro256** (Blackman and Vigna, 2018) seeded through SplitMix64.
/// Written out here, not System.Random, so that a seed gives the same cohort on every .NET version;
/// every example draws from its own stream (<see cref="For"/>), so examples do not depend on each
/// other's draws and can be made in any order.
/// </summary>
internal sealed class SynthRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    public SynthRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>The stream named by a path of numbers (seed, kind, site, row, ...): different paths give unrelated streams.</summary>
    public static SynthRandom For(params ReadOnlySpan<long> path) => new(Key(path));

    /// <summary>The 64-bit key of a path of numbers, as <see cref="For"/> seeds from it.</summary>
    public static ulong Key(params ReadOnlySpan<long> path)
    {
        ulong key = 0x9E3779B97F4A7C15UL;
        foreach (long part in path)
        {
            key ^= (ulong)part;
            key = SplitMix(ref key);
        }
        return key;
    }

    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9, t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1), 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform on 0 .. <paramref name="count"/> - 1 (Lemire's multiply-shift; its bias is below 2^-32 for the counts used here).</summary>
    public int NextInt(int count) => (int)(((NextUInt64() >> 32) * (ulong)count) >> 32);

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>Standard normal (Marsaglia's polar method; the second value of each pair is kept for the next call).</summary>
    public double Normal()
    {
        if (_spareNormal is double spare)
        {
            _spareNormal = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareNormal = v * factor;
        return u * factor;
    }

    public double Normal(double mean, double sd) => mean + sd * Normal();

    /// <summary>Picks an index with the given probabilities (which sum to 1).</summary>
    public int Choice(ReadOnlySpan<double> probabilities)
    {
        double u = NextDouble();
        for (int i = 0; i < probabilities.Length - 1; i++)
        {
            u -= probabilities[i];
            if (u < 0) return i;
        }
        return probabilities.Length - 1;
    }

    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
