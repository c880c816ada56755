using Harness.Core.Metrics;

namespace Harness.Tests.Metrics;

/// <summary>The packed-key sort against a plain stable sort of (key, tie-break) pairs through LINQ's OrderBy.</summary>
public sealed class StableOrderTests
{
    private static int[] Expected(double[] keys, int[]? tieBreak) =>
        Enumerable.Range(0, keys.Length).OrderBy(i => keys[i]).ThenBy(i => tieBreak?[i] ?? i).ToArray();

    [Theory]
    [InlineData(0)]    // probabilities: float32 values in [0, 1], many ties
    [InlineData(1)]    // already ascending: returned without sorting
    [InlineData(2)]    // a negative key: the tuple sort
    [InlineData(3)]    // a key that is not a float32: the tuple sort
    [InlineData(4)]    // float32 keys of every magnitude (subnormal to infinite): every radix digit varies
    [InlineData(5)]    // float32 keys in [1, 1.001): the top digit is the same throughout, its pass skipped
    public void Orders_as_a_stable_sort_by_key_then_tie_break(int kind)
    {
        var rng = new Random(kind);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = rng.Next(0, 3000);
            var keys = Enumerable.Range(0, n).Select(_ => (double)(float)Math.Round(rng.NextDouble(), rng.Next(1, 4))).ToArray();
            if (kind == 4) keys = keys.Select(_ => (double)BitConverter.UInt32BitsToSingle((uint)rng.Next(0, 0x7F800001))).ToArray();
            if (kind == 4 && n > 2) keys[1] = keys[2]; // a tie
            if (kind == 5) keys = keys.Select(k => (double)(float)(1 + k / 1000)).ToArray();
            if (kind == 1) Array.Sort(keys);
            if (kind == 2 && n > 0) keys[rng.Next(n)] = -0.5;
            if (kind == 3 && n > 0) keys[rng.Next(n)] = 0.1;
            if (n > 1 && kind != 5 && rng.Next(2) == 0) keys[0] = -0.0; // negative zero equals zero
            int[]? tieBreak = rng.Next(2) == 0 ? null : Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToArray();

            Assert.Equal(Expected(keys, tieBreak), StableOrder.Ascending(n, i => keys[i], tieBreak));
        }
    }
}
