namespace Harness.Core;

/// <summary>
/// A list of numbers that grows by adding chunks (1,024 items doubling up to 2^20), never by copying
/// what it holds, so that at n items it holds at most one chunk of slack; <see cref="MoveToArray"/>
/// hands the items over as one array. What a site's scorer keeps per row.
/// </summary>
public sealed class ChunkedList<T> where T : unmanaged
{
    private const int FirstChunk = 1 << 10, LargestChunk = 1 << 20;
    private readonly List<T[]> _chunks = [];
    private int _inLast; // items in the last chunk

    public long Count { get; private set; }

    public void Add(T item)
    {
        if (_chunks.Count == 0 || _inLast == _chunks[^1].Length) NewChunk();
        _chunks[^1][_inLast++] = item;
        Count++;
    }

    public void AddRange(ReadOnlySpan<T> items)
    {
        while (!items.IsEmpty)
        {
            if (_chunks.Count == 0 || _inLast == _chunks[^1].Length) NewChunk();
            int n = Math.Min(items.Length, _chunks[^1].Length - _inLast);
            items[..n].CopyTo(_chunks[^1].AsSpan(_inLast));
            _inLast += n;
            Count += n;
            items = items[n..];
        }
    }

    private void NewChunk()
    {
        _chunks.Add(new T[_chunks.Count == 0 ? FirstChunk : Math.Min(2 * _chunks[^1].Length, LargestChunk)]);
        _inLast = 0;
    }

    /// <summary>The items as one array; the list is empty afterwards.</summary>
    public T[] MoveToArray()
    {
        var all = new T[Count];
        long at = 0;
        for (int c = 0; c < _chunks.Count; c++)
        {
            int n = c == _chunks.Count - 1 ? _inLast : _chunks[c].Length;
            _chunks[c].AsSpan(0, n).CopyTo(all.AsSpan((int)at));
            at += n;
        }
        _chunks.Clear();
        _inLast = 0;
        Count = 0;
        return all;
    }
}
