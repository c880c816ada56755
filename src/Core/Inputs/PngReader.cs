using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Harness.Core.Inputs;

/// <summary>A decoded PNG: samples row-major with channels interleaved (R, G, B, R, ...), each at most 2^BitDepth - 1.</summary>
public sealed record PngImage(int Width, int Height, int Channels, int BitDepth, ushort[] Samples);

/// <summary>
/// Reads the PNG files Harness accepts as images (ISO/IEC 15948), the counterpart of <see cref="PngWriter"/>:
/// 8- or 16-bit greyscale or RGB, not interlaced, any of the five scanline filters, the image data
/// in one or more IDAT chunks. Every chunk's CRC is checked, so a damaged file is an error rather
/// than a silently different picture. Palettes, alpha, 1/2/4-bit samples, interlacing and critical
/// chunks the standard does not define are refused with the re-save that fixes them; ancillary
/// chunks (text, gamma, physical size) are skipped.
/// </summary>
public static class PngReader
{
    /// <summary>Reads a PNG file; what it cannot read is an <see cref="InputException"/> naming the file.</summary>
    public static PngImage Read(string path)
    {
        string shown = PathDisplay.Of(path);
        using var bytes = ExampleBytes.Read(path, shown);
        return Read(bytes.Buffer, bytes.Length, shown);
    }

    /// <summary>Reads a PNG held in memory; <paramref name="shownAs"/> names it in errors.</summary>
    public static PngImage Read(ReadOnlySpan<byte> png, string? shownAs = null) => Read(png.ToArray(), png.Length, shownAs);

    /// <summary>Reads a PNG from the rest of <paramref name="png"/>; <paramref name="shownAs"/> names it in errors.</summary>
    public static PngImage Read(Stream png, string? shownAs = null)
    {
        using var copy = new MemoryStream();
        png.CopyTo(copy);
        return Read(copy.GetBuffer(), (int)copy.Length, shownAs);
    }

    private static PngImage Read(byte[] png, int length, string? shown)
    {
        var header = ReadHeader(png.AsSpan(0, length), shown);
        var samples = new ushort[header.Width * header.Height * header.Channels];
        using var rows = Inflate(png, length, header, shown);
        int perRow = header.Width * header.Channels;
        for (int y = 0; y < header.Height; y++)
        {
            var row = rows.Row(y);
            var target = samples.AsSpan(y * perRow, perRow);
            if (header.BitDepth == 8)
                for (int i = 0; i < perRow; i++) target[i] = row[i];
            else
                for (int i = 0; i < perRow; i++) target[i] = BinaryPrimitives.ReadUInt16BigEndian(row[(2 * i)..]);
        }
        return new PngImage(header.Width, header.Height, header.Channels, header.BitDepth, samples);
    }

    /// <summary>
    /// Checks the signature and the IHDR chunk that must come first, refusing what Harness does not
    /// read. Needs only the first 33 bytes, so a file can be described without inflating it.
    /// </summary>
    internal static PngHeader ReadHeader(ReadOnlySpan<byte> png, string? shown)
    {
        if (png.Length < PngWriter.Signature.Length || !png[..PngWriter.Signature.Length].SequenceEqual(PngWriter.Signature))
            throw new InputException("is not a PNG file (its first bytes are not the PNG signature).",
                "Save the images as PNG (a renamed JPEG or DICOM file is not one).", shown);
        int at = PngWriter.Signature.Length;
        var ihdr = NextChunk(png, ref at, shown);
        if (ihdr.Type != Ihdr || ihdr.Data.Length != 13)
            throw new InputException("the PNG does not start with a valid IHDR chunk.", Resave, shown);
        var d = ihdr.Data;
        int width = BinaryPrimitives.ReadInt32BigEndian(d), height = BinaryPrimitives.ReadInt32BigEndian(d[4..]);
        int bitDepth = d[8], colourType = d[9];
        if (width < 1 || height < 1)
            throw new InputException($"the PNG header gives a size of {width} x {height} pixels.", Resave, shown);
        (string Problem, string Fix)? refusal = colourType switch
        {
            0 or 2 => null,
            3 => ("the PNG uses a palette (indexed colour).", "Save it as greyscale or RGB, without a palette."),
            4 => ("the PNG is greyscale with an alpha channel.", "Save without alpha."),
            6 => ("the PNG is RGB with an alpha channel (RGBA).", "Save without alpha."),
            _ => ($"the PNG header gives colour type {colourType}, which the standard does not define.", Resave),
        };
        refusal ??= bitDepth switch
        {
            8 or 16 => null,
            1 or 2 or 4 => ($"the PNG has {bitDepth}-bit samples.", "Save it with 8 or 16 bits per sample."),
            _ => ($"the PNG header gives a bit depth of {bitDepth}, which the standard does not define.", Resave),
        };
        refusal ??= (d[10], d[11], d[12]) switch
        {
            (0, 0, 0) => null,
            (0, 0, 1) => ("the PNG is interlaced (Adam7).", "Save without interlacing."),
            _ => ("the PNG header names an unknown compression, filter or interlace method.", Resave),
        };
        if (refusal is var (problem, fix)) throw new InputException(problem, fix, shown);
        long bytes = (long)width * height * (colourType == 0 ? 1 : 3) * (bitDepth / 8);
        if (bytes > Array.MaxLength / 2)
            throw new InputException($"the PNG is {width} x {height} pixels, too large to hold.", "Resize the images as the training images were.", shown);
        return new PngHeader(width, height, colourType == 0 ? 1 : 3, bitDepth);
    }

