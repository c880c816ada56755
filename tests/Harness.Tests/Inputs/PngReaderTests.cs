using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Harness.Core;
using Harness.Core.Inputs;
using Harness.Tests.Sites;
using Harness.Tests.Support;

namespace Harness.Tests.Inputs;

public sealed class PngReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The encoder kept beside these tests, which shares nothing with Harness (zlib, struct, numpy).</summary>
    private static readonly string Encoder = Path.Combine(RepoPaths.Root, "tests", "Harness.Tests", "Inputs", "png_encoder.py");

    private JsonArray EncodeFixtures()
    {
        var (exit, output) = ExternalTools.Run(ExternalTools.Python!, Encoder, _temp.Path);
        Assert.True(exit == 0, output);
        return JsonNode.Parse(output)!.AsArray();
    }

    [PythonFact("numpy")]
    public void Images_from_an_independent_encoder_decode_to_its_samples_with_every_filter_depth_and_colour()
    {
        // Given PNGs written by numpy + zlib, each row under another filter, in three IDAT chunks after ancillary chunks
        var fixtures = EncodeFixtures();
        Assert.Equal(7, fixtures.Count);

        foreach (var fixture in fixtures)
        {
            // When read
            var image = PngReader.Read(fixture!["file"]!.GetValue<string>());

            // Then the size, channels, depth and every sample are the encoder's, exactly
            Assert.Equal(fixture["width"]!.GetValue<int>(), image.Width);
            Assert.Equal(fixture["height"]!.GetValue<int>(), image.Height);
            Assert.Equal(fixture["channels"]!.GetValue<int>(), image.Channels);
            Assert.Equal(fixture["bitDepth"]!.GetValue<int>(), image.BitDepth);
            Assert.Equal(InlinePython.Longs(fixture["samples"]).Select(v => (ushort)v).ToArray(), image.Samples);
        }
    }

    [PythonFact("numpy")]
    public void The_image_decoder_gives_numpys_float32_sample_over_maximum_channel_major_at_8_and_16_bits()
    {
        // Given the independent fixtures and, for each, numpy's float32(sample) / float32(2^bits - 1) in [C, H, W] order
        foreach (var fixture in EncodeFixtures())
        {
            int channels = fixture!["channels"]!.GetValue<int>();
            var decoder = InputDecoders.For(new InputSpec
            {
                Kind = InputKind.Image,
                Channels = channels == 1 ? [InputSpec.Grey] : InputSpec.Rgb,
                Height = fixture["height"]!.GetValue<int>(),
                Width = fixture["width"]!.GetValue<int>(),
            });
            var decoded = new float[decoder.Size];

            // When decoded
            decoder.Decode(fixture["file"]!.GetValue<string>(), decoded);

            // Then equal to numpy's: both are one correctly rounded float32 division (tolerance 0)
            Assert.Equal(InlinePython.Doubles(fixture["floats"]).Select(v => (float)v).ToArray(), decoded);
        }
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(3, 8)]
    [InlineData(1, 16)]
    [InlineData(3, 16)]
    public void What_PngWriter_writes_reads_back_unchanged(int channels, int bitDepth)
    {
        // Given random samples over the whole range, written by PngWriter
        var random = new Random(channels * 100 + bitDepth);
        int width = 9, height = 4;
        var samples = Enumerable.Range(0, width * height * channels).Select(_ => (ushort)random.Next(1 << bitDepth)).ToArray();
        string path = _temp.Combine("written.png");
        PngWriter.Write(path, width, height, channels, bitDepth, samples);

        // When read / Then
        var image = PngReader.Read(path);
        Assert.Equal((width, height, channels, bitDepth), (image.Width, image.Height, image.Channels, image.BitDepth));
        Assert.Equal(samples, image.Samples);
    }

    [Fact]
    public void Describe_gives_an_images_channels_and_size()
    {
        // Given a 16-bit RGB image 5 wide and 3 high, and an 8-bit grey one
        string rgb = _temp.Combine("rgb.png"), grey = _temp.Combine("grey.png");
        PngWriter.Write(rgb, 5, 3, 3, 16, new ushort[45]);
        PngWriter.Write(grey, 2, 7, 1, 8, new ushort[14]);

        // When described / Then
        var spec = InputDecoders.Describe(rgb, InputKind.Image);
        Assert.Equal((InputKind.Image, 3, 5), (spec.Kind, spec.Height!.Value, spec.Width!.Value));
        Assert.Equal(InputSpec.Rgb, spec.Channels);
        var greySpec = InputDecoders.Describe(grey, InputKind.Image);
        Assert.Equal([InputSpec.Grey], greySpec.Channels);
        Assert.Equal((7, 2), (greySpec.Height!.Value, greySpec.Width!.Value));
    }

    // ------------------------------------------------------------------ damaged files

    [Fact]
    public void A_corrupt_byte_in_the_image_data_fails_the_CRC_check_naming_the_file()
    {
        // Given a valid PNG with one byte of its IDAT data changed
        var png = Valid();
        var idat = ChunksAt(png).Single(c => c.Type == "IDAT");
        png[idat.Offset + 8 + idat.Data.Length / 2] ^= 0x10;

        // When read / Then
        var e = ReadFails(png);
        Assert.Contains("IDAT chunk fails its CRC check", e.Problem);
    }

    [Fact]
    public void A_corrupt_stored_CRC_is_an_error_too()
    {
        // Given a valid PNG whose IHDR CRC has one bit flipped
        var png = Valid();
        png[8 + 8 + 13] ^= 0x01;

        // When read / Then
        Assert.Contains("IHDR chunk fails its CRC check", ReadFails(png).Problem);
    }

    [Theory]
    [InlineData(4, "not a PNG file")]
    [InlineData(20, "ends inside a chunk")]
    [InlineData(40, "ends inside a chunk")]
    [InlineData(-12, "ends before its IEND chunk")]
    public void A_truncated_file_is_an_error_saying_so(int keep, string expected)
    {
        // Given a valid PNG cut short (a negative count: that many bytes off the end)
        var png = Valid();
        var cut = png[..(keep > 0 ? keep : png.Length + keep)];

        // When read / Then
        Assert.Contains(expected, ReadFails(cut).Problem);
    }

    [Fact]
    public void Image_data_that_ends_early_inside_valid_chunks_is_an_error()
    {
        // Given a PNG whose zlib stream holds only the first of its rows, in a chunk with a correct CRC
        var rows = new byte[(1 + 4) * 1];
        var png = Build(Ihdr(4, 3, 0, 8), ("IDAT", Deflate(rows)), ("IEND", []));

        // When read / Then
        Assert.Contains("ends early", ReadFails(png).Problem);
    }

    [Fact]
    public void An_undefined_filter_type_is_an_error_naming_the_row()
    {
        // Given a 2 x 2 grey PNG whose second row names filter 7
        var png = Build(Ihdr(2, 2, 0, 8), ("IDAT", Deflate([0, 1, 2, 7, 3, 4])), ("IEND", []));

        // When read / Then
        Assert.Contains("row 2 of the PNG names filter type 7", ReadFails(png).Problem);
    }

    // ------------------------------------------------------------------ what Harness refuses

    [Theory]
    [InlineData(3, 8, 0, "palette", "without a palette")]
    [InlineData(4, 8, 0, "alpha channel", "Save without alpha")]
    [InlineData(6, 8, 0, "alpha channel (RGBA)", "Save without alpha")]
    [InlineData(6, 16, 0, "alpha channel (RGBA)", "Save without alpha")]
    [InlineData(0, 1, 0, "1-bit samples", "8 or 16 bits")]
    [InlineData(0, 2, 0, "2-bit samples", "8 or 16 bits")]
    [InlineData(0, 4, 0, "4-bit samples", "8 or 16 bits")]
    [InlineData(2, 8, 1, "interlaced", "Save without interlacing")]
    [InlineData(0, 8, 1, "interlaced", "Save without interlacing")]
    [InlineData(5, 8, 0, "colour type 5", "standard PNG writer")]
    [InlineData(0, 12, 0, "bit depth of 12", "standard PNG writer")]
    public void Formats_Harness_does_not_read_are_refused_with_the_resave_that_fixes_them(int colourType, int bitDepth, int interlace, string problem, string fix)
    {
        // Given a PNG whose header declares the format
        var png = Build(Ihdr(4, 4, colourType, bitDepth, interlace), ("IDAT", Deflate(new byte[64])), ("IEND", []));

        // When read / Then
        var e = ReadFails(png);
        Assert.Contains(problem, e.Problem);
        Assert.Contains(fix, e.Fix);
    }

    [Fact]
    public void An_unknown_critical_chunk_is_refused_and_an_unknown_ancillary_one_is_skipped()
    {
        // Given a valid PNG with an ancillary chunk 'quIt' and one with a critical chunk 'QUIT' added before the data
        var valid = Chunks(Valid());
        var withAncillary = Build([valid[0], ("quIt", [1, 2, 3]), .. valid[1..]]);
        var withCritical = Build([valid[0], ("QUIT", [1, 2, 3]), .. valid[1..]]);

        // When read / Then
        Assert.Equal(PngReader.Read(Valid()).Samples, PngReader.Read(withAncillary).Samples);
        var e = ReadFails(withCritical);
        Assert.Contains("critical chunk 'QUIT'", e.Problem);
    }

    [Fact]
    public void A_file_that_is_not_a_PNG_is_refused()
    {
        // Given a JPEG's first bytes in a file named .png
        string path = _temp.Combine("photo.png");
        File.WriteAllBytes(path, [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0]);

        // When read / Then the error names the file
        var e = Assert.Throws<InputException>(() => PngReader.Read(path));
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal(PathDisplay.Of(path), e.File);
        Assert.Contains("not a PNG file", e.Problem);
    }

    [Fact]
    public void A_missing_file_is_an_input_error_naming_it()
    {
        string path = _temp.Combine("absent.png");
        var e = Assert.Throws<InputException>(() => PngReader.Read(path));
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal(PathDisplay.Of(path), e.File);
        Assert.Contains("not found", e.Problem);
    }

    // ------------------------------------------------------------------ the image decoder's checks against the spec

    [Fact]
    public void An_image_of_another_size_is_an_error_giving_both_sizes()
    {
        // Given a 128 x 96 image and a model reading 64 x 64
        string path = _temp.Combine("big.png");
        PngWriter.Write(path, 128, 96, 1, 8, new ushort[128 * 96]);
        var decoder = InputDecoders.For(new InputSpec { Kind = InputKind.Image, Channels = [InputSpec.Grey], Height = 64, Width = 64 });

        // When decoded / Then
        var e = Assert.Throws<InputException>(() => decoder.Decode(path, new float[decoder.Size]));
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal(PathDisplay.Of(path), e.File);
        Assert.Equal("is 128 x 96 pixels; the model reads 64 x 64.", e.Problem);
        Assert.Contains("Resize the images as the training images were", e.Fix);
    }

    [Theory]
    [InlineData(3, 1, "is RGB; the model reads greyscale images.")]
    [InlineData(1, 3, "is greyscale; the model reads RGB images.")]
    public void Grey_and_RGB_must_match_the_spec(int fileChannels, int specChannels, string problem)
    {
        // Given a 4 x 4 image with one colour model and a spec with the other
        string path = _temp.Combine("image.png");
        PngWriter.Write(path, 4, 4, fileChannels, 8, new ushort[16 * fileChannels]);
        var decoder = InputDecoders.For(new InputSpec
        {
            Kind = InputKind.Image,
            Channels = specChannels == 1 ? [InputSpec.Grey] : InputSpec.Rgb,
            Height = 4,
            Width = 4,
        });

        // When decoded / Then
        var e = Assert.Throws<InputException>(() => decoder.Decode(path, new float[decoder.Size]));
        Assert.Equal(problem, e.Problem);
    }

    // ------------------------------------------------------------------ helpers: PNGs made to order

    private static InputException ReadFails(byte[] png)
    {
        var e = Assert.Throws<InputException>(() => PngReader.Read(png, "image.png"));
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal("image.png", e.File);
        return e;
    }

    /// <summary>A 3 x 2 RGB 8-bit PNG from PngWriter.</summary>
    private static byte[] Valid()
    {
        using var stream = new MemoryStream();
        PngWriter.Write(stream, 3, 2, 3, 8, Enumerable.Range(0, 18).Select(i => (ushort)(i * 13)).ToArray());
        return stream.ToArray();
    }

    private static (string Type, byte[] Data) Ihdr(int width, int height, int colourType, int bitDepth, int interlace = 0)
    {
        var data = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(data, width);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), height);
        (data[8], data[9], data[12]) = ((byte)bitDepth, (byte)colourType, (byte)interlace);
        return ("IHDR", data);
    }

    private static byte[] Deflate(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true)) zlib.Write(raw);
        return output.ToArray();
    }

    /// <summary>The signature, then each chunk with its length and CRC.</summary>
    private static byte[] Build(params (string Type, byte[] Data)[] chunks)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> word = stackalloc byte[4];
        foreach (var (type, data) in chunks)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
            output.Write(word);
            byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
            output.Write(typeAndData);
            BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Update(Crc32.Initial, typeAndData) ^ 0xFFFFFFFFu);
            output.Write(word);
        }
        return output.ToArray();
    }

    private static (string Type, byte[] Data)[] Chunks(byte[] png) => ChunksAt(png).Select(c => (c.Type, c.Data)).ToArray();

    private static List<(string Type, byte[] Data, int Offset)> ChunksAt(byte[] png)
    {
        var chunks = new List<(string, byte[], int)>();
        for (int at = 8; at < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            chunks.Add((Encoding.ASCII.GetString(png, at + 4, 4), png[(at + 8)..(at + 8 + length)], at));
            at += 12 + length;
        }
        return chunks;
    }
}
