using Harness.Core.Metrics;
using Harness.Reports;
using Harness.Tests.Support;
using Harness.Results;
using SkiaSharp;
using UglyToad.PdfPig;

namespace Harness.Tests.Reports;

public sealed class AuditReportPdfTests
{
    private static readonly DateTimeOffset Generated = new(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);

    private static byte[] Render(ValidationResults results)
    {
        using var pdf = new MemoryStream();
        AuditReport.Write(results, pdf, Generated);
        return pdf.ToArray();
    }

    private static string AllText(PdfDocument document) =>
        string.Join("\n", document.GetPages().Select(p => p.Text));

    [Fact]
    public void Report_is_an_A4_pdf_with_title_metadata_and_the_full_model_hash()
    {
        // Given the standard results
        var results = ReportFixtures.Results();

        // When the report is written and read back
        using var document = PdfDocument.Open(Render(results));

        // Then it has A4 pages, says who made it, and shows the complete SHA-256
        Assert.InRange(document.NumberOfPages, 8, 24);
        Assert.All(document.GetPages(), p => Assert.Equal((595, 842), ((int)Math.Round(p.Width), (int)Math.Round(p.Height))));
        Assert.Equal("Harness 0.1.0+test", document.Information.Creator);
        Assert.Equal("Harness 0.1.0+test (SkiaSharp PDF)", document.Information.Producer);
        Assert.Contains(ReportFixtures.ModelSha256, document.Information.Subject);
        Assert.Contains("Harness external validation report", document.Information.Title);
        string text = ExpectedText.Squash(AllText(document));
        Assert.Contains(ExpectedText.Squash("Harness external validation report"), text);
        Assert.Contains(ReportFixtures.ModelSha256, text);
        Assert.Contains("2025-06-0210:00:00UTC", text);
    }

    [Fact]
    public void Report_says_out_loud_which_provider_ran_and_why()
    {
        // Given results whose inference fell back to the CPU for a stated reason
        var results = ReportFixtures.Results();

        // When the report is written and read back
        using var document = PdfDocument.Open(Render(results));

        // Then the provenance names the provider and gives the reason in full
        string text = ExpectedText.Squash(AllText(document));
        Assert.Contains(ExpectedText.Squash($"Validation device CPUExecutionProvider (requested: auto) {results.Execution.Reason}"), text);
    }

    private static readonly string[] BinaryHeadline = [MetricKeys.Auroc, MetricKeys.CalibrationSlope, MetricKeys.OeRatio, MetricKeys.Ece];

    /// <summary>What one headline cell reads as: value (interval), then the marked gap and the gap's interval.</summary>
    private static string HeadlineCell(SiteResult site, string key)
    {
        var metric = MetricCatalog.Get(key);
        var value = site.Metrics[key];
        if (value.Value is null) return "—";
        var gap = site.Gap[key];
        string mark = gap.Distinguishable == true ? (gap.Worse == true ? "▼" : "▲") : "";
        return ExpectedText.WithInterval(metric, value) + mark + ExpectedText.GapWithInterval(metric, gap);
    }

