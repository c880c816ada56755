using System.Buffers;

namespace Harness.Core.Inputs;

/// <summary>
/// One example file's bytes in a pooled buffer: decoding thousands of files reuses a few buffers
/// instead of allocating one per file. Dispose returns the buffer.
/// </summary>
internal readonly struct ExampleBytes : IDisposable
{
    private ExampleBytes(byte[] buffer, int length)
    {
        Buffer = buffer;
        Length = length;
    }

    /// <summary>The pooled array; only the first <see cref="Length"/> bytes are the file's.</summary>
    public byte[] Buffer { get; }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

    /// <summary>
    /// Reads the whole file. A missing file, a folder, a pipe or device, a file too large to hold and
    /// the operating system's refusals are input errors naming the file as <paramref name="shown"/>.
    /// </summary>
    public static ExampleBytes Read(string file, string shown)
    {
        try
        {
            UserPaths.RequireRegularFile(file, "Point the manifest's path column at ordinary files.", shown);
        }
        catch (InputException) when (Directory.Exists(file))
        {
            throw new InputException("is a folder, not a file.", "Point the manifest's path column at one file per example.", shown);
        }
        byte[]? buffer = null;
        try
        {
            using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.Read);
            long size = RandomAccess.GetLength(handle);
            if (size > Array.MaxLength)
                throw new InputException($"is {size:N0} bytes, more than one example file may hold.", "Check that the path names the right file.", shown);
            buffer = ArrayPool<byte>.Shared.Rent((int)size);
            int length = 0;
            for (int read; length < size && (read = RandomAccess.Read(handle, buffer.AsSpan(length, (int)size - length), length)) > 0;)
                length += read;
            return new ExampleBytes(buffer, length);
        }
        catch (Exception e) when (UserPaths.IsRefusal(e))
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
            if (e is FileNotFoundException or DirectoryNotFoundException)
                throw PathDisplay.NotUtf8(file, "file") ?? new InputException("file not found.",
                    "Check the manifest's path column: paths are relative to the site folder and case-sensitive.", shown);
            throw UserPaths.Refused("cannot read the file", e, "Check its permissions (for example chmod a+r).", shown);
        }
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(Buffer);
}
