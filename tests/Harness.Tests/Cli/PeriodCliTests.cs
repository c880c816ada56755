using System.Globalization;
using Harness.Core.Metrics;
using Harness.Reports;
using Harness.Tests.Support;
using Harness.Tests.Validator;
using Harness.Results;

namespace Harness.Tests.Cli;

/// <summary>
/// What `validate --by` and `--from/--to` print: per site, a table of the periods (n, events, AUROC,
/// the calibration slope and O/E with their intervals, as results.json has them), a line per metric
/// for the trend, the undated rows, and the rows the window left out.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class PeriodCliTests(HeartModelFixture heart, DriftingSiteFixture drifting) : IClassFixture<DriftingSiteFixture>
{
    private static string[] Lines(string output) => output.Split('\n').Select(l => l.TrimEnd()).ToArray();

    [Fact]
    public void By_year_prints_the_period_table_and_a_trend_line_per_metric_as_results_json_has_them()
    {
        // Given the drifting site validated from the command line --by year
        using var temp = new TempFolder();
        var run = CliRunner.Run("validate", "--model", heart.ModelPath, "--site", drifting.Site.Folder, "--by", "year",
            "--out", temp.Combine("out"), "--device", "cpu", "--bootstrap", "0");
        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        var site = ResultsJson.Read(temp.Combine("out", ResultsJson.FileName)).Sites[0];
        var lines = Lines(run.Output);

        // Then the table is titled, and each year's row holds its n, events, AUROC, slope and O/E with intervals
        Assert.Contains(lines, l => l.Trim() == "drifting by year (95% CI)");
        Assert.Contains(lines, l => l.Contains("period") && l.Contains("events") && l.Contains("AUROC") && l.Contains("Calibration slope") && l.Contains("O/E"));
        foreach (var period in site.Periods!.List)
        {
            string[] cells = [period.Label, period.N.ToString("#,0", CultureInfo.InvariantCulture), period.ClassCounts["disease"].ToString(CultureInfo.InvariantCulture),
                .. new[] { MetricKeys.Auroc, MetricKeys.CalibrationSlope, MetricKeys.OeRatio }.Select(k => ReportFormat.WithInterval(MetricCatalog.Get(k), period.Metrics[k]))];
            var row = Assert.Single(lines, l => l.TrimStart().StartsWith(period.Label + " "));
            Assert.Equal(string.Join(" ", cells), System.Text.RegularExpressions.Regex.Replace(row.Trim(), " +", " "));
        }

        // And one line per metric gives the slope per year on its scale, its interval, p and the periods used
        var auroc = site.Trend!.Metrics[MetricKeys.Auroc];
        Assert.Contains(lines, l => l.Trim() == "drifting trend per year (inverse-variance weighted regression on the period midpoints):");
        string expected = $"AUROC: {ReportFormat.Gap(auroc.SlopePerYear)} per year in logit(AUROC) (95% CI {ReportFormat.Gap(auroc.Ci!.Lower)} to {ReportFormat.Gap(auroc.Ci.Upper)}), p < 0.001, 6 periods.";
        Assert.Contains(expected, string.Join(" ", lines.Select(l => l.Trim())));
        Assert.StartsWith("AUROC: −", expected);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("O/E: ") && l.Contains("per year in ln(O/E)"));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("Calibration slope: ") && l.Contains("per year in the calibration slope"));

        // And the undated rows are said, in a line and a warning
        Assert.Contains(lines, l => l == $"drifting: {site.UndatedRows} rows without a date in no period (in the site's metrics).");
        Assert.Contains(lines, l => l.StartsWith("warning (drifting, undated_rows):"));

        // And the report's over-time section has each year's row (label, hold-out, n, events, AUROC, slope, O/E) and the change per year
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(temp.Combine("out", AuditReport.FileName));
        string report = string.Concat(pdf.GetPages().Select(p => p.Text)).Replace(" ", "");
        Assert.Contains("9.Overtime", report);
        foreach (var period in site.Periods!.List)
            Assert.Contains(string.Concat(new[] { period.Label, period.Holdout, period.N.ToString("#,0", CultureInfo.InvariantCulture),
                period.ClassCounts["disease"].ToString(CultureInfo.InvariantCulture) }
                .Concat(new[] { MetricKeys.Auroc, MetricKeys.CalibrationSlope, MetricKeys.OeRatio }.Select(k => ReportFormat.WithInterval(MetricCatalog.Get(k), period.Metrics[k]))))
                .Replace(" ", ""), report);
        Assert.Contains($"Changeperyear:AUROC(logit){ReportFormat.Gap(auroc.SlopePerYear)}({ReportFormat.Gap(auroc.Ci.Lower)}to{ReportFormat.Gap(auroc.Ci.Upper)})", report);
    }

    [Fact]
    public void From_to_prints_the_rows_within_and_those_left_out()
    {
        // Given the drifting site validated from 2016 to 2017 only
        using var temp = new TempFolder();
        var run = CliRunner.Run("validate", "--model", heart.ModelPath, "--site", drifting.Site.Folder, "--from", "2016-01-01", "--to", "2017-12-31",
            "--out", temp.Combine("out"), "--device", "cpu", "--bootstrap", "0");
        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        var site = ResultsJson.Read(temp.Combine("out", ResultsJson.FileName)).Sites[0];

        // Then one line gives the rows within and left out, as results.json counts them
        int within = drifting.Site.Rows.Count(r => r.Date?.Year is 2016 or 2017);
        Assert.Equal(within, site.N);
        Assert.Equal(drifting.Site.Rows.Count - within - site.Window!.UndatedLeftOut, site.Window.DatedOutside);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"drifting: {within:#,0} rows within --from/--to (2016-01-01 to 2017-12-31); {site.Window.DatedOutside:#,0} rows dated outside the window, {site.Window.UndatedLeftOut} rows undated left out."),
            string.Join(" ", Lines(run.Output).Select(l => l.Trim())));
        Assert.Null(site.Periods);
    }
}
