using Harness.Results;
using SkiaSharp;

namespace Harness.Reports.Rendering;

/// <summary>Turns a laid-out report into PDF pages with Skia's PDF backend, footer included.</summary>
internal static class ReportDocument
{
    /// <returns>
    /// The warning that some characters could not be drawn (no installed font has them), which the
    /// report then lists with its warnings; null when every character was drawn.
    /// </returns>
    /// <remarks>
    /// Skia writes through a native callback, where an exception from <paramref name="pdf"/> (a full
    /// disk, say) would abort the process; it writes to memory, and the bytes are copied after.
    /// </remarks>
    public static ValidationWarning? Write(AuditReportModel report, Stream pdf, DateTimeOffset generatedUtc)
    {
        var rendered = new MemoryStream();
        var warning = Render(report, rendered, generatedUtc);
        rendered.WriteTo(pdf);
        return warning;
    }

    private static ValidationWarning? Render(AuditReportModel report, Stream pdf, DateTimeOffset generatedUtc)
    {
        using var fonts = ReportFonts.Load();
        using var type = new Typesetter(fonts);
        var flow = new PageFlow();
        new ReportComposer(report, flow, type).Compose();
        var warning = Undrawable(type.Undrawable, fonts.Replacement);
        if (warning is not null)
        {
            // Laid out again with the warning in the warnings section, where a reader looks first.
            report = report with { Warnings = [.. report.Warnings, new WarningLine(AuditReport.WholeRun, warning.Message)] };
            flow = new PageFlow();
            new ReportComposer(report, flow, type).Compose();
        }

        var metadata = new SKDocumentPdfMetadata
        {
            Title = $"{report.Header.Title}: {report.Model.FileName}",
            Subject = $"External validation of {report.Model.FileName} (SHA-256 {report.Model.Sha256})",
            Creator = $"Harness {report.Header.HarnessVersion}",
            Creation = generatedUtc.UtcDateTime,
            Modified = generatedUtc.UtcDateTime,
        };
        using var document = SKDocument.CreatePdf(pdf, metadata)
            ?? throw new InvalidOperationException("SkiaSharp could not start a PDF document.");
        int count = flow.PageCount;
        for (int page = 0; page < count; page++)
        {
            var canvas = document.BeginPage(PageFlow.PageWidth, PageFlow.PageHeight);
            foreach (var draw in flow.Pages[page]) draw(canvas);
            Footer(canvas, type, report.FooterText, page + 1, count);
            document.EndPage();
        }
        document.Close();
        return warning;
    }

    private static ValidationWarning? Undrawable(IReadOnlyCollection<int> codepoints, string replacement)
    {
        if (codepoints.Count == 0) return null;
        var names = codepoints.Select(c => $"U+{c:X4}").ToList();
        return new ValidationWarning(WarningCodes.UndrawableCharacters,
            $"No installed font has {string.Join(", ", names)}: the report shows {(codepoints.Count == 1 ? "it" : "each")} as '{replacement}'. " +
            "Install a font that has them (for CJK names, e.g. fonts-noto-cjk) and validate again to draw them.",
            codepoints.ToDictionary(c => $"U+{c:X4}", c => (double)c));
    }

    /// <summary>Every page names the model and its place in the whole, so a printed page cannot drift loose.</summary>
    private static void Footer(SKCanvas canvas, Typesetter type, string modelText, int page, int pages)
    {
        float rule = PageFlow.PageHeight - PageFlow.Margin - 6;
        float top = rule + 3.5f;
        using (var paint = new SKPaint { Color = Palette.Rule, StrokeWidth = 0.6f, Style = SKPaintStyle.Stroke })
            canvas.DrawLine(PageFlow.Margin, rule, PageFlow.PageWidth - PageFlow.Margin, rule, paint);

        float size = Palette.FooterSize;
        var left = type.Wrap($"{AuditReport.Title} · {modelText}", size, PageFlow.PageWidth - 2 * PageFlow.Margin - 80);
        var right = type.Wrap($"Page {page} of {pages}", size, 80);
        type.Draw(canvas, left, PageFlow.Margin, top, size, Palette.Muted);
        type.Draw(canvas, right, PageFlow.PageWidth - PageFlow.Margin - 80, top, size, Palette.Muted, 80, SKTextAlign.Right);
    }
}
