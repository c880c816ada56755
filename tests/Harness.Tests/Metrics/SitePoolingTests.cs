using Harness.Core.Metrics;
using Harness.Core.Statistics;

namespace Harness.Tests.Metrics;

/// <summary>
/// Pooling the sites' estimates: which sites count, which are left out of a metric and why, and the
/// pooling-scale inputs (checked against DeLong and the O/E variance computed here from the rows).
/// </summary>
public class SitePoolingTests
{
    private static readonly IntervalOptions NoBootstrap = new() { Resamples = 0 };

    private static (string, bool, SampleEstimate) Site(string name, int seed, bool external = true, int n = 150, int? onlyClass = null) =>
        (name, external, MetricEstimator.Estimate(RandomScored.Make(2, n, seed, decimals: null, onlyClass: onlyClass), 0.5, NoBootstrap, name));

    [Fact]
    public void Logit_AUROC_and_log_OE_are_pooled_with_their_delta_method_variances()
    {
        // Given four external sites of random scored examples
        var seeds = new[] { 1, 2, 3, 4 };
        var sites = seeds.Select(s => Site($"s{s}", s, n: 100 + 40 * s)).ToList();

        // When they are pooled
        var pooled = SitePooling.Pool(sites, 0.95);

        // Then AUROC is the back-transformed meta-analysis of logit(DeLong AUROC) with variance
        // Var/(A(1-A))^2, and O/E that of ln(O/E) with variance 1/O - 1/n, both computed here from the rows
        var auroc = seeds.Select(s => DeLongOf(RandomScored.Make(2, 100 + 40 * s, s, decimals: null))).ToArray();
        var expectedAuroc = RandomEffectsMetaAnalysis.Fit(
            auroc.Select(a => Math.Log(a.Auroc / (1 - a.Auroc))).ToArray(),
            auroc.Select(a => a.Variance / Math.Pow(a.Auroc * (1 - a.Auroc), 2)).ToArray(), 0.95);
        var pooledAuroc = pooled.Metrics[MetricKeys.Auroc];
        Assert.Equal(4, pooledAuroc.K);
        Assert.Equal(PoolingScale.Logit, pooledAuroc.Scale);
        Assert.Equal(InverseLogit(expectedAuroc.Estimate), pooledAuroc.Estimate!.Value, 1e-12);
        Assert.Equal(InverseLogit(expectedAuroc.ConfidenceInterval.Lower), pooledAuroc.Ci!.Lower, 1e-12);
        Assert.Equal(InverseLogit(expectedAuroc.PredictionInterval.Upper), pooledAuroc.PredictionInterval!.Upper, 1e-12);
        Assert.Equal(expectedAuroc.Tau2, pooledAuroc.Tau2!.Value, 1e-12);
        Assert.Equal(IntervalMethod.RemlHksj, pooledAuroc.Ci.Method);

        var oe = seeds.Select(s => ObservedExpected(RandomScored.Make(2, 100 + 40 * s, s, decimals: null))).ToArray();
        var expectedOe = RandomEffectsMetaAnalysis.Fit(
            oe.Select(x => Math.Log(x.O / x.E)).ToArray(), oe.Select(x => 1 / x.O - 1 / x.N).ToArray(), 0.95);
        var pooledOe = pooled.Metrics[MetricKeys.OeRatio];
        Assert.Equal(Math.Exp(expectedOe.Estimate), pooledOe.Estimate!.Value, 1e-12);
        Assert.Equal(Math.Exp(expectedOe.PredictionInterval.Lower), pooledOe.PredictionInterval!.Lower, 1e-12);
        Assert.Equal(expectedOe.I2, pooledOe.I2!.Value, 1e-12);

        // And the calibration slope is pooled as it is, with the Wald SE behind each site's interval
        var slopes = sites.Select(s => s.Item3.Metrics[MetricKeys.CalibrationSlope]).ToArray();
        double z = NormalDistribution.Quantile(0.975);
        var expectedSlope = RandomEffectsMetaAnalysis.Fit(slopes.Select(m => m.Value!.Value).ToArray(),
            slopes.Select(m => Math.Pow((m.Ci!.Upper - m.Ci.Lower) / (2 * z), 2)).ToArray(), 0.95);
        Assert.Equal(expectedSlope.Estimate, pooled.Metrics[MetricKeys.CalibrationSlope].Estimate!.Value, 1e-9);
        Assert.Equal([MetricKeys.Auroc, MetricKeys.OeRatio, MetricKeys.CalibrationSlope], pooled.Metrics.Keys);
    }

