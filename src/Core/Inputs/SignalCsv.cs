using System.Globalization;
using System.Text;
using Harness.Core.Sites;

namespace Harness.Core.Inputs;

/// <summary>
/// A signal file: CSV, a header of channel (lead) names, then one line per sample time with one
/// value per channel. Samples are held channel-major, [channels, length], as the model reads them.
/// Reading accepts LF or CRLF line ends, a UTF-8 byte order mark, spaces around names and values,
/// and blank lines at the end; every sample must be a finite number in float32's range, parsed to
/// the nearest float32 as <see cref="float.Parse(string, IFormatProvider)"/> would.
/// </summary>
public static class SignalCsv
{
    /// <summary>Writes <paramref name="samples"/> ([channels, length], channel-major) with the shortest text that round-trips each float32.</summary>
    public static void Write(string path, IReadOnlyList<string> channels, ReadOnlySpan<float> samples)
    {
        int c = channels.Count;
        if (c == 0 || samples.Length % c != 0)
            throw new ArgumentException($"{samples.Length} samples do not split into {c} channels.", nameof(samples));
        int length = samples.Length / c;
        var text = new StringBuilder(samples.Length * 8);
        text.AppendJoin(',', channels).Append('\n');
        for (int t = 0; t < length; t++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                if (ch > 0) text.Append(',');
                text.Append(samples[ch * length + t].ToString("R", CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        file.Write(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>Reads a signal file whatever its channels and length.</summary>
    public static SignalRecording Read(string path)
    {
        string shown = PathDisplay.Of(path);
        using var bytes = ExampleBytes.Read(path, shown);
        var layout = Layout(bytes.Span, shown);
        if (layout.Length == 0)
            throw new InputException("has a header but no samples.", "Export the recording again, one line per sample time.", shown, 2);
        var samples = new float[layout.Channels.Length * layout.Length];
        ReadSamples(bytes.Span, layout, Enumerable.Range(0, layout.Channels.Length).ToArray(), samples, shown);
        return new SignalRecording(layout.Channels, layout.Length, samples);
    }

    /// <summary>
    /// The header's channel names (each checked: named, not repeated) and where the data lines are:
    /// from after the header to the last non-blank byte. Counting those lines is a vectorised count
    /// of line feeds, so a file's length is known before any number is parsed.
    /// </summary>
    internal static SignalLayout Layout(ReadOnlySpan<byte> text, string shown)
    {
        int start = text.StartsWith("\uFEFF"u8) ? 3 : 0;
        int newline = text[start..].IndexOf((byte)'\n');
        int headerEnd = newline < 0 ? text.Length : start + newline;
        var names = Encoding.UTF8.GetString(text[start..headerEnd]).Split(',').Select(n => n.Trim()).ToArray();
        if (names is [""])
            throw new InputException("has no header (its first line is empty).",
                "Start the file with a line naming the channels (leads), e.g. I,II,V1.", shown, 1);
        for (int c = 0; c < names.Length; c++)
        {
            if (names[c].Length == 0)
                throw new InputException($"column {c + 1} of the header has no name.", "Name every channel (lead) in the first line.", shown, 1, c + 1);
            int first = Array.IndexOf(names, names[c]);
            if (first != c)
                throw new InputException($"channel '{names[c]}' appears twice in the header (columns {first + 1} and {c + 1}).",
                    "Give each channel one column.", shown, 1, c + 1);
        }
        int dataStart = Math.Min(headerEnd + 1, text.Length), dataEnd = text.Length;
        while (dataEnd > dataStart && text[dataEnd - 1] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') dataEnd--;
        int length = dataEnd == dataStart ? 0 : text[dataStart..dataEnd].Count((byte)'\n') + 1;
        return new SignalLayout(names, dataStart, dataEnd, length);
    }

    /// <summary>
    /// Parses the <paramref name="layout"/>.Length data lines into <paramref name="destination"/>
    /// ([channels, Length]), column c's values going to channel <paramref name="channelOf"/>[c].
    /// Errors name the line and column of <paramref name="shown"/>; the header is line 1.
    /// </summary>
    internal static void ReadSamples(ReadOnlySpan<byte> text, SignalLayout layout, ReadOnlySpan<int> channelOf, Span<float> destination, string shown)
    {
        int length = layout.Length, columns = channelOf.Length, at = layout.DataStart;
        for (int t = 0; t < length; t++)
        {
            long lineNumber = t + 2L;
            int lineEnd = t == length - 1 ? layout.DataEnd : at + text[at..layout.DataEnd].IndexOf((byte)'\n');
            var line = text[at..lineEnd];
            if (Utf8Cells.Trim(line).IsEmpty)
                throw new InputException("the line is blank.", "Remove blank lines between samples; every line holds one value per channel.", shown, lineNumber);
            int column = 0;
            while (true)
            {
                int comma = line.IndexOf((byte)',');
                if (column == columns)
                    throw new InputException($"the line has more values than the header's {columns} channels.",
                        "Give each line exactly one value per channel named in the header.", shown, lineNumber, column + 1);
                destination[channelOf[column] * length + t] = Sample(comma < 0 ? line : line[..comma], shown, lineNumber, column + 1);
                column++;
                if (comma < 0) break;
                line = line[(comma + 1)..];
            }
            if (column < columns)
                throw new InputException($"the line has {column} value{(column == 1 ? "" : "s")}; the header names {columns} channels.",
                    "Give each line exactly one value per channel named in the header.", shown, lineNumber);
            at = lineEnd + 1;
        }
    }

    /// <summary>One cell as the nearest float32; the fast double parse is exact except where it lands on a midpoint between floats.</summary>
    private static float Sample(ReadOnlySpan<byte> cell, string shown, long line, int column)
    {
        var text = Utf8Cells.Trim(cell);
        if (text.IsEmpty)
            throw new InputException("the value is empty.", "Give every sample a number; fill or drop recordings with gaps.", shown, line, column);
        if (!Utf8Cells.TryParseDouble(text, out double value))
            throw new InputException($"'{Encoding.UTF8.GetString(text)}' is not a number.", "Write samples as plain numbers, e.g. -0.125 or 1.5e-3.", shown, line, column);
        if (!double.IsFinite(value))
            throw new InputException($"'{Encoding.UTF8.GetString(text)}' is not a finite number.",
                "Replace missing or saturated samples before export; every sample must be a finite number.", shown, line, column);
        float sample = (float)value;
        if (float.IsInfinity(sample))
            throw new InputException($"'{Encoding.UTF8.GetString(text)}' is beyond float32's range (about ±3.4e38).",
                "Scale the signal to its physical unit (e.g. mV).", shown, line, column);
        // Rounding the decimal to a double and then to a float rounds twice; that differs from rounding once only where the
        // double is exactly halfway between two floats (29 discarded bits 100...0), or among float32's subnormals.
        const ulong Discarded = (1UL << 29) - 1, Halfway = 1UL << 28;
        const double SmallestNormalFloat = 1.1754943508222875e-38; // 2^-126
        if ((BitConverter.DoubleToUInt64Bits(value) & Discarded) == Halfway || (Math.Abs(value) < SmallestNormalFloat && value != 0))
            sample = float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return sample;
    }
}

/// <summary>A signal file's channels (header order) and samples, channel-major [channels, length].</summary>
public sealed record SignalRecording(IReadOnlyList<string> Channels, int Length, float[] Samples);

/// <summary>Where a signal file's parts are: its channel names, and its data lines' bytes [DataStart, DataEnd), Length of them.</summary>
internal sealed record SignalLayout(string[] Channels, int DataStart, int DataEnd, int Length);
