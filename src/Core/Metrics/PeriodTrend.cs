using System.Text.Json.Serialization;
using Harness.Core.Statistics;

namespace Harness.Core.Metrics;

/// <summary>
/// results.json site "trend": per metric with an analytic within-period variance (AUROC, O/E and
/// the calibration slope, as pooled across sites), the change per year across a site's periods,
/// or the <see cref="Reason"/> there is none.
/// </summary>
public sealed record TrendEstimates
{
    /// <summary>What the slope is: "fixed-effect meta-regression on the period midpoint (years), inverse-variance weights".</summary>
    public string Method { get; init; } = PeriodTrend.MethodText;

    /// <summary>Why no metric has a trend (one line); null when <see cref="Metrics"/> holds them.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    /// <summary>Per metric key, in catalog order.</summary>
    public IReadOnlyDictionary<string, MetricTrend> Metrics { get; init; } = new Dictionary<string, MetricTrend>();
}

/// <summary>
/// One metric's trend over <see cref="Periods"/> periods: the slope per year on the pooling
/// <see cref="Scale"/> (logit AUROC, ln O/E, the calibration slope as it is) with its Wald
/// interval, z and two-sided p, and whether the interval excludes 0; or the <see cref="Reason"/> there is none.
/// </summary>
public sealed record MetricTrend
{
    public required PoolingScale Scale { get; init; }

    /// <summary>How many periods the slope was fitted to.</summary>
    public required int Periods { get; init; }

    /// <summary>Periods whose metric or variance is undefined, each with why; left out of this metric only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? LeftOut { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    /// <summary>Change per year on <see cref="Scale"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? SlopePerYear { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? StandardError { get; init; }

    /// <summary>slope ± z_{1−α/2} SE (method "wald").</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConfidenceInterval? Ci { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Z { get; init; }

    /// <summary>Two-sided p of no trend, from the normal.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? P { get; init; }

    /// <summary>True when the interval excludes 0.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Distinguishable { get; init; }

    /// <summary>Σ w (y − fitted)²: about Periods − 2 when the periods scatter no more than their variances allow; far above, the interval is too narrow.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ResidualQ { get; init; }
}

/// <summary>
/// The trend of a site's metrics over its periods: each period's analytic estimate is taken to the
/// metric's pooling scale exactly as <see cref="SitePooling"/> takes a site's (y = g(x),
/// v = (g'(x) SE)²: DeLong for AUROC on the logit scale, 1/O − 1/n for ln O/E, Wald for the
/// slope), and <see cref="WeightedTrend"/> regresses y on the period's midpoint in years with
/// weights 1/v. Periods where a metric or its variance is undefined are left out of that metric;
/// fewer than 3 left give a reason instead of a slope.
/// </summary>
public static class PeriodTrend
{
    public const string MethodText = "fixed-effect meta-regression of each period's estimate on its midpoint (years), inverse-variance weights; Wald interval, two-sided normal p";

    /// <param name="periods">Each period's label, midpoint in decimal years, and estimate; in time order.</param>
    /// <param name="level">Level of the slopes' intervals.</param>
    public static TrendEstimates Fit(IReadOnlyList<(string Label, double Time, SampleEstimate Estimate)> periods, double level)
    {
        if (periods.Count == 0) return new TrendEstimates { Reason = "no trend: no dated row" };
        bool binary = periods[0].Estimate.IsBinary;
        var metrics = MetricCatalog.For(binary).Where(d => d.IsPooled(binary)).ToDictionary(d => d.Key, d => FitMetric(d, binary, periods, level));
        return metrics.Count == 0
            ? new TrendEstimates { Reason = "no trend: no metric of a multiclass model has an analytic within-period variance" }
            : new TrendEstimates { Metrics = metrics };
    }

    private static MetricTrend FitMetric(MetricDefinition definition, bool binary, IReadOnlyList<(string Label, double Time, SampleEstimate Estimate)> periods, double level)
    {
        var scale = definition.Pooling!.Value;
        var (t, y, v) = (new List<double>(), new List<double>(), new List<double>());
        var leftOut = new Dictionary<string, string>();
        foreach (var (label, time, estimate) in periods)
        {
            var point = estimate.Points[MetricEstimator.IndexOf(estimate.Definitions, definition.Key)];
            if (SitePooling.OnPoolingScale(definition, binary, scale, point) is { } ok)
            {
                t.Add(time);
                y.Add(ok.Y);
                v.Add(ok.V);
            }
            else leftOut[label] = SitePooling.Why(definition, scale, point);
        }
        var trend = new MetricTrend { Scale = scale, Periods = t.Count, LeftOut = leftOut.Count == 0 ? null : leftOut };
        if (t.Count < WeightedTrend.MinimumPoints)
            return trend with
            {
                Reason = $"no trend: {(t.Count == 1 ? "1 period" : $"{t.Count} periods")} with a defined {definition.Label} and variance; a trend needs at least {WeightedTrend.MinimumPoints}",
            };
        var fit = WeightedTrend.Fit(t.ToArray(), y.ToArray(), v.ToArray(), level);
        var ci = new ConfidenceInterval(fit.ConfidenceInterval.Lower, fit.ConfidenceInterval.Upper, level, IntervalMethod.Wald);
        return trend with
        {
            SlopePerYear = fit.Slope,
            StandardError = fit.StandardError,
            Ci = ci,
            Z = fit.Z,
            P = fit.P,
            Distinguishable = ci.Excludes(0),
            ResidualQ = fit.ResidualQ,
        };
    }
}
