using System.Globalization;
using CsvHelper;

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

    private readonly CsvWriter _csv;

    public PredictionsCsv(TextWriter destination, IReadOnlyList<string> classNames)
    {
        _csv = CsvWriter.Create(destination, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: false);
        _csv.WriteField("site");
        _csv.WriteField("id");
        _csv.WriteField("manifest_line");
        _csv.WriteField("label");
        foreach (var c in classNames) _csv.WriteField("p_" + c);
        _csv.EndRecord();
    }

    public void Write(string site, string id, long manifestLine, string label, ReadOnlySpan<float> probabilities)
    {
        _csv.WriteField(Cell(site));
        _csv.WriteField(Cell(id));
        _csv.WriteField(manifestLine.ToString(CultureInfo.InvariantCulture));
        _csv.WriteField(Cell(label));
        foreach (float p in probabilities) _csv.WriteField(p.ToString(CultureInfo.InvariantCulture)); // shortest text that reads back as this float32
        _csv.EndRecord();
    }

    /// <summary>User text as a cell no spreadsheet runs: see the remarks.</summary>
    public static string Cell(string text) => text.Length > 0 && Neutralised.Contains(text[0]) ? "'" + text : text;

    public void Dispose() => _csv.Dispose();
}
