using System.Globalization;
using System.Text.Json;
using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.Statistics;
using Harness.Tests.Metrics;
using Harness.Tests.Support;
using Harness.Validator;
using Harness.Results;

namespace Harness.Tests.Validator;

/// <summary>
/// A generated dated heart site (<see cref="DatedHeartSite"/>): 2015 to 2020, 400 rows a year,
/// a label replaced by a coin with probability 0.1 per year since 2015, every 97th row undated.
/// </summary>
public sealed class DriftingSiteFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public DriftingSiteFixture() =>
        Site = DatedHeartSite.Write(_folder.Combine("drifting"), firstYear: 2015, years: 6, rowsPerYear: 400, noisePerYear: 0.1, undatedEvery: 97, seed: 2024);

    public DatedHeartSite Site { get; }

    public void Dispose() => _folder.Dispose();
}

/// <summary>
/// `validate --by` and `--from/--to`: each period's metrics are MetricEstimator's on that period's
/// rows (selected here, from the generator's own dates), the trend is statsmodels' weighted least
/// squares on the periods' estimates, the window leaves out exactly the rows outside it (and says
/// how many), and dates a run cannot use are refused before any row is scored.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class PeriodValidationTests(HeartModelFixture heart, DriftingSiteFixture drifting) : IClassFixture<DriftingSiteFixture>
{
    private static readonly IntervalOptions Intervals = new() { Resamples = 200 };
    private static readonly string[] Classes = ["no_disease", "disease"];

    private (ValidationResults Results, Dictionary<string, (string Label, float[] P)> Predictions) Validate(ValidationOptions options, params string[] sites)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var results = ValidationRun.Run(heart.ModelPath, sites, options with { Device = DeviceRequest.Cpu, Intervals = Intervals }, text);
        var predictions = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(','))
            .ToDictionary(c => c[1], c => (c[3], new[] { float.Parse(c[4], CultureInfo.InvariantCulture), float.Parse(c[5], CultureInfo.InvariantCulture) }));
        return (results, predictions);
    }

    /// <summary>The generated rows <paramref name="keep"/> selects, in file order, scored as predictions.csv scored them.</summary>
    private ScoredExamples Scored(Dictionary<string, (string Label, float[] P)> predictions, Func<DatedHeartSite.Row, bool> keep)
    {
        var rows = drifting.Site.Rows.Where(keep).ToList();
        foreach (var row in rows) Assert.Equal(row.Label, predictions[row.Id].Label);
        return new ScoredExamples(Classes, 1, rows.Select(r => Array.IndexOf(Classes, r.Label)).ToArray(),
            rows.SelectMany(r => predictions[r.Id].P).ToArray());
    }

    private static void SameMetrics(MetricSet expected, MetricSet actual, string where)
    {
        Assert.Equal(expected.Names, actual.Names);
        foreach (var (key, value) in expected)
        {
            var got = actual[key];
            Assert.True(value.Value is null == got.Value is null, $"{where} {key}: defined on one side only");
            if (value.Value is not { } v) continue;
            Assert.True(Math.Abs(v - got.Value!.Value) <= 1e-12, $"{where} {key}: expected {v:R}, got {got.Value:R}");
            Assert.Equal(value.Ci is null, got.Ci is null);
            if (value.Ci is null) continue;
            Assert.Equal(value.Ci.Lower, got.Ci!.Lower, 1e-12);
            Assert.Equal(value.Ci.Upper, got.Ci.Upper, 1e-12);
            Assert.Equal(value.Ci.Method, got.Ci.Method);
        }
    }

    [Fact]
    public void By_year_each_period_has_every_metric_of_its_own_rows_and_the_AUROC_trend_is_negative_and_distinguishable()
    {
        // Given the drifting site validated --by year
        var (results, predictions) = Validate(new ValidationOptions { By = PeriodUnit.Year }, drifting.Site.Folder);
        var site = Assert.Single(results.Sites);
        double threshold = results.Model.OperatingPoint!.Threshold;

        // Then there is one period per year, in order, each with its calendar days and midpoint
        var periods = site.Periods!;
        Assert.Equal("year", periods.By);
        Assert.Equal(["2015", "2016", "2017", "2018", "2019", "2020"], periods.List.Select(p => p.Label));
        foreach (var period in periods.List)
        {
            int year = int.Parse(period.Label, CultureInfo.InvariantCulture);
            Assert.Equal(new DateOnly(year, 1, 1), period.From);
            Assert.Equal(new DateOnly(year, 12, 31), period.To);
            Assert.Equal(year + 0.5, period.MidpointYear, 1e-12);

            // And its n, class counts and every catalog metric with its interval are MetricEstimator's
            // on the rows the generator dated in that year (sample key "site/year"), and its AUROC the naive pair count's
            var rows = Scored(predictions, r => r.Date?.Year == year);
            Assert.Equal(rows.Count, period.N);
            Assert.Equal(rows.Labels.Count(l => l == 1), period.ClassCounts["disease"]);
            var expected = MetricEstimator.Estimate(rows, threshold, Intervals, $"drifting/{year}");
            SameMetrics(expected.Metrics, period.Metrics, period.Label);
            Assert.Equal(NaiveMetrics.Auroc(rows)!.Value, period.Metrics[MetricKeys.Auroc].Value!.Value, 1e-9);
        }

        // And the undated rows are counted, in the site's metrics and in no period, with a warning
        int undated = drifting.Site.Rows.Count(r => r.Date is null);
        Assert.Equal(undated, site.UndatedRows);
        Assert.Equal(drifting.Site.Rows.Count, site.N);
        Assert.Equal(site.N - undated, periods.List.Sum(p => p.N));
        var warning = Assert.Single(site.Warnings, w => w.Code == WarningCodes.UndatedRows);
        Assert.Equal($"{undated} of 2,400 rows have no date: they count in the site's metrics but in no period.", warning.Message);
        Assert.DoesNotContain(site.Warnings, w => w.Code == WarningCodes.FewEventsInPeriods);

        // And the drift shows: AUROC falls, its trend per year is negative with an interval below 0, over 6 periods
        var auroc = site.Trend!.Metrics[MetricKeys.Auroc];
        Assert.Equal(6, auroc.Periods);
        Assert.True(auroc.SlopePerYear < 0 && auroc.Ci!.Upper < 0 && auroc.Distinguishable == true && auroc.P < 0.001,
            $"AUROC trend {auroc.SlopePerYear} ({auroc.Ci?.Lower} to {auroc.Ci?.Upper}), p = {auroc.P}");
        Assert.True(periods.List[^1].Metrics.ValueOf(MetricKeys.Auroc) < periods.List[0].Metrics.ValueOf(MetricKeys.Auroc));
    }

    [PythonFact("numpy", "statsmodels")]
    public void The_trend_in_results_json_is_statsmodels_WLS_of_the_period_estimates_on_their_midpoints()
    {
        // Given the drifting site validated --by year, results.json written and read back
        var (results, _) = Validate(new ValidationOptions { By = PeriodUnit.Year }, drifting.Site.Folder);
        using var temp = new TempFolder();
        ResultsJson.Write(results, temp.Combine(ResultsJson.FileName));
        var site = ResultsJson.Read(temp.Combine(ResultsJson.FileName)).Sites[0];
        double z = NormalDistribution.Quantile(0.975);

        foreach (var key in new[] { MetricKeys.Auroc, MetricKeys.OeRatio, MetricKeys.CalibrationSlope })
        {
            // When each period's estimate goes to the pooling scale with the SE behind its 95% interval
            // (DeLong and Wald: (upper − lower)/2z, AUROC then divided by A(1 − A); O/E: (ln upper − ln lower)/2z)
            // and weighted_trend.py regresses it on the midpoints
            var (t, y, v) = (new List<double>(), new List<double>(), new List<double>());
            foreach (var period in site.Periods!.List)
            {
                var m = period.Metrics[key];
                double x = m.Value!.Value, lower = m.Ci!.Lower, upper = m.Ci.Upper;
                (double yi, double se) = key switch
                {
                    MetricKeys.Auroc => (Math.Log(x / (1 - x)), (upper - lower) / (2 * z) / (x * (1 - x))),
                    MetricKeys.OeRatio => (Math.Log(x), (Math.Log(upper) - Math.Log(lower)) / (2 * z)),
                    _ => (x, (upper - lower) / (2 * z)),
                };
                t.Add(period.MidpointYear);
                y.Add(yi);
                v.Add(se * se);
            }
            var (exit, output) = IndependentChecks.WeightedTrend(0.95, t, y, v);
            Assert.True(exit == 0, output);
            using var json = JsonDocument.Parse(output);
            double Py(string name) => json.RootElement.GetProperty(name).GetDouble();

            // Then slope, SE, z, p and interval agree within 1e-8
            var trend = site.Trend!.Metrics[key];
            Assert.Equal(Py("slope"), trend.SlopePerYear!.Value, 1e-8);
            Assert.Equal(Py("se"), trend.StandardError!.Value, 1e-8);
            Assert.Equal(Py("z"), trend.Z!.Value, 1e-7);
            Assert.Equal(Py("p"), trend.P!.Value, 1e-8);
            Assert.Equal(Py("ci_lower"), trend.Ci!.Lower, 1e-8);
            Assert.Equal(Py("ci_upper"), trend.Ci.Upper, 1e-8);
            Assert.Equal(Py("residual_q"), trend.ResidualQ!.Value, 1e-6);
        }
    }

    [Fact]
    public void From_to_scores_only_the_rows_dated_within_and_counts_those_left_out()
    {
        // Given the drifting site validated from 2016-03-01 to 2018-10-31
        var window = new DateWindow(new DateOnly(2016, 3, 1), new DateOnly(2018, 10, 31));
        var (results, predictions) = Validate(new ValidationOptions { Window = window }, drifting.Site.Folder);
        var site = Assert.Single(results.Sites);

        // Then predictions.csv holds exactly the rows the generator dated within the window
        var within = drifting.Site.Rows.Where(r => r.Date is { } d && d >= window.From && d <= window.To).Select(r => r.Id).ToHashSet();
        Assert.Equal(within.Order(), predictions.Keys.Order());

        // And n and every metric are those of these rows; the rows left out are counted by kind
        var rows = Scored(predictions, r => within.Contains(r.Id));
        Assert.Equal(within.Count, site.N);
        SameMetrics(MetricEstimator.Estimate(rows, results.Model.OperatingPoint!.Threshold, Intervals, "drifting").Metrics, site.Metrics, "window");
        int undated = drifting.Site.Rows.Count(r => r.Date is null);
        Assert.Equal(new WindowCounts(window.From, window.To, drifting.Site.Rows.Count - undated - within.Count, undated), site.Window);
        Assert.Null(site.Periods);
        Assert.Contains(site.Warnings, w => w.Code == WarningCodes.UndatedRows && w.Message.StartsWith($"{undated} rows without a date were left out by --from/--to"));
    }

    [Fact]
    public void With_a_window_the_periods_are_clipped_to_it()
    {
        // Given the drifting site validated by quarter from 2016-03-01 to 2018-10-31
        var window = new DateWindow(new DateOnly(2016, 3, 1), new DateOnly(2018, 10, 31));
        var (results, predictions) = Validate(new ValidationOptions { Window = window, By = PeriodUnit.Quarter, Intervals = Intervals }, drifting.Site.Folder);
        var site = results.Sites[0];
        var periods = site.Periods!.List;

        // Then the quarters run from 2016-Q1 (from 2016-03-01) to 2018-Q4 (to 2018-10-31), and their rows add up to n
        Assert.Equal(12, periods.Count);
        Assert.Equal(("2016-Q1", new DateOnly(2016, 3, 1), new DateOnly(2016, 3, 31)), (periods[0].Label, periods[0].From, periods[0].To));
        Assert.Equal(("2016-Q2", new DateOnly(2016, 4, 1), new DateOnly(2016, 6, 30)), (periods[1].Label, periods[1].From, periods[1].To));
        Assert.Equal(("2018-Q4", new DateOnly(2018, 10, 1), new DateOnly(2018, 10, 31)), (periods[^1].Label, periods[^1].From, periods[^1].To));
        Assert.Equal(2016 + (31 + 29 + 15.5) / 366, periods[0].MidpointYear, 1e-12); // the middle of March 2016, a leap year
        Assert.Equal(site.N, periods.Sum(p => p.N));
        Assert.Equal(0, site.UndatedRows);

        // And a clipped period's metrics are those of its rows
        var march = Scored(predictions, r => r.Date is { Year: 2016, Month: 3 });
        SameMetrics(MetricEstimator.Estimate(march, results.Model.OperatingPoint!.Threshold, Intervals, "drifting/2016-Q1").Metrics, periods[0].Metrics, "2016-Q1");
    }

    [Fact]
    public void Monthly_periods_under_100_events_are_named_in_one_warning()
    {
        // Given the drifting site by month (about 33 rows a month)
        var (results, _) = Validate(new ValidationOptions { By = PeriodUnit.Month }, drifting.Site.Folder);
        var site = results.Sites[0];

        // Then one warning names the first six small months and counts the rest
        Assert.Equal(72, site.Periods!.List.Count);
        var warning = Assert.Single(site.Warnings, w => w.Code == WarningCodes.FewEventsInPeriods);
        Assert.StartsWith("72 of 72 month periods have fewer than 100 events or non-events (Riley et al. 2021)", warning.Message);
        Assert.EndsWith("; and 66 more.", warning.Message);
        var first = site.Periods.List[0];
        Assert.Contains($"2015-01 ({first.ClassCounts["disease"]} events, {first.N - first.ClassCounts["disease"]} non-events)", warning.Message);
        Assert.Equal(72, warning.Numbers.Count);
    }

    private sealed class Recorder : IValidationProgress
    {
        public List<string> Started { get; } = [];
        public long Rows { get; private set; }
        public void DeviceChosen(DeviceChoice choice) { }
        public void SiteStarted(string site) => Started.Add(site);
        public void RowsScored(long rowsSoFar) => Rows = rowsSoFar;
    }

    public static TheoryData<string, string, string[]> UnusableDates => new()
    {
        { "no date column", "--by", ["cleveland/manifest.csv", "--by year needs each row's date, but this manifest has no 'date' column", "Add a 'date' column (YYYY-MM-DD) to the manifest, or leave out --by year"] },
        { "every date empty", "--by", ["undated/manifest.csv", "--by year needs each row's date, but no row of this manifest has one", "Fill in the 'date' column"] },
        { "no row in the window", "window", ["drifting/manifest.csv", "no row of this manifest is dated within --from/--to (2030-01-01 to any): 2,376 rows dated outside it, 24 rows without a date", "Widen --from/--to"] },
        { "window without a date column", "window-cleveland", ["cleveland/manifest.csv", "--from/--to need each row's date", "leave out --from/--to"] },
    };

    [Theory]
    [MemberData(nameof(UnusableDates))]
    public void Dates_a_run_cannot_use_are_refused_before_any_row_is_scored(string why, string kind, string[] expected)
    {
        // Given the drifting site first, then a site whose dates the options cannot use
        using var temp = new TempFolder();
        string undated = temp.WriteSite("undated", DatedHeartSite.Header + "\nu-1,disease,,63,1,1,145,233,1,2,150,0,2.3,3,0,6\n");
        var options = kind switch
        {
            "window" => new ValidationOptions { Window = new DateWindow(new DateOnly(2030, 1, 1), null) },
            "window-cleveland" => new ValidationOptions { Window = new DateWindow(new DateOnly(2015, 1, 1), null) },
            _ => new ValidationOptions { By = PeriodUnit.Year },
        };
        string second = kind switch { "--by" when why == "every date empty" => undated, "window" => drifting.Site.Folder, _ => RepoPaths.Sites("heart", "cleveland") };
        string[] sites = kind == "window" ? [second] : [drifting.Site.Folder, second];

        // When validation runs
        var progress = new Recorder();
        var error = Assert.Throws<InputException>(() =>
            ValidationRun.Run(heart.ModelPath, sites, options with { Device = DeviceRequest.Cpu, Intervals = Intervals }, TextWriter.Null, progress));

        // Then the error names the manifest and the fix, and no site was started, no row scored
        foreach (var text in expected) Assert.Contains(text, error.Message);
        Assert.Empty(progress.Started);
        Assert.Equal(0, progress.Rows);
    }

    [Fact]
    public void From_after_to_is_refused_with_both_dates()
    {
        var options = new ValidationOptions { Device = DeviceRequest.Cpu, Window = new DateWindow(new DateOnly(2021, 1, 1), new DateOnly(2020, 1, 1)) };

        var error = Assert.Throws<InputException>(() => ValidationRun.Run(heart.ModelPath, [drifting.Site.Folder], options, TextWriter.Null));

        Assert.Equal("--from must be on or before --to (--from 2021-01-01 is after --to 2020-01-01). Change --from or --to: the window runs from --from to --to, both days included.", error.Message);
    }
}
