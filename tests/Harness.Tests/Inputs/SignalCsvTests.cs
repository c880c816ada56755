using System.Runtime.Versioning;
using System.Text;
using Harness.Core;
using Harness.Core.Inputs;
using Harness.Tests.Sites;
using Harness.Tests.Support;

namespace Harness.Tests.Inputs;

public sealed class SignalCsvTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Three leads, three samples each: the spec most tests decode against.</summary>
    private static readonly InputSpec ThreeLeads = new() { Kind = InputKind.Signal, Channels = ["I", "II", "V1"], Length = 3, SamplingRateHz = 500 };

    private string Write(string text, string name = "ecg.csv")
    {
        string path = _temp.Combine(name);
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));
        return path;
    }

    private static float[] Decode(InputSpec spec, string path)
    {
        var decoded = new float[spec.Size];
        InputDecoders.For(spec).Decode(path, decoded);
        return decoded;
    }

    [Fact]
    public void Columns_go_to_their_channels_by_name_whatever_the_header_order()
    {
        // Given a file with a byte order mark, CRLF line ends, spaces around names and values, a blank line at the end,
        // and its columns in the order V1, II, I
        string path = Write("\uFEFF V1 , II ,I\r\n1, 2 ,3\r\n4.5,-6,7e-1\r\n0,0.25,-1\r\n\r\n");

        // When decoded for the spec [I, II, V1]
        var decoded = Decode(ThreeLeads, path);

        // Then channel-major [I..., II..., V1...], read off the file by hand
        Assert.Equal([3f, 0.7f, -1f, 2f, -6f, 0.25f, 1f, 4.5f, 0f], decoded);
    }

    [Fact]
    public void A_file_without_a_final_line_end_decodes_the_same()
    {
        string path = Write("I,II,V1\n1,2,3\n4,5,6\n7,8,9");
        Assert.Equal([1f, 4f, 7f, 2f, 5f, 8f, 3f, 6f, 9f], Decode(ThreeLeads, path));
    }

    [Fact]
    public void Samples_are_rounded_once_to_the_nearest_float32_even_next_to_a_midpoint()
    {
        // Given 1 + 2^-24, exactly halfway between the floats 1 and 1 + 2^-23, and a decimal a little above it whose
        // nearest double is that midpoint (a double-then-float parse would round it down to 1, wrongly)
        string path = Write("x\n1.000000059604644775390625\n1.00000005960464477539062500001\n0.1\n");
        var spec = new InputSpec { Kind = InputKind.Signal, Channels = ["x"], Length = 3 };

        // When decoded
        var decoded = Decode(spec, path);

        // Then the midpoint ties to even (1), the decimal above it rounds up, and 0.1 is the float nearest 0.1
        Assert.Equal(1f, decoded[0]);
        Assert.Equal(BitConverter.Int32BitsToSingle(0x3F800001), decoded[1]); // 1 + 2^-23
        Assert.Equal(BitConverter.Int32BitsToSingle(0x3DCCCCCD), decoded[2]); // 0.1 rounded to 24 bits: 0x3DCCCCCD
    }

    [Fact]
    public void What_Write_writes_Read_reads_back_bit_for_bit()
    {
        // Given random float32 samples over many magnitudes, including subnormals and extremes
        var random = new Random(7);
        var samples = Enumerable.Range(0, 2 * 500)
            .Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-45, 38))))
            .Concat([float.MaxValue, float.MinValue, float.Epsilon, -float.Epsilon, 0f, 1e-40f])
            .ToArray();
        string path = _temp.Combine("written.csv");
        SignalCsv.Write(path, ["lead a", "lead b"], samples);

        // When read back
        var recording = SignalCsv.Read(path);

        // Then
        Assert.Equal(["lead a", "lead b"], recording.Channels);
        Assert.Equal(samples.Length / 2, recording.Length);
        Assert.Equal(samples.Select(BitConverter.SingleToInt32Bits), recording.Samples.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Describe_gives_the_header_channels_and_the_number_of_data_lines()
    {
        string path = Write("V1,II,I\n1,2,3\n4,5,6\n\n");
        var spec = InputDecoders.Describe(path, InputKind.Signal);
        Assert.Equal(InputKind.Signal, spec.Kind);
        Assert.Equal(["V1", "II", "I"], spec.Channels);
        Assert.Equal(2, spec.Length);
    }

    // ------------------------------------------------------------------ errors, with the signal file's line and column

    [Theory]
    [InlineData("I,II\n1,2\n3,4\n5,6\n", 1, null, "the channels do not match the model's: missing 'V1'.")]
    [InlineData("I,II,V1,V2\n1,2,3,4\n", 1, null, "the channels do not match the model's: extra 'V2'.")]
    [InlineData("I,ii,V1\n1,2,3\n", 1, null, "the channels do not match the model's: missing 'II'; extra 'ii'.")]
    [InlineData("I,II,I\n1,2,3\n", 1, 3, "channel 'I' appears twice in the header (columns 1 and 3).")]
    [InlineData("I,,V1\n1,2,3\n", 1, 2, "column 2 of the header has no name.")]
    [InlineData("", 1, null, "has no header (its first line is empty).")]
    [InlineData("I,II,V1\n1,2,3\n4,5,6\n", null, null, "has 2 samples per channel; the model reads 3.")]
    [InlineData("I,II,V1\n1,2,3\n4,5,6\n7,8,9\n1,1,1\n", null, null, "has 4 samples per channel; the model reads 3.")]
    [InlineData("I,II,V1\n1,2,3\n4,,6\n7,8,9\n", 3, 2, "the value is empty.")]
    [InlineData("I,II,V1\n1,2,3\n4,5,6\n7,8,NaN\n", 4, 3, "'NaN' is not a finite number.")]
    [InlineData("I,II,V1\n1,-Infinity,3\n4,5,6\n7,8,9\n", 2, 2, "'-Infinity' is not a finite number.")]
    [InlineData("I,II,V1\n1,2,3\n4,5 mV,6\n7,8,9\n", 3, 2, "'5 mV' is not a number.")]
    [InlineData("I,II,V1\n1e39,2,3\n4,5,6\n7,8,9\n", 2, 1, "'1e39' is beyond float32's range (about ±3.4e38).")]
    [InlineData("I,II,V1\r\n1,2,3\r\n4,5\r\n7,8,9\r\n", 3, null, "the line has 2 values; the header names 3 channels.")]
    [InlineData("I,II,V1\n1,2,3\n4,5,6,7\n7,8,9\n", 3, 4, "the line has more values than the header's 3 channels.")]
    [InlineData("I,II,V1\n1,2,3\n\n7,8,9\n", 3, null, "the line is blank.")]
    public void Each_problem_is_an_error_at_its_line_and_column(string text, int? line, int? column, string problem)
    {
        // Given a signal file with one problem
        string path = Write(text);

        // When decoded for three leads of three samples
        var e = Assert.Throws<InputException>(() => Decode(ThreeLeads, path));

        // Then one line naming the file, and the line and column where there is one
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal(PathDisplay.Of(path), e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Equal(problem, e.Problem);
    }

    [Fact]
    public void The_length_error_says_what_the_model_reads_in_seconds()
    {
        string path = Write("I,II,V1\n1,2,3\n");
        var e = Assert.Throws<InputException>(() => Decode(ThreeLeads, path));
        Assert.Contains("3 samples per channel (0.006 s at 500 Hz)", e.Fix); // 3 / 500 Hz
    }

    [Fact]
    public void A_missing_file_and_a_folder_are_input_errors_naming_them()
    {
        string missing = _temp.Combine("absent.csv"), folder = _temp.Combine("folder.csv");
        Directory.CreateDirectory(folder);

        var e = Assert.Throws<InputException>(() => Decode(ThreeLeads, missing));
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal((PathDisplay.Of(missing), "file not found."), (e.File, e.Problem));

        e = Assert.Throws<InputException>(() => Decode(ThreeLeads, folder));
        Assert.Equal((PathDisplay.Of(folder), "is a folder, not a file."), (e.File, e.Problem));
    }

    [NotRootFact, SupportedOSPlatform("linux")]
    public void An_unreadable_file_is_an_input_error_with_the_reason()
    {
        // Given a signal file nobody may read
        string path = Write("I,II,V1\n1,2,3\n4,5,6\n7,8,9\n");
        File.SetUnixFileMode(path, UnixFileMode.None);

        // When decoded / Then
        var e = Assert.Throws<InputException>(() => Decode(ThreeLeads, path));
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal("cannot read the file (permission denied).", e.Problem);
    }
}
