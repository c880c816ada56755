using System.Runtime.CompilerServices;
using System.Numerics;

namespace Harness.Core.Sites;

/// <summary>
/// The 64-bit hashes (<see cref="Utf8Cells.Hash"/>) of the ids seen so far, in an open-addressing
/// table of 8-byte slots at most 3/4 full: about 11 bytes per row instead of the ids themselves.
/// <see cref="Add"/> returning false means "probably seen": the caller re-checks exactly.
/// </summary>
internal sealed class IdHashSet
{
    private ulong[] _slots;
    private int _count;

    /// <param name="expected">The rows expected (sizes the table once, so that it rarely grows).</param>
    public IdHashSet(long expected) =>
        _slots = new ulong[BitOperations.RoundUpToPowerOf2((ulong)Math.Clamp(expected + expected / 3, 1024, 1L << 30))];

    /// <summary>Adds the hash; false when it was already there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Add(ulong hash)
    {
        if (hash == 0) hash = 1; // 0 marks an empty slot
        if (4L * (_count + 1) > 3L * _slots.Length) Grow();
        int mask = _slots.Length - 1;
        for (int i = (int)(hash & (ulong)mask); ; i = (i + 1) & mask)
        {
            if (_slots[i] == hash) return false;
            if (_slots[i] != 0) continue;
            _slots[i] = hash;
            _count++;
            return true;
        }
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new ulong[2 * old.Length];
        int mask = _slots.Length - 1;
        foreach (ulong hash in old)
        {
            if (hash == 0) continue;
            int i = (int)(hash & (ulong)mask);
            while (_slots[i] != 0) i = (i + 1) & mask;
            _slots[i] = hash;
        }
    }
}