    [Fact]
    public void Training_sites_never_count()
    {
        // Given three external sites, and the same three with a training site added
        var external = new[] { Site("a", 11), Site("b", 12), Site("c", 13) };
        var withTraining = external.Append(Site("train", 14, external: false)).ToList();

        // When both are pooled
        var pooled = SitePooling.Pool(withTraining, 0.95);
        var alone = SitePooling.Pool(external, 0.95);

        // Then the training site is in no list and changes no number
        Assert.Equal(["a", "b", "c"], pooled.ExternalSites);
        Assert.Equal(["a", "b", "c"], pooled.Metrics[MetricKeys.Auroc].Sites);
        Assert.Equal(alone.Metrics[MetricKeys.Auroc].Estimate, pooled.Metrics[MetricKeys.Auroc].Estimate);
    }

    [Fact]
    public void Fewer_than_three_external_sites_give_one_line_saying_why()
    {
        var pooled = SitePooling.Pool([Site("a", 21), Site("b", 22), Site("train", 23, external: false)], 0.95);

        Assert.Empty(pooled.Metrics);
        Assert.Equal("no pooled estimate: 2 external sites (a, b); train is a training site and does not count; " +
            "random-effects pooling needs at least 3", pooled.Reason);
    }

    [Fact]
    public void A_site_where_a_metric_is_undefined_is_left_out_of_that_metric_with_the_reason()
    {
        // Given four external sites, one without any event
        var sites = new[] { Site("a", 31), Site("b", 32), Site("c", 33), Site("no-events", 34, onlyClass: 0) };

        // When they are pooled
        var pooled = SitePooling.Pool(sites, 0.95);

        // Then AUROC, O/E and the slope are each pooled over the other three, and say why the fourth is out
        foreach (var key in new[] { MetricKeys.Auroc, MetricKeys.OeRatio, MetricKeys.CalibrationSlope })
        {
            var metric = pooled.Metrics[key];
            Assert.Equal(["a", "b", "c"], metric.Sites);
            Assert.Equal(3, metric.K);
            Assert.NotNull(metric.Estimate);
            Assert.Single(metric.LeftOut!);
        }
        Assert.Equal("undefined: every example has the same class", pooled.Metrics[MetricKeys.Auroc].LeftOut!["no-events"]);
        Assert.Equal("no events: the log-scale interval is undefined", pooled.Metrics[MetricKeys.OeRatio].LeftOut!["no-events"]);

        // And with only three sites, the metric says it is not pooled
        var three = SitePooling.Pool(sites.Skip(1).ToList(), 0.95);
        Assert.Null(three.Reason);
        Assert.Null(three.Metrics[MetricKeys.Auroc].Estimate);
        Assert.Equal("not pooled: 2 external sites with a defined AUROC and variance; pooling needs at least 3", three.Metrics[MetricKeys.Auroc].Reason);
    }

    [Fact]
    public void A_multiclass_model_has_nothing_to_pool()
    {
        var sites = Enumerable.Range(41, 3).Select(s => ($"m{s}", true, MetricEstimator.Estimate(RandomScored.Make(3, 120, s), null, NoBootstrap, $"m{s}"))).ToList();

        var pooled = SitePooling.Pool(sites, 0.95);

        Assert.Empty(pooled.Metrics);
        Assert.Equal("no pooled estimate: no metric of a multiclass model has an analytic within-site variance", pooled.Reason);
    }

    private static double InverseLogit(double x) => 1 / (1 + Math.Exp(-x));

    private static AurocVariance DeLongOf(ScoredExamples s) =>
        DeLong.Compute(Enumerable.Range(0, s.Count).Select(i => s.Probability(i, 1)).ToArray(), s.Labels.Select(l => l == 1).ToArray())!;

    private static (double O, double E, double N) ObservedExpected(ScoredExamples s) =>
        (s.Labels.Count(l => l == 1), Enumerable.Range(0, s.Count).Sum(i => s.Probability(i, 1)), s.Count);
}
