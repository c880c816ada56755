using System.Buffers;
using System.Security.Cryptography;
using System.Text.Unicode;

namespace Harness.Core.Sites;

/// <summary>
/// A manifest's bytes on their way to the CSV parser: each byte is hashed (so the manifest is
/// hashed in the pass that parses it, not read twice) and checked to be UTF-8. The parser would
/// turn an invalid byte into U+FFFD, so a Latin-1 header 'âge' would become a feature named
/// '\ufffdge'; instead the first invalid byte is an error naming its line and offset.
/// </summary>
internal sealed class ManifestStream(Stream inner, string file) : Stream
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _carried = new byte[4]; // the start of a character split across reads
    private int _carriedCount;
    private long _line = 1, _offset, _lineStart; // line of the next byte to check; offsets in the file
    private bool _atEnd;

    /// <summary>Lower-case hex SHA-256 of all bytes read; only after the whole stream was read.</summary>
    public string Sha256Hex => _atEnd
        ? Convert.ToHexStringLower(_sha256.GetCurrentHash())
        : throw new InvalidOperationException("The stream has not been read to its end.");

    public override int Read(byte[] buffer, int offset, int count) => Checked(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override int Read(Span<byte> buffer) => Checked(buffer[..inner.Read(buffer)]);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await inner.ReadAsync(buffer, cancellationToken);
        return Checked(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Checked(ReadOnlySpan<byte> read)
    {
        if (read.IsEmpty) _atEnd = true;
        else _sha256.AppendData(read);
        if (_carriedCount == 0) CheckUtf8(read);
        else
        {
            // Rare: a character split across two reads is checked with what came before it.
            var joined = new byte[_carriedCount + read.Length];
            _carried.AsSpan(0, _carriedCount).CopyTo(joined);
            read.CopyTo(joined.AsSpan(_carriedCount));
            _offset -= _carriedCount;
            _carriedCount = 0;
            CheckUtf8(joined);
        }
        return read.Length;
    }

    private void CheckUtf8(ReadOnlySpan<byte> bytes)
    {
        char[] scratch = ArrayPool<char>.Shared.Rent(Math.Max(bytes.Length, 1));
        try
        {
            var status = Utf8.ToUtf16(bytes, scratch, out int valid, out _, replaceInvalidSequences: false, isFinalBlock: _atEnd);
            Advance(bytes[..valid]);
            if (status == OperationStatus.NeedMoreData)
            {
                bytes[valid..].CopyTo(_carried);
                _carriedCount = bytes.Length - valid;
                _offset += _carriedCount;
            }
            else if (status == OperationStatus.InvalidData)
                throw new InputException(
                    $"byte {_offset - _lineStart + 1} of this line (offset {_offset} in the file, 0x{bytes[valid]:X2}) is not valid UTF-8; the manifest must be UTF-8.",
                    "Save it as UTF-8 (a spreadsheet's 'CSV UTF-8', or iconv -f latin1 -t utf-8 manifest.csv).", file, _line);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(scratch);
        }
    }

    /// <summary>Moves past valid bytes, counting lines.</summary>
    private void Advance(ReadOnlySpan<byte> valid)
    {
        int newlines = valid.Count((byte)'\n');
        if (newlines > 0)
        {
            _line += newlines;
            _lineStart = _offset + valid.LastIndexOf((byte)'\n') + 1;
        }
        _offset += valid.Length;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _sha256.Dispose();
        }
        base.Dispose(disposing);
    }
}
