using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.ModelCards;
using Harness.Reports;
using Harness.Reports.Rendering;
using Harness.Reports.Sections.Checklist;
using Harness.Results;
using Harness.Tests.Support;
using UglyToad.PdfPig;

namespace Harness.Tests.Reports;

/// <summary>The report's structure: the verdict page against results.json, contents and checklist pages, the printable area, fonts, the attachment.</summary>
public sealed class AuditReportStructureTests
{
    private static readonly DateTimeOffset Generated = new(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);

    private static byte[] Render(ValidationResults results)
    {
        using var pdf = new MemoryStream();
        AuditReport.Write(results, pdf, Generated);
        return pdf.ToArray();
    }

    /// <summary>The pages of the verdict: from page 1 up to (not including) the contents' heading.</summary>
    private static string VerdictText(PdfDocument document)
    {
        var text = new System.Text.StringBuilder();
        foreach (var page in document.GetPages())
        {
            string squashed = ExpectedText.Squash(page.Text);
            int contents = squashed.IndexOf("2.Contents", StringComparison.Ordinal);
            text.Append(contents >= 0 ? squashed[..contents] : squashed);
            if (contents >= 0) break;
        }
        return text.ToString();
    }

    [Fact]
    public void Every_number_on_the_verdict_pages_is_results_json_formatted_and_every_site_is_named()
    {
        // Given results with criteria, read back from their own JSON (what harness report re-renders from)
        var judged = ReportFixtures.Judged();
        var results = ResultsJson.Parse(ResultsJson.Serialize(judged), "results.json");

        // When the report is written and its verdict pages are read back
        using var document = PdfDocument.Open(Render(results));
        string verdict = VerdictText(document);

        // Then the model hash, every site with its hold-out, n, events and each headline value, interval and gap are there, formatted as results.json holds them
        Assert.Contains(results.Model.Sha256, verdict);
        Assert.Contains("Overall:FAIL", verdict);
        foreach (var site in results.Sites)
        {
            Assert.Contains(ExpectedText.Squash(site.Name), verdict);
            Assert.Contains(ExpectedText.Squash(site.HeldOut ? site.Holdout : site.Holdout + ": not external"), verdict);
            foreach (string key in MetricCatalog.BinaryHeadline)
            {
                var metric = MetricCatalog.Get(key);
                Assert.Contains(ExpectedText.Squash(ExpectedText.WithInterval(metric, site.Metrics[key])), verdict);
                if (site.Metrics[key].Value is not null && site.Gap[key].Value is not null)
                    Assert.Contains(ExpectedText.Squash(ExpectedText.GapWithInterval(metric, site.Gap[key])), verdict);
            }
        }
        // each site with rules carries its worst verdict, and every warning is there in words
        Assert.Contains("St Mary's HospitalinstitutionalFAIL(1of2rules)".Replace(" ", ""), verdict.Replace("’", "'"));
        foreach (var warning in results.Warnings.Concat(results.Sites.SelectMany(s => s.Warnings)))
            Assert.Contains(ExpectedText.Squash(warning.Message), verdict);
    }

    [Fact]
    public void The_contents_and_the_checklist_give_the_page_each_section_starts_on_and_every_item_is_present()
    {
        // Given the standard results
        using var document = PdfDocument.Open(Render(ReportFixtures.Judged()));
        var pages = document.GetPages().Select(p => ExpectedText.Squash(p.Text)).ToList();
        string all = string.Concat(pages);

        // Then each section heading "N. Title" is on the page the contents line gives
        var titles = new[] { "Acceptance criteria", "Provenance", "Data", "Discrimination", "Calibration", "Generalisation gaps", "Over time",
            "Subgroups", "Dataset shift", "Clinical utility", "Training record", "Reporting checklist (TRIPOD+AI)", "Limitations", "Definitions" };
        int contentsPage = pages.FindIndex(p => p.Contains("2.Contents", StringComparison.Ordinal));
        Assert.True(contentsPage >= 0);
        for (int i = 0; i < titles.Length; i++)
        {
            string heading = ExpectedText.Squash($"{i + 3}. {titles[i]}");
            int page = pages.FindIndex(contentsPage + 1, p => p.Contains(heading, StringComparison.Ordinal)) + 1;
            Assert.True(page > 0, $"{heading} is missing");
            Assert.Contains(heading + page, pages[contentsPage]); // the contents line ends with its page
            // and the checklist sends each of its items to the same page
            foreach (var item in ChecklistSection.Items.Where(x => x.Section is not null))
                if (titles[i] == SectionTitle(item.Section!))
                    Assert.Contains(ExpectedText.Squash($"{item.Item} {item.Topic} {titles[i]}, page {page}"), all);
        }
        foreach (var item in ChecklistSection.Items.Where(x => x.Section is null))
            Assert.Contains(ExpectedText.Squash($"{item.Item} {item.Topic} not available from the data"), all);
        Assert.Equal(ChecklistSection.Items.Count, ChecklistSection.Items.Select(i => i.Item).Distinct().Count());
    }

