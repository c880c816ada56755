using SkiaSharp;

namespace Harness.Reports.Rendering;

/// <summary>Turns a laid-out report into PDF pages with Skia's PDF backend, footer included.</summary>
internal static class ReportDocument
{
    /// <remarks>
    /// Skia writes through a native callback, where an exception from <paramref name="pdf"/> (a full
    /// disk, say) would abort the process; it writes to memory, and the bytes are copied after.
    /// </remarks>
    public static void Write(AuditReportModel report, Stream pdf, DateTimeOffset generatedUtc)
    {
        var rendered = new MemoryStream();
        Render(report, rendered, generatedUtc);
        rendered.WriteTo(pdf);
    }

    private static void Render(AuditReportModel report, Stream pdf, DateTimeOffset generatedUtc)
    {
        using var fonts = ReportFonts.Load();
        using var type = new Typesetter(fonts);
        var flow = new PageFlow();
        new ReportComposer(report, flow, type).Compose();

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
