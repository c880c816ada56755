using Harness.Reports.Sections;
using Harness.Results;
using SkiaSharp;

namespace Harness.Reports.Rendering;

/// <summary>Lays the sections out, then draws the pages with Skia's PDF backend in subset fonts, each under a running header.</summary>
internal static class ReportDocument
{
    /// <summary>
    /// Lays out and draws the report into <paramref name="pdf"/>. Returns the results as drawn: with
    /// a warning added when no shipped font has some characters (drawn as U+FFFD).
    /// <paramref name="overflows"/> lists any block drawn outside the printable area (none, when the layout is sound).
    /// </summary>
    internal static ValidationResults Render(ValidationResults results, Stream pdf, DateTimeOffset generatedUtc, out IReadOnlyList<string> overflows)
    {
        using var fonts = ReportFonts.Load();
        using var type = new Typesetter(fonts);
        var flow = Layout(results, generatedUtc, type);
        var warning = Undrawable(type.Undrawable);
        if (warning is not null)
        {
            // Laid out again with the warning among the run's warnings, where a reader looks first.
            results = results with { Warnings = [.. results.Warnings, warning] };
            flow = Layout(results, generatedUtc, type);
        }
        overflows = flow.Overflows;

        int count = flow.PageCount;
        string model = $"{Path.GetFileName(results.Model.Path)} · SHA-256 {results.Model.Sha256}";
        var headers = Enumerable.Range(1, count).Select(page => (
            Left: type.Wrap(model, Palette.FooterSize, PageFlow.PageWidth - 2 * PageFlow.Margin - 70),
            Right: type.Wrap($"page {page} of {count}", Palette.FooterSize, 70))).ToList();
        fonts.UseSubsets();

        var metadata = new SKDocumentPdfMetadata
        {
            Title = $"{AuditReport.Title}: {Path.GetFileName(results.Model.Path)}",
            Subject = $"External validation of {Path.GetFileName(results.Model.Path)} (SHA-256 {results.Model.Sha256}) at " +
                string.Join(", ", results.Sites.Select(s => s.Name)),
            Creator = $"Harness {results.Execution.HarnessVersion}",
            Producer = $"Harness {results.Execution.HarnessVersion} (SkiaSharp PDF)",
            Creation = generatedUtc.UtcDateTime,
            Modified = generatedUtc.UtcDateTime,
        };
        using var document = SKDocument.CreatePdf(pdf, metadata)
            ?? throw new InvalidOperationException("SkiaSharp could not start a PDF document.");
        for (int page = 0; page < count; page++)
        {
            var canvas = document.BeginPage(PageFlow.PageWidth, PageFlow.PageHeight);
            foreach (var draw in flow.Pages[page]) draw(canvas);
            Header(canvas, type, headers[page].Left, headers[page].Right);
            document.EndPage();
        }
        document.Close();
        return results;
    }

    private static PageFlow Layout(ValidationResults results, DateTimeOffset generatedUtc, Typesetter type)
    {
        var flow = new PageFlow();
        var composer = new Composer(flow, type);
        var context = new ReportContext(results, generatedUtc);
        foreach (var section in AuditReport.Sections()) section.Compose(composer, context);
        return flow;
    }

    private static ValidationWarning? Undrawable(IReadOnlyCollection<int> codepoints)
    {
        if (codepoints.Count == 0) return null;
        var names = codepoints.Select(c => $"U+{c:X4}").ToList();
        return new ValidationWarning(WarningCodes.UndrawableCharacters,
            $"No font shipped with Harness has {string.Join(", ", names)}: the report shows {(codepoints.Count == 1 ? "it" : "each")} as U+FFFD (\uFFFD). " +
            "results.json and the console keep the text as it is.",
            codepoints.ToDictionary(c => $"U+{c:X4}", c => (double)c));
    }

    /// <summary>Every page names the model (with its full hash) and its place in the whole, so a printed page cannot drift loose.</summary>
    private static void Header(SKCanvas canvas, Typesetter type, IReadOnlyList<TextLine> left, IReadOnlyList<TextLine> right)
    {
        float top = PageFlow.Margin, size = Palette.FooterSize;
        type.Draw(canvas, left, PageFlow.Margin, top, size, Palette.Muted);
        type.Draw(canvas, right, PageFlow.PageWidth - PageFlow.Margin - 70, top, size, Palette.Muted, 70, SKTextAlign.Right);
        float rule = top + Math.Max(left.Count, 1) * Typesetter.LineHeight(size) + 2;
        using var paint = Plot.Stroke(Palette.Rule, 0.6f);
        canvas.DrawLine(PageFlow.Margin, rule, PageFlow.PageWidth - PageFlow.Margin, rule, paint);
    }
}
