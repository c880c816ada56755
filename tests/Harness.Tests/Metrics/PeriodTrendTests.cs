using Harness.Core.Metrics;
using Harness.Core.Statistics;

namespace Harness.Tests.Metrics;

/// <summary>
/// The trend over a site's periods: each period's AUROC (logit, DeLong variance by the delta
/// method), O/E (log, 1/O − 1/n) and calibration slope (Wald) regressed on the period midpoints,
/// checked against DeLong and the O/E variance computed here from the rows; periods where a metric
/// is undefined are left out of it, and fewer than three give a reason.
/// </summary>
public sealed class PeriodTrendTests
{
    private static readonly IntervalOptions NoBootstrap = new() { Resamples = 0 };

    private static ScoredExamples Rows(int seed, int n = 200, int? onlyClass = null) => RandomScored.Make(2, n, seed, decimals: null, onlyClass: onlyClass);

    private static (string, double, SampleEstimate) Period(int year, ScoredExamples rows) =>
        (year.ToString(), year + 0.5, MetricEstimator.Estimate(rows, 0.5, NoBootstrap, $"site/{year}"));

    [Fact]
    public void Each_metric_is_regressed_on_the_midpoints_with_its_delta_method_variance()
    {
        // Given four yearly periods of random scored examples
        int[] years = [2016, 2017, 2018, 2019];
        var rows = years.Select((y, i) => Rows(10 + i, 150 + 30 * i)).ToArray();

        // When the trend is fitted
        var trend = PeriodTrend.Fit(years.Select((y, i) => Period(y, rows[i])).ToList(), 0.95);

        // Then AUROC's is the fit of logit(DeLong AUROC) with variance Var/(A(1−A))², computed here from the rows
        Assert.Null(trend.Reason);
        Assert.Equal([MetricKeys.Auroc, MetricKeys.OeRatio, MetricKeys.CalibrationSlope], trend.Metrics.Keys);
        double[] t = years.Select(y => y + 0.5).ToArray();
        var delong = rows.Select(r => DeLong.Compute(Enumerable.Range(0, r.Count).Select(i => r.Probability(i, 1)).ToArray(), r.Labels.Select(l => l == 1).ToArray())!).ToArray();
        var expected = WeightedTrend.Fit(t, delong.Select(a => Math.Log(a.Auroc / (1 - a.Auroc))).ToArray(),
            delong.Select(a => a.Variance / Math.Pow(a.Auroc * (1 - a.Auroc), 2)).ToArray(), 0.95);
        var auroc = trend.Metrics[MetricKeys.Auroc];
        Assert.Equal(PoolingScale.Logit, auroc.Scale);
        Assert.Equal(4, auroc.Periods);
        Assert.Equal(expected.Slope, auroc.SlopePerYear!.Value, 1e-12);
        Assert.Equal(expected.StandardError, auroc.StandardError!.Value, 1e-12);
        Assert.Equal(expected.P, auroc.P!.Value, 1e-12);
        Assert.Equal(expected.ConfidenceInterval.Lower, auroc.Ci!.Lower, 1e-12);
        Assert.Equal(IntervalMethod.Wald, auroc.Ci.Method);
        Assert.Equal(auroc.Ci.Excludes(0), auroc.Distinguishable);

        // And O/E's is the fit of ln(O/E) with variance 1/O − 1/n
        var oe = rows.Select(r => (O: (double)r.Labels.Count(l => l == 1), E: Enumerable.Range(0, r.Count).Sum(i => r.Probability(i, 1)), N: (double)r.Count)).ToArray();
        var expectedOe = WeightedTrend.Fit(t, oe.Select(x => Math.Log(x.O / x.E)).ToArray(), oe.Select(x => 1 / x.O - 1 / x.N).ToArray(), 0.95);
        Assert.Equal(PoolingScale.Log, trend.Metrics[MetricKeys.OeRatio].Scale);
        Assert.Equal(expectedOe.Slope, trend.Metrics[MetricKeys.OeRatio].SlopePerYear!.Value, 1e-10);
        Assert.Equal(expectedOe.StandardError, trend.Metrics[MetricKeys.OeRatio].StandardError!.Value, 1e-10);

        // And the calibration slope's is the fit of the slopes with the Wald SE behind each period's interval
        double z = NormalDistribution.Quantile(0.975);
        var slopes = years.Select((y, i) => MetricEstimator.Estimate(rows[i], 0.5, NoBootstrap, "x").Metrics[MetricKeys.CalibrationSlope]).ToArray();
        var expectedSlope = WeightedTrend.Fit(t, slopes.Select(m => m.Value!.Value).ToArray(),
            slopes.Select(m => Math.Pow((m.Ci!.Upper - m.Ci.Lower) / (2 * z), 2)).ToArray(), 0.95);
        Assert.Equal(PoolingScale.Identity, trend.Metrics[MetricKeys.CalibrationSlope].Scale);
        Assert.Equal(expectedSlope.Slope, trend.Metrics[MetricKeys.CalibrationSlope].SlopePerYear!.Value, 1e-9);
    }

    [Fact]
    public void A_period_without_events_is_left_out_with_why_and_two_periods_left_give_a_reason()
    {
        // Given three periods, the middle one without a single event
        var periods = new[] { Period(2017, Rows(1)), Period(2018, Rows(2, onlyClass: 0)), Period(2019, Rows(3)) };

        // When the trend is fitted
        var trend = PeriodTrend.Fit(periods, 0.95);

        // Then AUROC (undefined in 2018) has no slope, says why, and names the period left out
        var auroc = trend.Metrics[MetricKeys.Auroc];
        Assert.Equal(2, auroc.Periods);
        Assert.Null(auroc.SlopePerYear);
        Assert.Equal("no trend: 2 periods with a defined AUROC and variance; a trend needs at least 3", auroc.Reason);
        Assert.Equal(["2018"], auroc.LeftOut!.Keys);
    }

    [Fact]
    public void Multiclass_models_have_no_trend_and_say_why()
    {
        var periods = new[] { 2017, 2018, 2019 }.Select((y, i) =>
            (y.ToString(), y + 0.5, MetricEstimator.Estimate(RandomScored.Make(3, 120, i), null, NoBootstrap, $"s/{y}"))).ToList();

        var trend = PeriodTrend.Fit(periods, 0.95);

        Assert.Empty(trend.Metrics);
        Assert.Equal("no trend: no metric of a multiclass model has an analytic within-period variance", trend.Reason);
    }
}
