using System.Globalization;
using CsvHelper;

namespace Harness.Validator.Scoring;

/// <summary>
/// predictions.csv, written as scoring streams: <c>site,id,label,p_&lt;class&gt;...</c>, one row per
/// example, probabilities as the exact float32 value (shortest round-trip text of its double),
/// so that any reader can recompute the metrics to the last digit.
/// </summary>
public sealed class PredictionsCsv : IDisposable
{
    public const string FileName = "predictions.csv";

    private readonly CsvWriter _csv;

    public PredictionsCsv(TextWriter destination, IReadOnlyList<string> classNames)
    {
        _csv = CsvWriter.Create(destination, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: false);
        _csv.WriteField("site");
        _csv.WriteField("id");
        _csv.WriteField("label");
        foreach (var c in classNames) _csv.WriteField("p_" + c);
        _csv.EndRecord();
    }

    public void Write(string site, string id, string label, ReadOnlySpan<float> probabilities)
    {
        _csv.WriteField(site);
        _csv.WriteField(id);
        _csv.WriteField(label);
        foreach (float p in probabilities) _csv.WriteField(((double)p).ToString("R", CultureInfo.InvariantCulture));
        _csv.EndRecord();
    }

    public void Dispose() => _csv.Dispose();
}
