using System.Buffers;

namespace Harness.Core.Statistics;

/// <summary>
/// Scratch arrays for the statistics: from the shared pool when small (a bootstrap fits thousands
/// of small samples), plain allocations when large, so that a fit on millions of rows does not
/// leave its buffer in the pool, alive, for the rest of the run.
/// </summary>
internal static class Scratch<T>
{
    /// <summary>The longest array taken from (and given back to) the pool.</summary>
    public const int PooledUpTo = 1 << 16;

    public static T[] Rent(int length) => length <= PooledUpTo ? ArrayPool<T>.Shared.Rent(length) : GC.AllocateUninitializedArray<T>(length);

    public static void Return(T[] array)
    {
        if (array.Length <= PooledUpTo) ArrayPool<T>.Shared.Return(array);
    }
}