    private static string SectionTitle(string id) => id switch
    {
        "provenance" => "Provenance", "data" => "Data", "discrimination" => "Discrimination", "calibration" => "Calibration", "gaps" => "Generalisation gaps",
        "subgroups" => "Subgroups", "shift" => "Dataset shift", "clinical-utility" => "Clinical utility", "training" => "Training record",
        "limitations" => "Limitations", "definitions" => "Definitions", _ => throw new ArgumentException(id),
    };

    public static TheoryData<int> SiteCounts => new() { 1, 30 };

    [Theory]
    [MemberData(nameof(SiteCounts))]
    public void With_one_site_or_thirty_nothing_is_laid_out_beyond_the_printable_area(int sites)
    {
        // Given 1 or 30 sites
        var results = ReportFixtures.ManySites(sites);

        // When the layout is drawn (every block declares the rectangle it inks)
        using var pdf = new MemoryStream();
        ReportDocument.Render(results, pdf, Generated, out var overflows);

        // Then no block reaches outside the page less its 40 pt margins, and every page is A4
        Assert.Empty(overflows);
        using var document = PdfDocument.Open(pdf.ToArray());
        Assert.All(document.GetPages(), p => Assert.Equal((595, 842), ((int)Math.Round(p.Width), (int)Math.Round(p.Height))));
        if (sites == 30)
        {
            // a 30-site table runs over pages with its header row repeated under a "(continued)" heading
            string text = ExpectedText.Squash(string.Concat(document.GetPages().Select(p => p.Text)));
            Assert.Contains("Sites(continued)SitenEventsAUROC", text);
        }
    }

    [Fact]
    public void Long_site_names_wrap_inside_their_cells_and_lose_no_character()
    {
        // Given a site with a long name of many words and one with a long name without a space
        var standard = ReportFixtures.Results();
        string words = "The Royal Infirmary of the Northern Counties and the Western Isles, Department of Cardiology and Cardiothoracic Surgery (adult outpatients)";
        string unbroken = "Krankenhausinformationssystemabteilungfuerkardiologischeaussenstellenundtelemedizin";
        var results = standard with { Sites = [standard.Sites[0] with { Name = words }, standard.Sites[2] with { Name = unbroken }] };

        // When the report is laid out and drawn
        using var pdf = new MemoryStream();
        ReportDocument.Render(results, pdf, Generated, out var overflows);

        // Then nothing reaches outside the printable area and both names read back whole
        Assert.Empty(overflows);
        using var document = PdfDocument.Open(pdf.ToArray());
        string text = ExpectedText.Squash(string.Concat(document.GetPages().Select(p => p.Text)));
        Assert.Contains(ExpectedText.Squash(words), text);
        Assert.Contains(unbroken, text);
    }

    [Fact]
    public void A_cjk_site_name_is_drawn_with_the_shipped_fallback_font_and_no_replacement()
    {
        // Given a site named in Japanese and Korean
        var standard = ReportFixtures.Results();
        const string name = "東京大学病院 서울";
        var results = standard with { Sites = [standard.Sites[0] with { Name = name }] };

        // When the report is written
        using var pdf = new MemoryStream();
        var shown = AuditReport.Write(results, pdf, Generated);

        // Then no warning of undrawable characters was added, the name's letters are in the Droid Sans Fallback subset, and the text reads back
        Assert.DoesNotContain(shown.Warnings, w => w.Code == WarningCodes.UndrawableCharacters);
        using var document = PdfDocument.Open(pdf.ToArray());
        var letters = document.GetPages().SelectMany(p => p.Letters).Where(l => name.Contains(l.Value, StringComparison.Ordinal) && l.Value.Trim().Length > 0
            && l.Value[0] > 0x2000).ToList();
        Assert.NotEmpty(letters);
        Assert.All(letters, l => Assert.Contains("DroidSansFallback", l.FontName));
        Assert.Contains(ExpectedText.Squash(name), ExpectedText.Squash(document.GetPage(1).Text));
    }

    [Fact]
    public void A_character_no_shipped_font_has_becomes_a_warning_in_the_report_and_the_returned_results()
    {
        var standard = ReportFixtures.Results();
        var results = standard with { Sites = [standard.Sites[0] with { Name = "Site \u0378" }] };

        using var pdf = new MemoryStream();
        var shown = AuditReport.Write(results, pdf, Generated);

        var warning = Assert.Single(shown.Warnings, w => w.Code == WarningCodes.UndrawableCharacters);
        Assert.Contains("U+0378", warning.Message);
        using var document = PdfDocument.Open(pdf.ToArray());
        Assert.Contains(ExpectedText.Squash("Whole run: " + warning.Message), ExpectedText.Squash(document.GetPage(1).Text + document.GetPage(2).Text));
    }

