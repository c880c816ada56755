using Harness.Core.Metrics;
using Harness.Core.ModelCards;
using Harness.Reports;
using Harness.Validator.Results;

namespace Harness.Tests.Reports;

public sealed class AuditReportModelTests
{
    private static readonly DateTimeOffset Generated = new(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Header_says_what_the_report_is_when_it_was_written_and_by_which_Harness()
    {
        // Given validation results run by Harness 0.1.0+test
        var results = ReportFixtures.Results();

        // When the report model is built
        var header = AuditReport.BuildModel(results, Generated).Header;

        // Then the header names the report, the UTC time and the validating Harness
        Assert.Equal("Harness external validation report", header.Title);
        Assert.Equal("2025-06-02 10:00:00 UTC", header.GeneratedUtc);
        Assert.Equal(results.Execution.HarnessVersion, header.HarnessVersion);
    }

    [Fact]
    public void Model_section_identifies_the_exact_model_and_where_inference_ran()
    {
        // Given results for a binary model trained on two sites, validated on the CPU
        var results = ReportFixtures.Results();

        // When the report model is built
        var model = AuditReport.BuildModel(results, Generated).Model;

        // Then the file, full hash, card facts and the execution provider with its reason are all there
        Assert.Equal("model.onnx", model.FileName);
        Assert.Equal(ReportFixtures.ModelSha256, model.Sha256);
        Assert.Equal("2025-05-30 16:45:12 UTC", model.CreatedUtc);
        Assert.Equal("0.1.0+abc1234", model.TrainedWithHarness);
        Assert.Equal("benign, malignant (positive class: malignant)", model.Classes);
        Assert.Equal(30, model.FeatureCount);
        Assert.Equal(
            results.Model.TrainingSites.Select(t => (t.Name, t.Rows, t.ManifestSha256[..12])),
            model.TrainingSites.Select(t => (t.Name, t.Rows, t.ManifestSha256Prefix)));
        Assert.Equal("CPUExecutionProvider", model.Execution.Provider);
        Assert.Equal("auto", model.Execution.Requested);
        Assert.Equal(results.Execution.Reason, model.Execution.Reason);
    }

    [Fact]
    public void Development_reference_lists_the_split_and_its_five_metrics()
    {
        // Given a development evaluation with computed metrics
        var results = ReportFixtures.Results();
        var metrics = results.Development.Metrics;

        // When the report model is built
        var development = AuditReport.BuildModel(results, Generated).Development;

        // Then the split, n, class counts and every metric are shown with 3 decimals
        Assert.Equal(results.Development.Split, development.Split);
        Assert.Equal(400, development.N);
        Assert.Equal(string.Join(", ", results.Development.ClassCounts.Select(c => $"{c.Key} {c.Value}")), development.ClassCounts);
        Assert.Equal(
            [
                ("Accuracy", ExpectedText.Value(metrics[MetricKeys.Accuracy].Value)),
                ("AUROC", ExpectedText.Value(metrics[MetricKeys.Auroc].Value)),
                ("Brier", ExpectedText.Value(metrics[MetricKeys.Brier].Value)),
                ("ECE", ExpectedText.Value(metrics[MetricKeys.Ece].Value)),
                ("Log loss", ExpectedText.Value(metrics[MetricKeys.LogLoss].Value)),
            ],
            development.Metrics.Select(m => (m.Label, m.Value)));
    }

    [Fact]
    public void Report_lists_every_site_with_its_metrics_and_signed_gap()
    {
        // Given four sites scored from hand-made and simulated examples
        var results = ReportFixtures.Results();

        // When the report model is built
        var rows = AuditReport.BuildModel(results, Generated).Sites;

        // Then each row carries the site's own values and site-minus-development gaps
        Assert.Equal(results.Sites.Select(s => s.Name), rows.Select(r => r.Name));
        foreach (var (site, row) in results.Sites.Zip(rows))
        {
            Assert.Equal(site.N, row.N);
            Assert.Equal(ExpectedText.Cell(site.Metrics, site.Gap, MetricKeys.Accuracy), row.Accuracy.Text);
            Assert.Equal(ExpectedText.Cell(site.Metrics, site.Gap, MetricKeys.Auroc), row.Auroc.Text);
            Assert.Equal(ExpectedText.Cell(site.Metrics, site.Gap, MetricKeys.Brier), row.Brier.Text);
            Assert.Equal(ExpectedText.Cell(site.Metrics, site.Gap, MetricKeys.Ece), row.Ece.Text);
        }
    }

    [Fact]
    public void Gap_is_site_minus_development_with_a_true_minus_sign()
    {
        // Given a site whose accuracy is below development's
        var results = ReportFixtures.Results();
        var site = results.Sites.Single(s => s.Name == "Northfield General");
        double development = results.Development.Metrics[MetricKeys.Accuracy].Value!.Value;
        double value = site.Metrics[MetricKeys.Accuracy].Value!.Value;
        Assert.True(value < development);

        // When the report model is built
        var row = AuditReport.BuildModel(results, Generated).Sites.Single(r => r.Name == site.Name);

        // Then the gap is negative, printed with U+2212, and equals site minus development
        Assert.StartsWith("\u2212", row.Accuracy.Gap);
        Assert.Equal(ExpectedText.Gap(value - development), row.Accuracy.Gap);
        Assert.Equal($"{ExpectedText.Value(value)} ({ExpectedText.Gap(value - development)})", row.Accuracy.Text);
    }

    [Fact]
    public void A_site_the_model_was_trained_on_is_flagged_and_explained()
    {
        // Given a site whose manifest the model was trained on
        var results = ReportFixtures.Results();

        // When the report model is built
        var report = AuditReport.BuildModel(results, Generated);

        // Then its row says "trained on" instead of "yes", and a note says it is not external evidence
        var trainedOn = report.Sites.Single(r => r.Name == "Riverside Clinic");
        Assert.False(trainedOn.HeldOut);
        Assert.Equal("trained on", trainedOn.HeldOutText);
        Assert.All(report.Sites.Where(r => r.Name != "Riverside Clinic"), r => Assert.Equal(("yes", true), (r.HeldOutText, r.HeldOut)));
        Assert.Contains(report.SiteNotes, n => n.StartsWith("Riverside Clinic:") && n.Contains("trained on"));
    }

    [Fact]
    public void Undefined_auroc_prints_a_dash_with_no_gap_and_a_note()
    {
        // Given a site with no positive examples, whose AUROC is null
        var results = ReportFixtures.Results();
        var lakeside = results.Sites.Single(s => s.Name == "Lakeside Paediatric");
        Assert.Null(lakeside.Metrics[MetricKeys.Auroc].Value);

        // When the report model is built
        var report = AuditReport.BuildModel(results, Generated);

        // Then the cell is "—", other metrics still print, and a note gives the reason
        var row = report.Sites.Single(r => r.Name == lakeside.Name);
        Assert.Equal("—", row.Auroc.Text);
        Assert.Equal("", row.Auroc.Gap);
        Assert.Equal(ExpectedText.Cell(lakeside.Metrics, lakeside.Gap, MetricKeys.Ece), row.Ece.Text);
        Assert.Equal("0.0%", row.Prevalence);
        Assert.Contains(report.SiteNotes, n => n.StartsWith("Lakeside Paediatric: AUROC") && n.Contains("same class"));
    }

    [Fact]
    public void Reliability_charts_keep_the_non_empty_bins_with_their_counts()
    {
        // Given binary sites with positive-class reliability bins
        var results = ReportFixtures.Results();

        // When the report model is built
        var charts = AuditReport.BuildModel(results, Generated).Charts;

        // Then there is one chart per site, one point per non-empty bin, and the counts add up to n
        Assert.Equal(results.Sites.Select(s => s.Name), charts.Select(c => c.SiteName));
        foreach (var (site, chart) in results.Sites.Zip(charts))
        {
            Assert.Equal(site.Calibration.Bins.Count(b => b.Count > 0), chart.Points.Count);
            Assert.Equal(site.N, chart.Points.Sum(p => p.Count));
            Assert.Equal($"{site.Name} (n={site.N}, ECE={ExpectedText.Value(site.Metrics[MetricKeys.Ece].Value)})", chart.Title);
            Assert.Equal("Predicted risk of malignant", chart.XLabel);
            Assert.Equal("Observed frequency", chart.YLabel);
            Assert.All(chart.Points, p => Assert.InRange(p.MeanPredicted, 0, 1));
        }
    }

    [Fact]
    public void Multiclass_models_show_no_prevalence_and_plot_top_label_confidence()
    {
        // Given a three-class model and a site scored on it
        string[] classes = ["low", "medium", "high"];
        var scores = new ScoredExamples(classes, null, [0, 1, 2, 2, 1, 0],
            [0.7f, 0.2f, 0.1f, 0.2f, 0.5f, 0.3f, 0.1f, 0.3f, 0.6f, 0.2f, 0.5f, 0.3f, 0.3f, 0.4f, 0.3f, 0.5f, 0.4f, 0.1f]);
        var development = new DevelopmentEvaluation("20% holdout", scores.Count,
            new Dictionary<string, int> { ["low"] = 2, ["medium"] = 2, ["high"] = 2 }, ClassificationMetrics.Compute(scores));
        var results = ReportFixtures.Results(development, [ReportFixtures.Site("Clinic M", scores, scores)],
            ReportFixtures.Model(classes, positive: null));

        // When the report model is built
        var report = AuditReport.BuildModel(results, Generated);

        // Then prevalence is "—", classes have no positive class, and the chart plots confidence
        Assert.Equal("—", report.Sites[0].Prevalence);
        Assert.Equal("low, medium, high", report.Model.Classes);
        Assert.Equal("Confidence", report.Charts[0].XLabel);
        Assert.Equal("0.000", report.Sites[0].Accuracy.Gap); // same data as development: no gap, and no sign
    }

    [Fact]
    public void Footer_text_carries_the_first_twelve_characters_of_the_model_hash()
    {
        // Given any results
        var results = ReportFixtures.Results();

        // When the report model is built
        var report = AuditReport.BuildModel(results, Generated);

        // Then the footer names the model by its short hash
        Assert.Equal($"Model SHA-256 {ReportFixtures.ModelSha256[..12]}", report.FooterText);
    }

    [Fact]
    public void Definitions_explain_every_metric_and_the_gap()
    {
        // Given any results
        var report = AuditReport.BuildModel(ReportFixtures.Results(), Generated);

        // When the footnotes are read
        var terms = report.Footnotes.Select(f => f.Term).ToList();

        // Then each metric in the tables, and the gap, is defined; ECE cites its binning
        Assert.Subset(terms.ToHashSet(), new HashSet<string> { "Accuracy", "AUROC", "Brier", "Log loss", "ECE", "Gap" });
        Assert.Contains("15 equal-width", report.Footnotes.Single(f => f.Term == "ECE").Definition);
        Assert.Contains("Guo et al. 2017", report.Footnotes.Single(f => f.Term == "ECE").Definition);
        Assert.Contains("argmax", report.Footnotes.Single(f => f.Term == "Accuracy").Definition);
        Assert.Contains("15 equal-width bins", report.ChartCaption);
    }
}
