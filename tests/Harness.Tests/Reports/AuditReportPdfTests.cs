using Harness.Core.Metrics;
using Harness.Reports;
using Harness.Tests.Support;
using Harness.Validator.Results;
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
        Assert.Equal(2, document.NumberOfPages);
        Assert.All(document.GetPages(), p => Assert.Equal((595, 842), ((int)Math.Round(p.Width), (int)Math.Round(p.Height))));
        Assert.Equal("Harness 0.1.0+test", document.Information.Creator);
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

        // Then the first page names the provider and gives the reason in full
        string page1 = ExpectedText.Squash(document.GetPage(1).Text);
        Assert.Contains("CPUExecutionProvider", page1);
        Assert.Contains(ExpectedText.Squash(results.Execution.Reason), page1);
    }

    [Fact]
    public void Report_lists_every_site_with_its_metrics_and_gap()
    {
        // Given four sites, one trained on and one with an undefined AUROC
        var results = ReportFixtures.Results();

        // When the report is written and read back
        using var document = PdfDocument.Open(Render(results));
        string text = ExpectedText.Squash(AllText(document));

        // Then each site's row shows its name, n, and AUROC, ECE, accuracy and Brier with their gaps
        foreach (var site in results.Sites)
        {
            string row = ExpectedText.Squash(string.Join(" ",
                site.Name,
                site.HeldOut ? "yes" : "trained on",
                site.N.ToString(System.Globalization.CultureInfo.InvariantCulture),
                site.Prevalence is { } p ? (p * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%" : "—",
                ExpectedText.Cell(site.Metrics, site.Gap, MetricKeys.Accuracy),
                ExpectedText.Cell(site.Metrics, site.Gap, MetricKeys.Auroc),
                ExpectedText.Cell(site.Metrics, site.Gap, MetricKeys.Brier),
                ExpectedText.Cell(site.Metrics, site.Gap, MetricKeys.Ece)));
            Assert.Contains(row, text);
        }
        // The undefined AUROC prints as a dash, and the trained-on site is flagged in its row.
        Assert.Contains("LakesidePaediatricyes60.0%", text);
        Assert.Contains("RiversideClinictrainedon", text);
    }

    [Fact]
    public void Development_reference_shows_its_metrics()
    {
        // Given a development evaluation
        var results = ReportFixtures.Results();
        var metrics = results.Development.Metrics;

        // When the report is written and read back
        using var document = PdfDocument.Open(Render(results));
        string page1 = ExpectedText.Squash(document.GetPage(1).Text);

        // Then the split and the five metrics appear, in table order
        Assert.Contains(ExpectedText.Squash(results.Development.Split), page1);
        Assert.Contains(string.Concat(
            new[] { MetricKeys.Accuracy, MetricKeys.Auroc, MetricKeys.Brier, MetricKeys.Ece, MetricKeys.LogLoss }
                .Select(m => ExpectedText.Value(metrics[m].Value))), page1);
    }

    [Fact]
    public void Charts_are_vectors_drawn_once_per_site_and_no_page_holds_a_raster_image()
    {
        // Given four sites, so four reliability diagrams
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
        {
            string title = ExpectedText.Squash($"{site.Name} (n={site.N}, ECE={ExpectedText.Value(site.Metrics[MetricKeys.Ece].Value)})");
            Assert.Equal(1, Occurrences(text, title));
        }
        Assert.Contains("Predictedriskofmalignant", text);
        Assert.Contains("Observedfrequency", text);
    }

    [Fact]
    public void Every_page_has_a_footer_with_page_k_of_n_and_the_short_model_hash()
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
            Assert.Contains($"Page{page.Number}of{n}", text);
            Assert.Contains($"ModelSHA-256{ReportFixtures.ModelSha256[..12]}", text);
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
            Assert.Contains(ExpectedText.Squash($"{site.Name} yes {site.N}"), text);
            Assert.Contains(ExpectedText.Squash($"{site.Name} (n={site.N},"), text);
        }
        foreach (var page in document.GetPages())
        {
            Assert.Contains($"Page{page.Number}of{n}", ExpectedText.Squash(page.Text));
            Assert.Empty(page.GetImages());
        }
        // The table's header row is repeated where the table continues on a new page.
        Assert.Contains("Externalvalidationbysite(continued)", text);
        Assert.True(Occurrences(text, "SiteHeldoutnPrevalence") >= 2);
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

    private static int Occurrences(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
