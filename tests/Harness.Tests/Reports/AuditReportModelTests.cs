using Harness.Core.Metrics;
using Harness.Core.ModelCards;
using Harness.Reports;
using Harness.Results;

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
    public void Development_reference_lists_its_split_threshold_and_every_catalog_metric_with_its_interval()
    {
        // Given a development evaluation with intervals, for a model with an operating threshold
        var results = ReportFixtures.Results();
        var metrics = results.Development.Metrics;

        // When the report model is built
        var report = AuditReport.BuildModel(results, Generated);
        var development = report.Development;

        // Then the split, n, class counts and threshold are stated ...
        Assert.Equal(results.Development.Split, development.Split);
        Assert.Equal(400, development.N);
        Assert.Equal(string.Join(", ", results.Development.ClassCounts.Select(c => $"{c.Key} {c.Value}")), development.ClassCounts);
        Assert.Equal("0.500 (rule: fixed)", development.OperatingPoint);

        // ... and its table holds every binary catalog metric, in catalog order, with its interval and no gap
        var table = report.MetricTables[0];
        Assert.Equal("Development reference", table.Title);
        Assert.False(table.HasGaps);
        var rows = table.Groups.SelectMany(g => g.Rows).ToList();
        Assert.Equal(MetricCatalog.For(binary: true).Select(m => (m.Key, m.Label)), rows.Select(r => (r.Key, r.Label)));
        foreach (var row in rows)
        {
            Assert.Equal(ExpectedText.WithInterval(MetricCatalog.Get(row.Key), metrics[row.Key]), row.Value);
            Assert.Equal("", row.Gap);
        }
        Assert.Contains("–", rows.Single(r => r.Key == MetricKeys.Auroc).Value);
    }

    [Fact]
    public void Report_lists_every_site_with_its_headline_metrics_intervals_and_gaps()
    {
        // Given four sites scored from hand-made and simulated examples, on a binary model
        var results = ReportFixtures.Results();

        // When the report model is built
        var report = AuditReport.BuildModel(results, Generated);

        // Then the headline columns are the catalog's AUROC, calibration slope, O/E and ECE ...
        Assert.Equal(["AUROC", "Calibration slope", "O/E", "ECE"], report.Headline.Select(h => h.Label));
        Assert.Equal(report.Headline.Select(h => MetricCatalog.Get(h.Key).Label), report.Headline.Select(h => h.Label));
        Assert.Equal("Events", report.EventsLabel);

        // ... and each row carries the site's n, events, values with intervals and gaps with intervals
        Assert.Equal(results.Sites.Select(s => s.Name), report.Sites.Select(r => r.Name));
        foreach (var (site, row) in results.Sites.Zip(report.Sites))
        {
            Assert.Equal(site.N, row.N);
            Assert.Equal(site.ClassCounts["malignant"].ToString(System.Globalization.CultureInfo.InvariantCulture), row.Events);
            foreach (var column in report.Headline)
            {
                var metric = MetricCatalog.Get(column.Key);
                var cell = row[column.Key];
                Assert.Equal(ExpectedText.WithInterval(metric, site.Metrics[column.Key]), cell.Value);
                if (site.Metrics[column.Key].Value is not null)
                    Assert.Equal(ExpectedText.GapWithInterval(metric, site.Gap[column.Key]), cell.GapText);
            }
        }

        // The development reference opens the table, with its own values and no gaps.
        Assert.Equal(400, report.DevelopmentRow.N);
        Assert.All(report.DevelopmentRow.Metrics, m => Assert.Equal("", m.GapText));
        Assert.Equal(ExpectedText.WithInterval(MetricCatalog.Get(MetricKeys.Auroc), results.Development.Metrics[MetricKeys.Auroc]),
            report.DevelopmentRow[MetricKeys.Auroc].Value);
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
        var table = AuditReport.BuildModel(results, Generated).MetricTables.Single(t => t.Title == site.Name);
        var row = table.Groups.SelectMany(g => g.Rows).Single(r => r.Key == MetricKeys.Accuracy);

        // Then the gap is negative, printed with U+2212, and equals site minus development
        Assert.StartsWith("\u2212", row.Gap);
        Assert.StartsWith(ExpectedText.Gap(value - development) + " (", row.Gap);
    }

    [Fact]
    public void A_distinguishable_gap_is_marked_worse_or_better_and_an_indistinct_one_is_not()
    {
        // Given sites whose gaps say whether they are distinguishable and worse
        var results = ReportFixtures.Results();

        // When the report model is built
        var report = AuditReport.BuildModel(results, Generated);

        // Then the mark follows the gap's Distinguishable and Worse, in the site table and the full tables alike
        var marks = new List<GapMark>();
        foreach (var site in results.Sites)
        {
            var table = report.MetricTables.Single(t => t.Title == site.Name);
            foreach (var row in table.Groups.SelectMany(g => g.Rows).Where(r => r.Gap.Length > 0))
            {
                var gap = site.Gap[row.Key];
                var expected = gap.Distinguishable == true ? gap.Worse == true ? GapMark.Worse : GapMark.Better : GapMark.None;
                Assert.Equal(expected, row.Mark);
                Assert.Equal(expected switch { GapMark.Worse => "\u25BC " + row.Gap, GapMark.Better => "\u25B2 " + row.Gap, _ => row.Gap }, row.MarkedGap);
                marks.Add(row.Mark);
            }
            foreach (var cell in report.Sites.Single(r => r.Name == site.Name).Metrics.Where(c => c.Gap.Length > 0))
                Assert.Equal(table.Groups.SelectMany(g => g.Rows).Single(r => r.Key == cell.Key).Mark, cell.Mark);
        }
        Assert.Contains(GapMark.Worse, marks);
        Assert.Contains(GapMark.None, marks);
    }

    [Fact]
    public void A_site_the_model_was_trained_on_is_flagged_and_explained()
    {
        // Given a site whose manifest the model was trained on
        var results = ReportFixtures.Results();

        // When the report model is built
        var report = AuditReport.BuildModel(results, Generated);

        // Then its row says "internal" where the others say "institutional", and a note says why it is not external evidence
        var trainedOn = report.Sites.Single(r => r.Name == "Riverside Clinic");
        Assert.False(trainedOn.HeldOut);
        Assert.Equal("internal", trainedOn.HeldOutText);
        Assert.All(report.Sites.Where(r => r.Name != "Riverside Clinic"), r => Assert.Equal(("institutional", true), (r.HeldOutText, r.HeldOut)));
        Assert.Contains(report.SiteNotes, n => n.StartsWith("Riverside Clinic: internal (the same manifest as training site") && n.EndsWith("not external validation."));
        var table = report.MetricTables.Single(t => t.Title == "Riverside Clinic");
        Assert.False(table.HeldOut);
        Assert.Contains("internal hold-out", table.Subtitle);
        Assert.Contains("not external validation", table.Subtitle);
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
        Assert.Equal("—", row[MetricKeys.Auroc].Value);
        Assert.Equal("", row[MetricKeys.Auroc].GapText);
        Assert.Equal(ExpectedText.WithInterval(MetricCatalog.Get(MetricKeys.Ece), lakeside.Metrics[MetricKeys.Ece]), row[MetricKeys.Ece].Value);
        Assert.Equal("0.0%", row.Prevalence);
        Assert.Equal("0", row.Events);
        Assert.Contains(report.SiteNotes, n => n.StartsWith("Lakeside Paediatric: AUROC") && n.Contains("same class"));

        // And the full table shows the dash with the results' own note, and no gap
        var auroc = report.MetricTables.Single(t => t.Title == lakeside.Name).Groups.SelectMany(g => g.Rows).Single(r => r.Key == MetricKeys.Auroc);
        Assert.Equal(("—", ""), (auroc.Value, auroc.Gap));
        Assert.Contains(lakeside.Metrics[MetricKeys.Auroc].Note!.TrimEnd('.'), auroc.Note);
    }

    [Fact]
    public void Full_metric_tables_group_every_metric_the_results_hold_as_the_catalog_does()
    {
        // Given results with an operating threshold
        var results = ReportFixtures.Results();

        // When the report model is built
        var report = AuditReport.BuildModel(results, Generated);

        // Then there is a table for development and one per site, in order
        Assert.Equal(["Development reference", .. results.Sites.Select(s => s.Name)], report.MetricTables.Select(t => t.Title));
        foreach (var site in results.Sites)
        {
            var table = report.MetricTables.Single(t => t.Title == site.Name);
            Assert.True(table.HasGaps);

            // Groups are the catalog's, in catalog order, each holding its catalog metrics
            var expected = MetricCatalog.For(binary: true).Where(m => site.Metrics.TryGet(m.Key, out _)).GroupBy(m => m.Group).ToList();
            Assert.Equal(expected.Select(g => char.ToUpperInvariant(g.Key[0]) + g.Key[1..]), table.Groups.Select(g => g.Title));
            Assert.Equal(expected.Select(g => g.Select(m => m.Key).ToList()), table.Groups.Select(g => g.Rows.Select(r => r.Key).ToList()));

            foreach (var row in table.Groups.SelectMany(g => g.Rows))
            {
                var metric = MetricCatalog.Get(row.Key);
                var value = site.Metrics[row.Key];
                Assert.Equal(metric.Label, row.Label);
                Assert.Equal(ExpectedText.WithInterval(metric, value), row.Value);
                Assert.Equal(value.Value is null ? "" : ExpectedText.GapWithInterval(metric, site.Gap[row.Key]), row.Gap);
                // A value or interval that is absent says why.
                if (value.Value is null || value.Ci is null) Assert.NotEqual("", row.Note);
            }

            // The threshold metrics are introduced by the operating threshold and its rule.
            var threshold = table.Groups.Single(g => g.Title == "At the operating threshold");
            Assert.Contains("0.500 (rule: fixed)", threshold.Preamble);
            Assert.All(table.Groups.Where(g => g != threshold), g => Assert.Null(g.Preamble));
        }
    }

    [Fact]
    public void Verdicts_and_every_warning_are_listed_in_plain_words()
    {
        // Given results judged by criteria (one failure, one inconclusive), with run and site warnings
        var results = ReportFixtures.Judged();

        // When the report model is built
        var report = AuditReport.BuildModel(results, Generated);

        // Then the overall verdict is FAIL and every rule's verdict is listed with its site and reason
        var criteria = Assert.IsType<CriteriaSummary>(report.Criteria);
        Assert.Equal(Verdict.Fail, criteria.Overall);
        Assert.Equal("FAIL", criteria.OverallText);
        Assert.StartsWith("criteria/acceptance.json (SHA-256 ", criteria.Source);
        Assert.Equal(
            results.Criteria!.Verdicts.Select(v => (v.Rule, v.Site, v.Verdict.ToString().ToUpperInvariant(), v.Reason)),
            criteria.Verdicts.Select(v => (v.Rule, v.Site, v.VerdictText, v.Reason)));

        // And every warning is there, the run's first, then each site's, with its message unchanged
        Assert.Equal(
            [("Whole run", ReportFixtures.CpuWarning.Message), ("Northfield General", ReportFixtures.SmallSiteWarning.Message),
             ("Lakeside Paediatric", ReportFixtures.SingleClassWarning.Message)],
            report.Warnings.Select(w => (w.Where, w.Message)));
    }

    [Fact]
    public void Without_criteria_there_is_no_verdict()
    {
        var report = AuditReport.BuildModel(ReportFixtures.Results(), Generated);
        Assert.Null(report.Criteria);
    }

    [Fact]
    public void Reliability_charts_keep_the_non_empty_bins_with_their_counts_and_the_loess_curve()
    {
        // Given binary sites with positive-class reliability bins and loess curves
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
            // The loess curve, point for point, when the results hold one.
            Assert.Equal(
                (site.Calibration.Flexible ?? []).Select(p => (p.Predicted, p.Observed)),
                chart.Curve.Select(p => (p.Predicted, p.Observed)));
        }
        Assert.Contains(charts, c => c.Curve.Count > 1);
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
        Assert.Empty(report.Charts[0].Curve);
        Assert.Equal("0.000", report.Sites[0][MetricKeys.Accuracy].Gap); // same data as development: no gap, and no sign

        // And the headline is AUROC, accuracy, ECE and log loss; counts are per class; no threshold group
        Assert.Equal(["AUROC", "Accuracy", "ECE", "Log loss"], report.Headline.Select(h => h.Label));
        Assert.Equal(("Per class", "2 / 2 / 2"), (report.EventsLabel, report.Sites[0].Events));
        Assert.Null(report.Development.OperatingPoint);
        Assert.DoesNotContain(report.MetricTables.SelectMany(t => t.Groups), g => g.Title == "At the operating threshold");
        Assert.Equal(MetricCatalog.For(binary: false).Select(m => m.Label), report.Definitions.Select(d => d.Label));
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
    public void Definitions_come_from_the_catalog_with_direction_and_interval_method()
    {
        // Given any binary results
        var report = AuditReport.BuildModel(ReportFixtures.Results(), Generated);

        // When the definitions are read
        var definitions = report.Definitions;

        // Then every binary catalog metric is defined in catalog order, by the catalog's own words
        Assert.Equal(MetricCatalog.For(binary: true).Select(m => (m.Key, m.Label, m.Formula, m.DirectionText)),
            definitions.Select(d => (d.Key, d.Label, d.Formula, d.Direction)));
        Assert.Contains("15 equal-width", definitions.Single(d => d.Label == "ECE").Formula);
        Assert.Contains("Guo et al. 2017", definitions.Single(d => d.Label == "ECE").Formula);
        Assert.Contains("argmax", definitions.Single(d => d.Label == "Accuracy").Formula);
        Assert.Contains("DeLong", definitions.Single(d => d.Key == MetricKeys.Auroc).Interval);
        Assert.Contains("Wald", definitions.Single(d => d.Key == MetricKeys.CalibrationSlope).Interval);
        Assert.Contains("log scale", definitions.Single(d => d.Key == MetricKeys.OeRatio).Interval);
        Assert.Contains("bootstrap", definitions.Single(d => d.Key == MetricKeys.Brier).Interval);
        Assert.Contains("15 equal-width bins", report.ChartCaption);
        Assert.Contains("loess", report.ChartCaption);
    }

    [Fact]
    public void Intervals_paragraph_states_level_resamples_seed_and_methods_and_terms_define_the_gap()
    {
        // Given results with 95% intervals from 200 resamples, seed 42
        var results = ReportFixtures.Results();

        // When the report model is built
        var report = AuditReport.BuildModel(results, Generated);

        // Then the intervals paragraph says how every interval was made
        string text = report.IntervalsText;
        foreach (string part in new[] { "95%", "200", "seed 42", "Sun & Xu", "AUROC", "Calibration intercept and Calibration slope: Wald",
                     "O/E: Wald on the log scale", "stratified", "patient-clustered", "percentile", "both samples" })
            Assert.Contains(part, text);

        // And the gap, distinguishable, development and trained-on sites are defined
        var terms = report.Terms.ToDictionary(t => t.Term, t => t.Definition);
        Assert.Subset(terms.Keys.ToHashSet(), new HashSet<string> { "Gap", "Distinguishable", "Development", "Trained on" });
        Assert.Contains("excludes 0", terms["Distinguishable"]);
        Assert.Contains(AuditReport.WorseMark, terms["Distinguishable"]);
        Assert.Contains("site − development", terms["Gap"]);
    }
}
