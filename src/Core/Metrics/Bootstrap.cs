using System.Text;

namespace Harness.Core.Metrics;

/// <summary>
/// The stratified, cluster bootstrap: each resample draws, within each outcome stratum, as many
/// patients (clusters) as the stratum has, with replacement, and gives every row the number of
/// times its patient was drawn. A patient counts toward the class most of its rows have (ties:
/// the lowest class index), as in the training split. Resample b depends only on (seed, sample
/// key, b), never on thread scheduling, so intervals are reproducible.
/// </summary>
internal sealed class Bootstrap
{
    private readonly int[] _clusterOfRow;
    private readonly int[][] _strata; // cluster indices per stratum
    private readonly ulong _stream;

    public Bootstrap(int[] labels, int[]? clusters, int classCount, int seed, string sampleKey)
    {
        int n = labels.Length;
        _clusterOfRow = clusters ?? Enumerable.Range(0, n).ToArray();
        int clusterCount = n == 0 ? 0 : _clusterOfRow.Max() + 1;
        var classRows = new int[clusterCount, classCount];
        for (int i = 0; i < n; i++) classRows[_clusterOfRow[i], labels[i]]++;
        var strata = Enumerable.Range(0, classCount).Select(_ => new List<int>()).ToArray();
        for (int c = 0; c < clusterCount; c++)
        {
            int majority = -1, most = 0;
            for (int k = 0; k < classCount; k++)
                if (classRows[c, k] > most) (majority, most) = (k, classRows[c, k]);
            if (majority >= 0) strata[majority].Add(c);
        }
        _strata = strata.Where(s => s.Count > 0).Select(s => s.ToArray()).ToArray();
        ClusterCount = clusterCount;
        _stream = SplitMix64.Mix((ulong)(uint)seed ^ Fnv1a(sampleKey));
    }

    public int ClusterCount { get; }

    /// <summary>Fills <paramref name="weights"/> (one per row) for resample <paramref name="b"/>; <paramref name="counts"/> is scratch, one per cluster.</summary>
    public void Resample(int b, double[] weights, int[] counts)
    {
        Array.Clear(counts);
        var random = new SplitMix64(SplitMix64.Mix(_stream + (ulong)b * 0x9E3779B97F4A7C15UL));
        foreach (var stratum in _strata)
            for (int draw = 0; draw < stratum.Length; draw++)
                counts[stratum[random.Below((uint)stratum.Length)]]++;
        for (int i = 0; i < weights.Length; i++) weights[i] = counts[_clusterOfRow[i]];
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
