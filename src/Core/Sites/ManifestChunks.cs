using System.Buffers;
using System.Security.Cryptography;

namespace Harness.Core.Sites;

/// <summary>Whole records of a manifest: <see cref="Length"/> bytes of <see cref="Buffer"/> (pooled), starting on line <see cref="FirstLine"/> at file offset <see cref="Offset"/>.</summary>
internal sealed record ManifestChunk(byte[] Buffer, int Length, long FirstLine, long Offset)
{
    public ReadOnlySpan<byte> Bytes => Buffer.AsSpan(0, Length);
    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}

/// <summary>
/// Cuts a manifest's bytes into chunks of whole records (never inside a quoted cell), hashing every
/// byte as it is read, so that the chunks can be parsed in parallel and the file is read once. A
/// record longer than a chunk makes the chunk grow. Chunks come in file order.
/// </summary>
internal sealed class ManifestChunks(Stream file, int chunkBytes = ManifestChunks.DefaultChunkBytes) : IDisposable
{
    public const int DefaultChunkBytes = 1 << 20;

    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[]? _pending; // bytes read past the last chunk's end: the start of the next record
    private int _pendingLength;
    private long _offset, _line = 1;
    private bool _eof;

    /// <summary>Lower-case hex SHA-256 of the file's bytes; only once every chunk was taken.</summary>
    public string Sha256Hex => _eof && _pendingLength == 0
        ? Convert.ToHexStringLower(_sha256.GetCurrentHash())
        : throw new InvalidOperationException("The file has not been read to its end.");

    /// <summary>The next chunk, or null at the end of the file. I/O errors propagate.</summary>
    public ManifestChunk? Next()
    {
        if (_eof && _pendingLength == 0) return null;
        byte[] buffer = _pending ?? ArrayPool<byte>.Shared.Rent(chunkBytes);
        int length = _pendingLength;
        _pending = null;
        _pendingLength = 0;
        while (true)
        {
            while (length < buffer.Length && !_eof)
            {
                int read = file.Read(buffer, length, buffer.Length - length);
                if (read == 0) _eof = true;
                else
                {
                    _sha256.AppendData(buffer, length, read);
                    length += read;
                }
            }
            int end = _eof ? length : LastRecordEnd(buffer.AsSpan(0, length));
            if (end > 0 || _eof) return Cut(buffer, length, end);
            var bigger = ArrayPool<byte>.Shared.Rent(2 * buffer.Length); // one record longer than the buffer
            buffer.AsSpan(0, length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = bigger;
        }
    }

    private ManifestChunk? Cut(byte[] buffer, int length, int end)
    {
        if (length > end)
        {
            _pending = ArrayPool<byte>.Shared.Rent(Math.Max(chunkBytes, length - end));
            buffer.AsSpan(end, length - end).CopyTo(_pending);
            _pendingLength = length - end;
        }
        if (end == 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return null;
        }
        var chunk = new ManifestChunk(buffer, end, _line, _offset);
        _line += LineBreaks(buffer.AsSpan(0, end));
        _offset += end;
        return chunk;
    }

    /// <summary>Where the last whole record of <paramref name="data"/> (which starts at a record) ends; 0 when none ends in it.</summary>
    internal static int LastRecordEnd(ReadOnlySpan<byte> data)
    {
        if (!data.Contains((byte)'"'))
        {
            int newline = data.LastIndexOf((byte)'\n');
            if (newline >= 0) return newline + 1;
            int cr = data.LastIndexOf((byte)'\r'); // a lone CR ends a record too, unless it may be the first half of CRLF
            return cr >= 0 && cr < data.Length - 1 ? cr + 1 : 0;
        }
        bool quoted = false;
        int end = 0;
        for (int i = 0; i < data.Length; i++)
        {
            int next = data[i..].IndexOfAny(QuoteOrBreak);
            if (next < 0) break;
            i += next;
            if (data[i] == (byte)'"') quoted = !quoted; // a doubled quote toggles twice
            else if (quoted) continue;
            else if (data[i] == (byte)'\n') end = i + 1;
            else if (i + 1 < data.Length) end = data[i + 1] == (byte)'\n' ? ++i + 1 : i + 1;
        }
        return end;
    }

    private static readonly SearchValues<byte> QuoteOrBreak = SearchValues.Create("\"\n\r"u8);

    /// <summary>Line breaks in <paramref name="bytes"/>: LF, CRLF and a lone CR each count once.</summary>
    internal static int LineBreaks(ReadOnlySpan<byte> bytes)
    {
        int breaks = bytes.Count((byte)'\n');
        for (int cr = bytes.IndexOf((byte)'\r'); cr >= 0;)
        {
            if (cr + 1 == bytes.Length || bytes[cr + 1] != (byte)'\n') breaks++;
            int next = bytes[(cr + 1)..].IndexOf((byte)'\r');
            cr = next < 0 ? -1 : cr + 1 + next;
        }
        return breaks;
    }

    public void Dispose()
    {
        if (_pending is not null) ArrayPool<byte>.Shared.Return(_pending);
        _pending = null;
        _sha256.Dispose();
        file.Dispose();
    }
}
