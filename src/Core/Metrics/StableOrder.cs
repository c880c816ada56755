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
        if (InOrder(n, key, tieBreak)) return Enumerable.Range(0, n).ToArray(); // before allocating any key
        var packed = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            double k = key(i);
            float f = (float)k;
            if (!(f >= 0) || f != k) return ByTuples(n, key, tieBreak);
            packed[i] = ((ulong)BitConverter.SingleToUInt32Bits(f + 0f) << 32) | (uint)(tieBreak?[i] ?? i); // + 0f: -0 becomes +0
        }

        int[]? rowOf = null;
        if (tieBreak is not null)
        {
            rowOf = new int[n];
            for (int i = 0; i < n; i++) rowOf[tieBreak[i]] = i;
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

    /// <summary>Whether the rows already are in ascending order of (key, tie-break).</summary>
    private static bool InOrder(int n, Func<int, double> key, int[]? tieBreak)
    {
        double previous = n > 0 ? key(0) : 0;
        for (int i = 1; i < n; i++)
        {
            double k = key(i);
            if (!(k >= previous) || k == previous && (tieBreak?[i] ?? i) < (tieBreak?[i - 1] ?? i - 1)) return false;
            previous = k;
        }
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
