using System.Security.Cryptography;

namespace Harness.Core.Sites;

/// <summary>
/// Passes reads through and hashes every byte on the way, so a manifest is hashed in the same
/// pass that parses it rather than read a second time. The digest exists once the end is reached.
/// </summary>
internal sealed class HashingReadStream(Stream inner) : Stream
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _atEnd;

    /// <summary>Lower-case hex SHA-256 of all bytes read; only after the whole stream was read.</summary>
    public string Sha256Hex => _atEnd
        ? Convert.ToHexStringLower(_sha256.GetCurrentHash())
        : throw new InvalidOperationException("The stream has not been read to its end.");

    public override int Read(byte[] buffer, int offset, int count) => Hashed(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override int Read(Span<byte> buffer) => Hashed(buffer[..inner.Read(buffer)]);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await inner.ReadAsync(buffer, cancellationToken);
        return Hashed(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Hashed(ReadOnlySpan<byte> read)
    {
        if (read.IsEmpty) _atEnd = true;
        else _sha256.AppendData(read);
        return read.Length;
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