    [Fact]
    public void Report_lists_every_site_with_its_headline_metrics_intervals_and_gaps()
    {
        // Given four sites, one trained on and one with an undefined AUROC
        var results = ReportFixtures.Results();

        // When the report is written and read back
        using var document = PdfDocument.Open(Render(results));
        string text = ExpectedText.Squash(AllText(document));

        // Then each site's row shows its name, n, events, prevalence and AUROC, calibration slope, O/E and ECE,
        // each with its interval, its gap to development and the gap's interval
        foreach (var site in results.Sites)
        {
            string row = ExpectedText.Squash(string.Join(" ",
                [
                    site.Name,
                    site.HeldOut ? site.Holdout : site.Holdout + ": not external",
                    site.N.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    site.ClassCounts["malignant"].ToString(System.Globalization.CultureInfo.InvariantCulture),
                    (site.Prevalence!.Value * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%",
                    .. BinaryHeadline.Select(key => HeadlineCell(site, key)),
                ]));
            Assert.Contains(row, text);
        }
        // The undefined AUROC prints as a dash, and each site's hold-out type is under its name.
        Assert.Contains("LakesidePaediatricinstitutional600.0%—", text);
        Assert.Contains("RiversideClinicinternal:notexternal180", text);
        Assert.Contains("▼", text);
    }

    [Fact]
    public void Every_sites_auroc_interval_is_printed_exactly_as_ReportFormat_writes_it()
    {
        // Given sites with AUROC intervals (DeLong) and one without an AUROC
        var results = ReportFixtures.Results();
        var auroc = MetricCatalog.Get(MetricKeys.Auroc);

        // When the report is written and read back
        using var document = PdfDocument.Open(Render(results));
        string raw = AllText(document);

        // Then each site's AUROC text, interval included, appears verbatim (spaces and all, not only squashed)
        foreach (var site in results.Sites.Where(s => s.Metrics[MetricKeys.Auroc].Ci is not null))
        {
            string expected = ReportFormat.WithInterval(auroc, site.Metrics[MetricKeys.Auroc]);
            Assert.Matches(@"^\d\.\d{3} \(\d\.\d{3}–\d\.\d{3}\)$", expected);
            Assert.Contains(expected, raw);
        }
        Assert.Contains(ReportFormat.WithInterval(auroc, results.Development.Metrics[MetricKeys.Auroc]), raw);
    }

    [Fact]
    public void Criteria_verdicts_and_every_warning_are_printed_before_the_provenance()
    {
        // Given results judged by criteria, with a run warning and two site warnings
        var results = ReportFixtures.Judged();

        // When the report is written and read back
        using var document = PdfDocument.Open(Render(results));
        string text = ExpectedText.Squash(AllText(document));

        // Then the overall verdict and each rule's row (rule, site, verdict, reason) are there ...
        Assert.Contains("Overall:FAIL", text);
        foreach (var v in results.Criteria!.Verdicts)
            Assert.Contains(ExpectedText.Squash($"{v.Rule} {v.Site} {v.Verdict.ToString().ToUpperInvariant()} {v.Reason}"), text);

        // ... and every warning, with where it applies, all before the model is described
        int model = text.IndexOf("ProvenanceModelFile", StringComparison.Ordinal);
        Assert.True(model > 0, "the provenance section is missing");
        foreach (var (where, warning) in new[] { ("Whole run", ReportFixtures.CpuWarning), ("Northfield General", ReportFixtures.SmallSiteWarning),
                     ("Lakeside Paediatric", ReportFixtures.SingleClassWarning) })
        {
            int at = text.IndexOf(ExpectedText.Squash($"{where}: {warning.Message}"), StringComparison.Ordinal);
            Assert.InRange(at, 0, model);
        }
    }

    [Fact]
    public void Every_metric_has_a_row_with_its_interval_and_gap_and_the_threshold_is_stated()
    {
        // Given the standard results, with an operating threshold
        var results = ReportFixtures.Results();

        // When the report is written and read back
        using var document = PdfDocument.Open(Render(results));
        string text = ExpectedText.Squash(AllText(document));

        // Then each catalog group's tables have a row per site: name, hold-out, then per metric value (interval), marked gap (interval)
        Assert.Contains(ExpectedText.Squash("At the operating threshold Positive when the predicted risk is at least 0.500 (rule: fixed)"), text);
        foreach (var group in MetricCatalog.For(binary: true).GroupBy(m => m.Group))
            foreach (var chunk in group.Chunk(TableSize(group.Count())))
                foreach (var site in results.Sites)
                {
                    string row = site.Name + (site.HeldOut ? site.Holdout : site.Holdout + ": not external") + string.Concat(chunk.Select(metric =>
                    {
                        var value = site.Metrics[metric.Key];
                        var gap = site.Gap[metric.Key];
                        string mark = value.Value is null ? "" : gap.Distinguishable == true ? (gap.Worse == true ? "▼" : "▲") : "";
                        return ExpectedText.WithInterval(metric, value) + mark + (value.Value is null ? "" : ExpectedText.GapWithInterval(metric, gap));
                    }));
                    Assert.Contains(ExpectedText.Squash(row), text);
                }
        // Definitions are the catalog's, with direction and interval method.
        var ece = MetricCatalog.Get(MetricKeys.Ece);
        Assert.Contains(ExpectedText.Squash($"{ece.Label}: {ece.Formula}."), text);
        Assert.Contains("Intervals:Everyintervalisa95%confidenceinterval", text);
    }

    [Fact]
    public void Development_reference_shows_every_metric_with_its_interval()
    {
        // Given a development evaluation with intervals
        var results = ReportFixtures.Results();
        var metrics = results.Development.Metrics;

        // When the report is written and read back
        using var document = PdfDocument.Open(Render(results));
        string text = ExpectedText.Squash(AllText(document));

        // Then the split is stated with the data, and every group table opens with a development row holding each metric with its interval
        Assert.Contains(ExpectedText.Squash($"Development reference: {results.Development.Split}"), text);
        foreach (var group in MetricCatalog.For(binary: true).GroupBy(m => m.Group))
            foreach (var chunk in group.Chunk(TableSize(group.Count())))
            {
                string header = string.Concat(chunk.Select(m => $"{m.Label}(95%CI;gap)"));
                string row = "Developmentreference" + string.Concat(chunk.Select(m => ExpectedText.WithInterval(m, metrics[m.Key])));
                Assert.Contains(ExpectedText.Squash("Sample" + header + row), text);
            }
    }

    [Fact]
    public void Charts_are_vectors_drawn_once_per_site_and_no_page_holds_a_raster_image()
    {
        // Given four sites, so four calibration charts
        var results = ReportFixtures.Results();

        // When the report is written and read back
        using var document = PdfDocument.Open(Render(results));
        var pages = document.GetPages().ToList();

        // Then nothing is embedded as an image, the pages hold vector paths,
        // and each diagram's title appears exactly once (the chart is not painted twice)
        Assert.All(pages, p => Assert.Empty(p.GetImages()));
        Assert.All(pages, p => Assert.NotEmpty(p.Paths));
        Assert.True(pages.Sum(p => p.Paths.Count) > 100, "expected chart axes, grid lines and markers as paths");
        string text = ExpectedText.Squash(AllText(document));
        foreach (var site in results.Sites)
            Assert.Equal(1, Occurrences(text, ExpectedText.Squash($"{site.Name} (n = {site.N})")));
        Assert.Contains("Predictedrisk", text);
        Assert.Contains("Observed", text);
    }

    [Fact]
    public void Every_page_has_a_header_with_page_k_of_n_and_the_full_model_hash()
    {
        // Given the standard results
        var results = ReportFixtures.Results();

        // When the report is written and read back
        using var document = PdfDocument.Open(Render(results));

        // Then every page says which page of how many, and which model
        int n = document.NumberOfPages;
        foreach (var page in document.GetPages())
        {
            string text = ExpectedText.Squash(page.Text);
            Assert.Contains($"model.onnx·SHA-256{ReportFixtures.ModelSha256}page{page.Number}of{n}", text);
        }
    }

    [Fact]
    public void Many_sites_continue_onto_more_pages_with_every_site_present()
    {
        // Given 25 sites
        var results = ReportFixtures.ManySites(25);
        using var few = PdfDocument.Open(Render(ReportFixtures.Results()));

        // When the report is written and read back
        using var document = PdfDocument.Open(Render(results));

        // Then it runs to more pages, each site has its table row and its chart, and footers count correctly
        int n = document.NumberOfPages;
        Assert.True(n > few.NumberOfPages + 2, $"expected many pages, got {n}");
        string text = ExpectedText.Squash(AllText(document));
        foreach (var site in results.Sites)
        {
            Assert.Contains(ExpectedText.Squash($"{site.Name} {site.Holdout} {site.N} {site.ClassCounts["malignant"]}"), text);
            Assert.Contains(ExpectedText.Squash($"{site.Name} (n = {site.N})"), text);
        }
        foreach (var page in document.GetPages())
        {
            Assert.Contains($"page{page.Number}of{n}", ExpectedText.Squash(page.Text));
            Assert.Empty(page.GetImages());
        }
        // The table's header row is repeated where the table continues on a new page.
        Assert.Contains("Sites(continued)", text);
        Assert.True(Occurrences(text, "SitenEventsAUROC") >= 2);
    }

    [Fact]
    public void Thirty_sites_still_render_with_every_site_and_nothing_outside_the_printable_area()
    {
        // Given 30 sites
        var results = ReportFixtures.ManySites(30);

        // When the report is written and read back
        using var document = PdfDocument.Open(Render(results));
        string text = ExpectedText.Squash(AllText(document));

        // Then every site has its headline AUROC, its reliability diagram and its full metric table
        var auroc = MetricCatalog.Get(MetricKeys.Auroc);
        foreach (var site in results.Sites)
        {
            Assert.Contains(ExpectedText.Squash($"{site.Name} {site.Holdout} {site.N} {site.ClassCounts["malignant"]}"), text);
            Assert.Contains(ExpectedText.Squash(ReportFormat.WithInterval(auroc, site.Metrics[MetricKeys.Auroc])), text);
            Assert.Contains(ExpectedText.Squash($"{site.Name} (n = {site.N})"), text);
        }

        // And on every A4 page, every letter sits inside the side margins and clear of the top and bottom edges
        const double width = 595, height = 842, margin = 40, edge = 28;
        foreach (var page in document.GetPages())
        {
            Assert.Equal((595, 842), ((int)Math.Round(page.Width), (int)Math.Round(page.Height)));
            foreach (var letter in page.Letters.Where(l => !string.IsNullOrWhiteSpace(l.Value)))
            {
                var box = letter.BoundingBox;
                Assert.True(box.Left >= margin - 0.5 && box.Right <= width - margin + 0.5,
                    $"page {page.Number}: '{letter.Value}' at x {box.Left:0.#}–{box.Right:0.#} crosses a side margin");
                Assert.True(box.Bottom >= edge && box.Top <= height - margin + 0.5,
                    $"page {page.Number}: '{letter.Value}' at y {box.Bottom:0.#}–{box.Top:0.#} is outside the printable area");
            }
        }
    }

    [Fact]
    public void Writing_leaves_the_callers_stream_open()
    {
        // Given a stream the caller owns
        using var stream = new MemoryStream();

        // When the report is written to it
        AuditReport.Write(ReportFixtures.Results(), stream, Generated);

        // Then the stream is still usable and holds a PDF
        Assert.True(stream.CanWrite);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(stream.ToArray(), 0, 5));
    }

