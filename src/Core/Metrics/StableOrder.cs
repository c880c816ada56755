namespace Harness.Core.Metrics;

/// <summary>
/// Rows in ascending order of a key, ties in ascending order of a tie-break index (a stable sort
/// when the tie-break is the row itself). Probabilities are float32 values at least 0, whose bit
/// patterns sort as the numbers do: such keys are packed with the tie-break into one 64-bit
/// integer, and one primitive sort orders them (several times faster than sorting tuples through
/// a comparer at a million rows); rows already in order (a binary sample in risk order, ranked by
/// risk) are not sorted at all. Any other key (negative, or not a float32) takes the tuple sort;
/// all give the same order.
/// </summary>
internal static class StableOrder
{
    /// <param name="tieBreak">Each row's tie-break index, distinct; null: the row itself.</param>
    public static int[] Ascending(int n, Func<int, double> key, int[]? tieBreak = null)
    {
        if (!TryPack(n, key, tieBreak, 0, out ulong previous)) return ByTuples(n, key, tieBreak);
        int sortedUpTo = 1;
        for (; sortedUpTo < n; sortedUpTo++)
        {
            if (!TryPack(n, key, tieBreak, sortedUpTo, out ulong packedKey)) return ByTuples(n, key, tieBreak);
            if (packedKey < previous) break;
            previous = packedKey;
        }
        if (sortedUpTo >= n) return Enumerable.Range(0, n).ToArray();

        var packed = new ulong[n];
        var rowOf = tieBreak is null ? null : new int[n];
        for (int i = 0; i < n; i++)
        {
            if (!TryPack(n, key, tieBreak, i, out packed[i])) return ByTuples(n, key, tieBreak);
            if (rowOf is not null) rowOf[tieBreak![i]] = i;
        }
        Array.Sort(packed);
        var order = new int[n];
        for (int k = 0; k < n; k++)
        {
            int tie = (int)(uint)packed[k];
            order[k] = rowOf is null ? tie : rowOf[tie];
        }
        return order;
    }

    /// <summary>Row <paramref name="i"/>'s key and tie-break as one integer; false when the key is not a float32 at least 0.</summary>
    private static bool TryPack(int n, Func<int, double> key, int[]? tieBreak, int i, out ulong packed)
    {
        packed = 0;
        if (n == 0) return true;
        double k = key(i);
        float f = (float)k;
        if (!(f >= 0) || f != k) return false;
        packed = ((ulong)BitConverter.SingleToUInt32Bits(f + 0f) << 32) | (uint)(tieBreak?[i] ?? i); // + 0f: -0 becomes +0
        return true;
    }

    private static int[] ByTuples(int n, Func<int, double> key, int[]? tieBreak)
    {
        var keys = new (double Key, int Tie, int Row)[n];
        for (int i = 0; i < n; i++) keys[i] = (key(i), tieBreak?[i] ?? i, i);
        Array.Sort(keys);
        return keys.Select(k => k.Row).ToArray();
    }
}