    /// <summary>
    /// Walks every chunk after IHDR (checking each CRC), inflates the concatenated IDAT data and
    /// undoes the scanline filters. <paramref name="png"/> is overwritten: the IDAT data is moved
    /// together in place, so no second copy of the file is made.
    /// </summary>
    internal static PngRows Inflate(byte[] png, int length, PngHeader header, string? shown)
    {
        int at = PngWriter.Signature.Length;
        NextChunk(png.AsSpan(0, length), ref at, shown); // IHDR, read by ReadHeader
        int packed = 0; // IDAT bytes gathered at the start of png
        bool ended = false;
        while (!ended)
        {
            if (at >= length)
                throw new InputException("the PNG ends before its IEND chunk (the file is truncated).", CopyAgain, shown);
            var chunk = NextChunk(png.AsSpan(0, length), ref at, shown);
            switch (chunk.Type)
            {
                case Idat:
                    chunk.Data.CopyTo(png.AsSpan(packed)); // never ahead of the data still to be read
                    packed += chunk.Data.Length;
                    break;
                case Iend:
                    ended = true;
                    break;
                case Ihdr:
                    throw new InputException("the PNG has a second IHDR chunk.", Resave, shown);
                case Plte: // a suggested palette for an RGB image: a viewer's hint, not the samples
                    break;
                default:
                    if ((chunk.Type >> 29 & 1) == 0) // bit 5 of the first letter clear: critical, must be understood
                        throw new InputException($"the PNG holds a critical chunk '{TypeName(chunk.Type)}' that Harness cannot read.",
                            "Re-save the image as a plain greyscale or RGB PNG.", shown);
                    break;
            }
        }
        if (packed == 0)
            throw new InputException("the PNG has no image data (no IDAT chunk).", CopyAgain, shown);

        int rowBytes = header.Stride + 1;
        var raw = ArrayPool<byte>.Shared.Rent(rowBytes * header.Height);
        try
        {
            using (var zlib = new ZLibStream(new MemoryStream(png, 0, packed, writable: false), CompressionMode.Decompress))
            {
                for (int filled = 0, want = rowBytes * header.Height; filled < want;)
                {
                    int read = zlib.Read(raw, filled, want - filled);
                    if (read == 0)
                        throw new InputException("the PNG's image data ends early (the file is truncated or was written incompletely).",
                            CopyAgain, shown);
                    filled += read;
                }
            }
            Unfilter(raw, header, shown);
            return new PngRows(raw, rowBytes);
        }
        catch (InvalidDataException)
        {
            ArrayPool<byte>.Shared.Return(raw);
            throw new InputException("the PNG's compressed image data is corrupt.", CopyAgain, shown);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(raw);
            throw;
        }
    }

