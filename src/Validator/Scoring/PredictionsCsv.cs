using System.Globalization;

namespace Harness.Validator.Scoring;

/// <summary>
/// predictions.csv, written as scoring streams: <c>site,id,manifest_line,label,p_&lt;class&gt;...</c>,
/// one row per example, probabilities as the exact float32 value (shortest round-trip text of its
/// double), so that any reader can recompute the metrics to the last digit. manifest_line is the
/// row's line in its site's manifest.csv.
/// </summary>
/// <remarks>
/// The site, id and label cells are user text, and a spreadsheet runs a cell that starts with
/// '=', '+', '-' or '@' as a formula (OWASP "CSV injection"). Such a cell, and one starting with
/// a tab, carriage return, line feed or a single quote, is written with a single quote in front;
/// dropping a leading quote gives the exact value back (the manifest line has it too). The
/// header's class names follow "p_", and the numbers are Harness's own: neither is changed.
/// </remarks>
public sealed class PredictionsCsv : IDisposable
{
    public const string FileName = "predictions.csv";

    /// <summary>The first characters that make a spreadsheet cell a formula, and the quote that marks a neutralised one.</summary>
    private static readonly char[] Neutralised = ['=', '+', '-', '@', '\t', '\r', '\n', '\''];

    private readonly TextWriter _destination;

    public PredictionsCsv(TextWriter destination, IReadOnlyList<string> classNames)
    {
        _destination = destination;
        var header = new Lines();
        header.Header(classNames);
        Append(header);
    }

    /// <summary>Writes records formatted ahead (by the worker that scored them), and empties <paramref name="lines"/>.</summary>
    internal void Append(Lines lines)
    {
        _destination.Write(lines.Text, 0, lines.Length);
        lines.Clear();
    }

    /// <summary>User text as a cell no spreadsheet runs: see the remarks.</summary>
    public static string Neutralise(string text) => text.Length > 0 && Neutralised.Contains(text[0]) ? "'" + text : text;

    public void Dispose() => _destination.Dispose();

    /// <summary>Records of predictions.csv formatted into a buffer, to be written in file order by <see cref="Append"/>.</summary>
    internal sealed class Lines
    {
        private static readonly System.Buffers.SearchValues<char> NeedQuotes = System.Buffers.SearchValues.Create(",\"\r\n");

        private char[] _text = new char[256];
        private bool _recordStarted;

        public char[] Text => _text;
        public int Length { get; private set; }

        public void Clear() => Length = 0;

        public void Header(IReadOnlyList<string> classNames)
        {
            Cell("site");
            Cell("id");
            Cell("manifest_line");
            Cell("label");
            foreach (var c in classNames) Cell("p_" + c);
            EndRecord();
        }

        public void Write(string site, string id, long manifestLine, string label, ReadOnlySpan<float> probabilities)
        {
            Cell(Neutralise(site));
            Cell(Neutralise(id));
            Number(manifestLine);
            Cell(Neutralise(label));
            foreach (float p in probabilities) Number(p); // shortest text that reads back as this float32
            EndRecord();
        }

        /// <summary>Appends a cell, in double quotes (inner quotes doubled) when it holds a comma, a quote or a line break.</summary>
        private void Cell(string text)
        {
            Separate();
            if (text.AsSpan().IndexOfAny(NeedQuotes) < 0)
            {
                Append(text);
                return;
            }
            Append("\"");
            Append(text.Replace("\"", "\"\""));
            Append("\"");
        }

        private void Number<T>(T value) where T : ISpanFormattable
        {
            Separate();
            int written;
            while (!value.TryFormat(_text.AsSpan(Length), out written, default, CultureInfo.InvariantCulture)) Array.Resize(ref _text, 2 * _text.Length);
            Length += written;
        }

        private void Separate()
        {
            if (_recordStarted) Append(",");
            _recordStarted = true;
        }

        private void Append(ReadOnlySpan<char> text)
        {
            if (_text.Length - Length < text.Length) Array.Resize(ref _text, Math.Max(2 * _text.Length, Length + text.Length));
            text.CopyTo(_text.AsSpan(Length));
            Length += text.Length;
        }

        private void EndRecord()
        {
            Append("\n");
            _recordStarted = false;
        }
    }
}