    [Fact]
    public void The_same_results_and_time_give_a_byte_identical_small_file_that_embeds_its_results()
    {
        // Given the standard results
        var results = ReportFixtures.Judged();

        // When the report is written twice with the same time
        byte[] first = Render(results), second = Render(results);

        // Then the files are identical, the fonts are subsets (each a few tens of kB at most), and the embedded results are results.json's bytes
        Assert.Equal(first, second);
        using var temp = new TempFolder();
        string path = temp.Combine("report.pdf");
        File.WriteAllBytes(path, first);
        Assert.Equal(ResultsJson.Serialize(results), ResultsJson.Serialize(AuditReport.ReadEmbedded(path)));
        using var stream = File.OpenRead(path);
        Assert.Equal(ResultsJson.Serialize(results), PdfAttachment.Read(stream)[AuditReport.AttachmentName]);
        Assert.True(first.Length < 400_000, $"{first.Length} bytes");
        Assert.True(AuditReport.IsReport(path));
    }

    [Fact]
    public void A_pdf_without_results_or_not_a_pdf_is_an_input_error_naming_the_file()
    {
        using var temp = new TempFolder();
        string text = temp.Combine("notes.pdf");
        File.WriteAllText(text, "not a pdf");
        var e = Assert.Throws<InputException>(() => AuditReport.ReadEmbedded(text));
        Assert.StartsWith(PathDisplay.Of(text) + ": is not a PDF", e.Message);
        Assert.False(AuditReport.IsReport(text));
    }

    [Fact]
    public void A_multiclass_report_has_its_own_headline_per_class_counts_and_says_what_needs_a_binary_model()
    {
        // Given a three-class model and a site scored on it
        string[] classes = ["low", "medium", "high"];
        var scores = new ScoredExamples(classes, null, [0, 1, 2, 2, 1, 0],
            [0.7f, 0.2f, 0.1f, 0.2f, 0.5f, 0.3f, 0.1f, 0.3f, 0.6f, 0.2f, 0.5f, 0.3f, 0.3f, 0.4f, 0.3f, 0.5f, 0.4f, 0.1f]);
        var development = new DevelopmentEvaluation("20% holdout", scores.Count,
            new Dictionary<string, int> { ["low"] = 2, ["medium"] = 2, ["high"] = 2 }, ClassificationMetrics.Compute(scores));
        var results = ReportFixtures.Results(development, [ReportFixtures.Site("Clinic M", scores, scores)], ReportFixtures.Model(classes, positive: null));

        // When the report is drawn
        using var pdf = new MemoryStream();
        ReportDocument.Render(results, pdf, Generated, out var overflows);
        using var document = PdfDocument.Open(pdf.ToArray());
        string text = ExpectedText.Squash(string.Concat(document.GetPages().Select(p => p.Text)));

        // Then the verdict table's headline is AUROC, accuracy, ECE and log loss with per-class counts, the charts plot confidence,
        // no threshold metric appears, and the binary-only parts say why they are absent
        Assert.Empty(overflows);
        Assert.Contains(ExpectedText.Squash("Site n Per class AUROC (95% CI; gap) Accuracy (95% CI; gap) ECE (95% CI; gap) Log loss (95% CI; gap)"), text);
        Assert.Contains(ExpectedText.Squash("Clinic M institutional 6 2 / 2 / 2"), text);
        Assert.Contains("Confidence", text);
        Assert.DoesNotContain("Sensitivity", text);
        Assert.Contains(ExpectedText.Squash("ROC and precision-recall curves are drawn for binary models"), text);
        Assert.Contains(ExpectedText.Squash("Decision curves need a binary model"), text);
        Assert.Contains(ExpectedText.Squash("The model records no operating threshold"), text);
    }

    [Fact]
    public void Sections_without_data_say_so_in_one_line()
    {
        // Given results without periods, subgroups, shift, decision curves or cross-validation
        using var document = PdfDocument.Open(Render(ReportFixtures.Results()));
        string text = ExpectedText.Squash(string.Concat(document.GetPages().Select(p => p.Text)));

        Assert.Contains(ExpectedText.Squash("9. Over time No periods: validate with --by"), text);
        Assert.Contains(ExpectedText.Squash("10. Subgroups No subgroups: validate with --subgroup"), text);
        Assert.Contains(ExpectedText.Squash("11. Dataset shift No shift statistics"), text);
        Assert.Contains(ExpectedText.Squash("12. Clinical utility No decision curves"), text);
        Assert.Contains(ExpectedText.Squash("13. Training record The model card (format 4) records no cross-validation"), text);
    }
}
