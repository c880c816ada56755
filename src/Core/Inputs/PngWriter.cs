using System.Buffers.Binary;
using System.IO.Compression;

namespace Harness.Core.Inputs;

/// <summary>
/// Writes PNG files (ISO/IEC 15948): 8- or 16-bit, grey or RGB, no interlacing, every scanline with
/// filter 0 (None), the image data one zlib stream. Samples are row-major with channels interleaved
/// (R, G, B, R, ...), each at most 2^bitDepth - 1.
/// </summary>
public static class PngWriter
{
    internal static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static void Write(string path, int width, int height, int channels, int bitDepth, ReadOnlySpan<ushort> samples)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        Write(file, width, height, channels, bitDepth, samples);
    }

    public static void Write(Stream output, int width, int height, int channels, int bitDepth, ReadOnlySpan<ushort> samples)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), "Grey (1) or RGB (3).");
        if (bitDepth is not (8 or 16)) throw new ArgumentOutOfRangeException(nameof(bitDepth), "8 or 16 bits.");
        if (width < 1 || height < 1 || samples.Length != width * height * channels)
            throw new ArgumentException($"{width} x {height} x {channels} samples expected, {samples.Length} given.", nameof(samples));
        int bytesPerSample = bitDepth / 8, max = (1 << bitDepth) - 1;

        output.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = (byte)bitDepth;
        header[9] = (byte)(channels == 1 ? 0 : 2); // colour type: greyscale or truecolour
        header[10] = header[11] = header[12] = 0; // deflate, adaptive filtering, no interlace
        WriteChunk(output, "IHDR", header);

        int stride = width * channels * bytesPerSample;
        using var raw = new MemoryStream();
        using (var zlib = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            var line = new byte[1 + stride]; // filter byte 0, then the samples, big-endian
            for (int y = 0; y < height; y++)
            {
                var row = samples.Slice(y * width * channels, width * channels);
                for (int i = 0; i < row.Length; i++)
                {
                    if (row[i] > max) throw new ArgumentException($"sample {row[i]} exceeds {max} at {bitDepth} bits.", nameof(samples));
                    if (bytesPerSample == 1) line[1 + i] = (byte)row[i];
                    else BinaryPrimitives.WriteUInt16BigEndian(line.AsSpan(1 + 2 * i), row[i]);
                }
                zlib.Write(line);
            }
        }
        WriteChunk(output, "IDAT", raw.GetBuffer().AsSpan(0, (int)raw.Length));
        WriteChunk(output, "IEND", []);
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        Span<byte> typeBytes = [(byte)type[0], (byte)type[1], (byte)type[2], (byte)type[3]];
        output.Write(typeBytes);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Update(Crc32.Update(Crc32.Initial, typeBytes), data) ^ 0xFFFFFFFFu);
        output.Write(word);
    }
}

/// <summary>The CRC-32 PNG chunks carry (ISO 3309 / ITU-T V.42 polynomial, reflected: 0xEDB88320).</summary>
internal static class Crc32
{
    public const uint Initial = 0xFFFFFFFFu;

    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>Runs the register over <paramref name="bytes"/>; the CRC is the final register XOR 0xFFFFFFFF.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }
}
