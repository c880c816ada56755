using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Harness.Core.Metrics;

/// <summary>
/// The stratified, cluster bootstrap: each resample draws, within each outcome stratum, as many
/// patients (clusters) as the stratum has, with replacement, and gives every row the number of
/// times its patient was drawn. A patient counts toward the class most of its rows have (ties:
/// the lowest class index), as in the training split. Resample b depends only on (seed, sample
/// key, b), never on thread scheduling or on the resamples drawn beside it, so intervals are
/// reproducible.
/// <para>
/// The draw counts are made without n random memory updates (the slowest part at a million rows):
/// every patient first gets an independent Poisson(1) count (Hanley &amp; MacGibbon 2006), eight at a
/// time from a counter-based hash of (resample, patient); then each stratum is brought to exactly
/// its size: a stratum that drew T &lt; m patients draws m - T more uniformly, one that drew T &gt; m
/// loses T - m draws, each chosen uniformly among its draws (pick a patient uniformly, keep the pick
/// with probability count / the largest possible count). Given T, Poisson counts are
/// multinomial(T, uniform), and adding or removing uniformly chosen draws keeps them multinomial,
/// so the counts are exactly those of m draws with replacement (up to the 2^-32 resolution of the
/// Poisson thresholds).
/// </para>
/// <para>
/// Counts are kept by position: the patients of each stratum side by side, so a stratum's draws
/// are one contiguous sum. <see cref="PositionOfRow"/> maps each row to its patient's position.
/// </para>
/// </summary>
internal sealed class Bootstrap
{
    private readonly (int Start, int Length)[] _strata; // positions of each stratum's patients
    private readonly ulong _stream;

    public Bootstrap(int[] labels, int[]? clusters, int classCount, int seed, string sampleKey)
    {
        int n = labels.Length;
        int[] clusterOfRow = clusters ?? Enumerable.Range(0, n).ToArray();
        int clusterCount = n == 0 ? 0 : clusterOfRow.Max() + 1;
        var classRows = new int[clusterCount, classCount];
        for (int i = 0; i < n; i++) classRows[clusterOfRow[i], labels[i]]++;
        var strata = Enumerable.Range(0, classCount).Select(_ => new List<int>()).ToArray();
        var orphans = new List<int>(); // cluster indices without rows: never drawn
        for (int c = 0; c < clusterCount; c++)
        {
            int majority = -1, most = 0;
            for (int k = 0; k < classCount; k++)
                if (classRows[c, k] > most) (majority, most) = (k, classRows[c, k]);
            (majority >= 0 ? strata[majority] : orphans).Add(c);
        }
        var positionOfCluster = new int[clusterCount];
        int position = 0;
        var ranges = new List<(int, int)>();
        foreach (var stratum in strata.Where(s => s.Count > 0))
        {
            ranges.Add((position, stratum.Count));
            foreach (int c in stratum) positionOfCluster[c] = position++;
        }
        Positions = position; // the orphans' positions would follow; they have no rows and no counts
        _strata = ranges.ToArray();
        PositionOfRow = clusterOfRow.Select(c => positionOfCluster[c]).ToArray();
        _stream = SplitMix64.Mix((ulong)(uint)seed ^ Fnv1a(sampleKey));
    }

    /// <summary>How many patients can be drawn: the number of counts per resample.</summary>
    public int Positions { get; }

    /// <summary>Each row's patient's position among the counts.</summary>
    public int[] PositionOfRow { get; }

    /// <summary>
    /// Fills <paramref name="counts"/> with how many times resamples <paramref name="first"/> to
    /// <paramref name="first"/> + <paramref name="lanes"/> - 1 draw each patient, interleaved: the
    /// count at position p in resample first + l is at p * lanes + l (lanes: 1, 2, 4 or 8). A byte
    /// holds any count a stratum below 256 patients can give; larger strata would need a patient drawn
    /// 256 times (probability below 1/256!), which is refused rather than wrapped.
    /// </summary>
    public void Draw(int first, int lanes, byte[] counts)
    {
        if (lanes is not (1 or 2 or 4 or 8) || counts.Length != Positions * lanes)
            throw new ArgumentException($"1, 2, 4 or 8 lanes of {Positions} counts are needed.", nameof(counts));
        var keys = new ulong[lanes];
        for (int l = 0; l < lanes; l++) keys[l] = SplitMix64.Mix(_stream + (ulong)(first + l) * 0x9E3779B97F4A7C15UL);
        var random = keys.Select(key => new SplitMix64(SplitMix64.Mix(key ^ 0xD1B54A32D192ED03UL))).ToArray();
        foreach (var (start, length) in _strata)
        {
            long[] drawn = PoissonCounts(keys, counts, start, start + length);
            for (int l = 0; l < lanes; l++) Correct(ref random[l], drawn[l], counts, lanes, l, start, length);
        }
    }

    /// <summary>Brings one stratum of one lane from <paramref name="drawn"/> draws to exactly its number of patients.</summary>
    private static void Correct(ref SplitMix64 random, long drawn, byte[] counts, int lanes, int lane, int start, int length)
    {
        for (; drawn < length; drawn++)
            if (++counts[(start + (int)random.Below((uint)length)) * lanes + lane] == 0)
                throw new InvalidOperationException("A bootstrap resample drew one patient 256 times.");
        while (drawn > length)
        {
            ref byte count = ref counts[(start + (int)random.Below((uint)length)) * lanes + lane];
            if (random.Below((uint)PoissonThresholds.Length) < count) // no Poisson count exceeds this
            {
                count--;
                drawn--;
            }
        }
    }

