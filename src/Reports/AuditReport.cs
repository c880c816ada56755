using Harness.Core;
using Harness.Core.Metrics;
using Harness.Reports.Rendering;
using Harness.Reports.Sections;
using Harness.Reports.Sections.Calibration;
using Harness.Reports.Sections.Checklist;
using Harness.Reports.Sections.ClinicalUtility;
using Harness.Reports.Sections.Contents;
using Harness.Reports.Sections.Criteria;
using Harness.Reports.Sections.Data;
using Harness.Reports.Sections.Definitions;
using Harness.Reports.Sections.Discrimination;
using Harness.Reports.Sections.Gaps;
using Harness.Reports.Sections.Limitations;
using Harness.Reports.Sections.OverTime;
using Harness.Reports.Sections.Provenance;
using Harness.Reports.Sections.Shift;
using Harness.Reports.Sections.Subgroups;
using Harness.Reports.Sections.Training;
using Harness.Reports.Sections.Verdict;
using Harness.Results;

namespace Harness.Reports;

/// <summary>
/// The external-validation audit report: an A4 PDF drawn from validation results alone (so
/// <c>harness report</c> re-renders it from a saved results.json), section by section
/// (src/Reports/Sections, one folder each), with the results embedded as an attachment.
/// Metric labels, formulas, directions and interval methods all come from <see cref="MetricCatalog"/>.
/// </summary>
public static class AuditReport
{
    public const string Title = "Harness external validation report";
    public const string FileName = "report.pdf";

    /// <summary>Where a warning about the whole run (not one site) is said to apply.</summary>
    public const string WholeRun = "Whole run";

    /// <summary>Marks a gap whose interval excludes 0 in the worse direction (drawn bold).</summary>
    public const string WorseMark = "▼";

    /// <summary>Marks a gap whose interval excludes 0 in the better direction.</summary>
    public const string BetterMark = "▲";

    /// <summary>The sections in reading order: verdict first, definitions last.</summary>
    internal static IReadOnlyList<IReportSection> Sections()
    {
        IReportSection[] body =
        [
            new CriteriaSection(), new ProvenanceSection(), new DataSection(), new DiscriminationSection(), new CalibrationSection(), new GapsSection(),
            new OverTimeSection(), new SubgroupsSection(), new ShiftSection(), new ClinicalUtilitySection(), new TrainingSection(),
        ];
        IReportSection[] closing = [new LimitationsSection(), new DefinitionsSection()];
        var checklist = new ChecklistSection([.. body, .. closing]);
        IReportSection[] after = [.. body, checklist, .. closing];
        return [new VerdictSection(), new ContentsSection(after), .. after];
    }

    /// <summary>The name of the results attachment inside the PDF.</summary>
    public const string AttachmentName = ResultsJson.FileName;

    /// <summary>
    /// Writes the report as a PDF to <paramref name="pdf"/> (the caller owns and closes the stream),
    /// with the results embedded as the attachment <see cref="AttachmentName"/>.
    /// </summary>
    /// <returns>
    /// The results as the report shows and embeds them: with a warning
    /// (<see cref="WarningCodes.UndrawableCharacters"/>) added when no shipped font has some
    /// characters, which the report draws as U+FFFD. Write these to results.json, so the file
    /// and the attachment are the same bytes.
    /// </returns>
    public static ValidationResults Write(ValidationResults results, Stream pdf, DateTimeOffset generatedUtc)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var (shown, bytes, _) = Render(results, generatedUtc);
        pdf.Write(bytes);
        return shown;
    }

    /// <summary>
    /// Writes <see cref="FileName"/> and results.json into <paramref name="folder"/>: results.json is
    /// the very bytes the report embeds. Returns the results as written (see <see cref="Write"/>).
    /// </summary>
    public static ValidationResults WriteFolder(ValidationResults results, string folder, DateTimeOffset generatedUtc)
    {
        var (shown, pdf, json) = Render(results, generatedUtc);
        File.WriteAllBytes(Path.Combine(folder, FileName), pdf);
        File.WriteAllBytes(Path.Combine(folder, ResultsJson.FileName), json);
        return shown;
    }

    /// <remarks>
    /// Skia writes through a native callback, where an exception from a file stream (a full disk, say)
    /// would abort the process: it writes to memory, and the caller writes the bytes.
    /// </remarks>
    private static (ValidationResults Shown, byte[] Pdf, byte[] Json) Render(ValidationResults results, DateTimeOffset generatedUtc)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rendered = new MemoryStream();
        var shown = ReportDocument.Render(results, rendered, generatedUtc, out _);
        byte[] json = ResultsJson.Serialize(shown);
        byte[] pdf = PdfAttachment.Embed(rendered.ToArray(), AttachmentName, "application/json", json,
            $"The validation results this report was drawn from (results format {shown.Format}).", generatedUtc);
        return (shown, pdf, json);
    }

    /// <summary>True when <paramref name="pdfPath"/> is a report Harness wrote (it embeds its results); what --force may replace.</summary>
    public static bool IsReport(string pdfPath)
    {
        try
        {
            using var stream = File.OpenRead(pdfPath);
            return PdfAttachment.Read(stream).ContainsKey(AttachmentName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>The results embedded in a report written by <see cref="Write"/>; an <see cref="InputException"/> naming the file otherwise.</summary>
    public static ValidationResults ReadEmbedded(string pdfPath)
    {
        IReadOnlyDictionary<string, byte[]> files;
        try
        {
            using var stream = File.OpenRead(pdfPath);
            files = PdfAttachment.Read(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot be read ({e.Message}).", "Check the path and its permissions.", PathDisplay.Of(pdfPath));
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"is not a PDF Harness can read: {e.Message}", "Give the report.pdf that harness validate or harness report wrote.",
                PathDisplay.Of(pdfPath));
        }
        if (!files.TryGetValue(AttachmentName, out var json))
            throw new InputException($"embeds no {AttachmentName}: it was not written by harness validate or harness report (or was re-saved without its attachments).",
                "Give the report.pdf as Harness wrote it.", PathDisplay.Of(pdfPath));
        return ResultsJson.Parse(json, $"{PathDisplay.Of(pdfPath)} (embedded {AttachmentName})");
    }

    public static string VerdictText(Verdict verdict) => verdict switch
    {
        Verdict.Pass => "PASS",
        Verdict.Fail => "FAIL",
        _ => "INCONCLUSIVE",
    };

    /// <summary>Worse or better when the gap's interval excludes 0; none otherwise (the console marks gaps by the same rule).</summary>
    public static GapMark Mark(MetricValue? gap) => gap switch
    {
        { Distinguishable: true, Worse: true } => GapMark.Worse,
        { Distinguishable: true, Worse: false } => GapMark.Better,
        _ => GapMark.None,
    };

    public static string Symbol(GapMark mark) => mark switch
    {
        GapMark.Worse => WorseMark,
        GapMark.Better => BetterMark,
        _ => "",
    };

    /// <summary>The gap with its marker first, e.g. "▼ −0.171".</summary>
    public static string Marked(GapMark mark, string gap) => mark == GapMark.None || gap.Length == 0 ? gap : $"{Symbol(mark)} {gap}";
}

/// <summary>How a gap is marked: only a gap whose interval excludes 0 gets a marker.</summary>
public enum GapMark
{
    None,

    /// <summary>Distinguishable from 0, and the site is worse than development: bold, with <see cref="AuditReport.WorseMark"/>.</summary>
    Worse,

    /// <summary>Distinguishable from 0, and the site is better than development: <see cref="AuditReport.BetterMark"/>.</summary>
    Better,
}