    [ToolFact("pdftoppm")]
    public void First_page_renders_to_a_non_blank_image()
    {
        // Given the report written to a file
        using var temp = new TempFolder();
        string pdf = temp.Combine("report.pdf");
        using (var file = File.Create(pdf)) AuditReport.Write(ReportFixtures.Results(), file, Generated);

        // When poppler rasterises page 1 at 50 dpi
        string prefix = temp.Combine("page");
        var (exit, output) = ExternalTools.Run("pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", pdf, prefix);
        Assert.True(exit == 0, output);

        // Then a PNG of roughly A4 proportions exists and a fair share of it is ink
        string png = Assert.Single(Directory.GetFiles(temp.Path, "page*.png"));
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.InRange((double)bitmap.Height / bitmap.Width, 1.38, 1.45);
        int ink = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red < 230 || c.Green < 230 || c.Blue < 230) ink++;
            }
        double share = (double)ink / (bitmap.Width * bitmap.Height);
        Assert.True(share > 0.03, $"page 1 looks blank: {share:P1} of pixels are not white");
    }

    /// <summary>Metrics per table: at most 5 across A4, as few tables as that allows, of even size (6 metrics: 3 + 3).</summary>
    private static int TableSize(int metrics)
    {
        int tables = (metrics + 4) / 5;
        return (metrics + tables - 1) / tables;
    }

    private static int Occurrences(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