    /// <summary>Each row's weight in resample <paramref name="b"/>: its patient's draw count; <paramref name="counts"/> is scratch, one per position.</summary>
    public void Resample(int b, byte[] weights, byte[] counts)
    {
        Draw(b, 1, counts);
        for (int i = 0; i < weights.Length; i++) weights[i] = counts[PositionOfRow[i]];
    }

    /// <summary>Poisson(1) inverse-CDF thresholds on a 32-bit uniform: count = how many of them it reaches.</summary>
    private static readonly uint[] PoissonThresholds = MakePoissonThresholds();

    /// <summary>Counts below this are 99.6% of all; the thresholds above are checked only when some element needs them.</summary>
    private const int CommonCounts = 5;

    private static uint[] MakePoissonThresholds()
    {
        var thresholds = new List<uint>();
        double probability = Math.Exp(-1), cumulative = 0;
        for (int k = 0; ; k++)
        {
            cumulative += probability;
            probability /= k + 1;
            double threshold = Math.Round(cumulative * 4294967296.0);
            if (threshold >= uint.MaxValue) return thresholds.ToArray();
            thresholds.Add((uint)threshold);
        }
    }

    /// <summary>
    /// Independent Poisson(1) counts at positions [<paramref name="start"/>, <paramref name="end"/>) of
    /// every lane, from a hash of (lane's key, position), eight counts per step; returns each lane's sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call: small samples never warm it up
    private static long[] PoissonCounts(ulong[] keys, byte[] counts, int start, int end)
    {
        int lanes = keys.Length;
        var sums = new long[lanes];
        uint[] thresholds = PoissonThresholds;
        int p = start;
        if (Vector256.IsHardwareAccelerated)
        {
            // Element e of a step holds position p + e / lanes in lane e % lanes.
            var flip = Vector256.Create(0x80000000u); // unsigned order through a signed comparison
            var limits = new Vector256<int>[thresholds.Length];
            for (int t = 0; t < thresholds.Length; t++) limits[t] = Vector256.Create(thresholds[t] ^ 0x80000000u).AsInt32();
            var (offsets, k1, k2) = (new uint[8], new uint[8], new uint[8]);
            for (int e = 0; e < 8; e++) (offsets[e], k1[e], k2[e]) = ((uint)(e / lanes), (uint)keys[e % lanes], (uint)(keys[e % lanes] >> 32));
            var (offset, key1, key2) = (Vector256.Create(offsets), Vector256.Create(k1), Vector256.Create(k2));
            var sum = Vector256<int>.Zero;
            for (int step = 8 / lanes; p + step <= end; p += step)
            {
                var u = (Hash(Hash((Vector256.Create((uint)p) + offset) ^ key1) + key2) ^ flip).AsInt32();
                var count = Vector256<int>.Zero;
                for (int t = 0; t < CommonCounts; t++) count -= Vector256.GreaterThanOrEqual(u, limits[t]); // true is -1
                if (Vector256.GreaterThanOrEqualAny(u, limits[CommonCounts])) // a count of 5 or more somewhere: 3% of steps
                    for (int t = CommonCounts; t < limits.Length; t++) count -= Vector256.GreaterThanOrEqual(u, limits[t]);
                sum += count; // an element adds at most one per threshold and step: no overflow below 10^8 patients
                var narrow = Vector128.Narrow(Vector128.Narrow(count.GetLower().AsUInt32(), count.GetUpper().AsUInt32()), Vector128<ushort>.Zero);
                Unsafe.WriteUnaligned(ref counts[p * lanes], narrow.AsUInt64().ToScalar());
            }
            for (int e = 0; e < 8; e++) sums[e % lanes] += sum[e];
        }
        for (; p < end; p++)
            for (int l = 0; l < lanes; l++)
            {
                uint u = Hash(Hash((uint)p ^ (uint)keys[l]) + (uint)(keys[l] >> 32));
                int count = 0;
                foreach (uint threshold in thresholds) count += u >= threshold ? 1 : 0;
                counts[p * lanes + l] = (byte)count;
                sums[l] += count;
            }
        return sums;
    }

    /// <summary>Wellons's lowbias32 integer hash (two rounds of it, keyed between them, make each patient's uniform).</summary>
    private static uint Hash(uint x)
    {
        x ^= x >> 16;
        x *= 0x7feb352d;
        x ^= x >> 15;
        x *= 0x846ca68b;
        return x ^ (x >> 16);
    }

    private static Vector256<uint> Hash(Vector256<uint> x)
    {
        x ^= x >>> 16;
        x *= 0x7feb352du;
        x ^= x >>> 15;
        x *= 0x846ca68bu;
        return x ^ (x >>> 16);
    }

    private static ulong Fnv1a(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text)) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }

    /// <summary>Steele, Lea &amp; Flood's SplitMix64: fast, and statistically sound for resampling.</summary>
    private struct SplitMix64(ulong state)
    {
        public static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public ulong Next() => Mix(state += 0x9E3779B97F4A7C15UL);

        /// <summary>Uniform in [0, bound): Lemire's multiply-high (bias below bound / 2^64).</summary>
        public uint Below(uint bound) => (uint)Math.BigMul(Next(), bound, out _);
    }
}