    /// <summary>Reverses each scanline's filter in place (ISO/IEC 15948 section 9); each row's first byte names its filter.</summary>
    private static void Unfilter(byte[] raw, PngHeader header, string? shown)
    {
        int stride = header.Stride, step = header.Channels * header.BitDepth / 8; // bytes per pixel: the left neighbour's distance
        Span<byte> previous = [];
        for (int y = 0; y < header.Height; y++)
        {
            int start = y * (stride + 1);
            var row = raw.AsSpan(start + 1, stride);
            byte filter = raw[start];
            switch (filter)
            {
                case 0:
                    break;
                case 1: // Sub
                    for (int i = step; i < stride; i++) row[i] += row[i - step];
                    break;
                case 2: // Up
                    if (y > 0) for (int i = 0; i < stride; i++) row[i] += previous[i];
                    break;
                case 3: // Average
                    for (int i = 0; i < stride; i++)
                        row[i] += (byte)(((i >= step ? row[i - step] : 0) + (y > 0 ? previous[i] : 0)) >> 1);
                    break;
                case 4: // Paeth
                    for (int i = 0; i < stride; i++)
                    {
                        int a = i >= step ? row[i - step] : 0, b = y > 0 ? previous[i] : 0, c = i >= step && y > 0 ? previous[i - step] : 0;
                        row[i] += (byte)Paeth(a, b, c);
                    }
                    break;
                default:
                    throw new InputException($"row {y + 1} of the PNG names filter type {filter}; the standard defines 0 to 4.",
                        CopyAgain, shown);
            }
            previous = row;
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private const string Resave = "Re-save the image with a standard PNG writer.", CopyAgain = "Copy or export the image again.";

    private const uint Ihdr = 0x49484452, Plte = 0x504C5445, Idat = 0x49444154, Iend = 0x49454E44;

    private readonly ref struct Chunk(uint type, ReadOnlySpan<byte> data)
    {
        public uint Type { get; } = type;
        public ReadOnlySpan<byte> Data { get; } = data;
    }

    /// <summary>The chunk at <paramref name="at"/>, its CRC checked; moves <paramref name="at"/> past it.</summary>
    private static Chunk NextChunk(ReadOnlySpan<byte> png, ref int at, string? shown)
    {
        if (png.Length - at < 12)
            throw new InputException("the PNG ends inside a chunk (the file is truncated).", CopyAgain, shown);
        uint size = BinaryPrimitives.ReadUInt32BigEndian(png[at..]);
        if (size > int.MaxValue || size > png.Length - at - 12)
            throw new InputException("the PNG ends inside a chunk (the file is truncated).", CopyAgain, shown);
        var typeAndData = png.Slice(at + 4, 4 + (int)size);
        uint type = BinaryPrimitives.ReadUInt32BigEndian(typeAndData);
        uint stored = BinaryPrimitives.ReadUInt32BigEndian(png[(at + 8 + (int)size)..]);
        if ((Crc32.Update(Crc32.Initial, typeAndData) ^ 0xFFFFFFFFu) != stored)
            throw new InputException($"the PNG's {TypeName(type)} chunk fails its CRC check (the file is damaged).",
                CopyAgain, shown);
        at += 12 + (int)size;
        return new Chunk(type, typeAndData[4..]);
    }

    private static string TypeName(uint type) =>
        string.Concat(Enumerable.Range(0, 4).Select(i => (char)(type >> (24 - 8 * i) & 0xFF) is var c && c is >= ' ' and <= '~' ? c : '?'));
}

/// <summary>What IHDR says about an accepted PNG.</summary>
internal readonly record struct PngHeader(int Width, int Height, int Channels, int BitDepth)
{
    /// <summary>Bytes of samples per row, without the filter byte.</summary>
    public int Stride => Width * Channels * BitDepth / 8;
}

/// <summary>The unfiltered rows of a PNG in a pooled buffer (each led by its filter byte); Dispose returns it.</summary>
internal readonly struct PngRows(byte[] raw, int rowBytes) : IDisposable
{
    /// <summary>Row <paramref name="y"/>'s samples, big-endian where 16-bit.</summary>
    public ReadOnlySpan<byte> Row(int y) => raw.AsSpan(y * rowBytes + 1, rowBytes - 1);

    public void Dispose() => ArrayPool<byte>.Shared.Return(raw);
}
