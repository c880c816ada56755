using System.Text.Json.Serialization;
using Harness.Core.Statistics;

namespace Harness.Core.Metrics;

/// <summary>
/// results.json "pooled": the catalog's pooled metrics (<see cref="MetricDefinition.IsPooled"/>)
/// across the external sites by random-effects meta-analysis (TRIPOD-Cluster), or the
/// <see cref="Reason"/> there is none.
/// </summary>
public sealed record PooledEstimates
{
    /// <summary>The sites that count: those the model was not trained on.</summary>
    public required IReadOnlyList<string> ExternalSites { get; init; }

    /// <summary>Why nothing is pooled (one line); null when <see cref="Metrics"/> holds the pooled metrics.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    /// <summary>Per metric key, in catalog order; empty when <see cref="Reason"/> says why.</summary>
    public IReadOnlyDictionary<string, PooledMetric> Metrics { get; init; } = new Dictionary<string, PooledMetric>();
}

/// <summary>
/// One metric pooled over <see cref="K"/> external sites: the estimate, its confidence interval
/// (method "reml_hksj") and the prediction interval for a new site, back on the metric's own
/// scale; τ² on the pooling <see cref="Scale"/>; I² as a share. Or the <see cref="Reason"/> it is not pooled.
/// </summary>
public sealed record PooledMetric
{
    public required PoolingScale Scale { get; init; }

    /// <summary>The number of sites pooled.</summary>
    public required int K { get; init; }

    /// <summary>The sites pooled.</summary>
    public required IReadOnlyList<string> Sites { get; init; }

    /// <summary>External sites where the metric or its variance is undefined, each with why; left out of this metric only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? LeftOut { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Estimate { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConfidenceInterval? Ci { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PredictionInterval? PredictionInterval { get; init; }

    /// <summary>Between-site variance on the pooling scale (logit AUROC, ln O/E, slope).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Tau2 { get; init; }

    /// <summary>Share of the total variance that is between sites, τ²/(τ² + s²), in [0, 1).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? I2 { get; init; }
}

/// <summary>Where the metric of a new site is expected to fall, at this level (t on k - 2 degrees of freedom).</summary>
public sealed record PredictionInterval(double Lower, double Upper, double Level);

/// <summary>
/// Pools each site's analytic estimate of the catalog's pooled metrics. Site i gives
/// y_i = g(x_i) and v_i = (g'(x_i) SE_i)² (the delta method, SE_i the metric's analytic standard
/// error on its own scale: DeLong for AUROC, delta-method for O/E, Wald for the slope), with g the
/// metric's <see cref="PoolingScale"/>: logit, so v = SE²/(x(1-x))²; ln, so v = SE²/x² (= the
/// variance of ln O/E, 1/O - 1/n); identity. <see cref="RandomEffectsMetaAnalysis"/> pools them and
/// the estimate and both intervals go back through g⁻¹. Only external sites count.
/// </summary>
public static class SitePooling
{
    private static PooledEstimates Pool(IReadOnlyList<(string Name, bool External, Func<MetricDefinition, MetricPoint> Points)> sites, bool binary, double level)
    {
        var external = sites.Where(s => s.External).ToList();
        var names = external.Select(s => s.Name).ToList();
        int minimum = RandomEffectsMetaAnalysis.MinimumStudies;
        if (external.Count < minimum)
        {
            var training = sites.Where(s => !s.External).Select(s => s.Name).ToList();
            string which = external.Count == 0 ? "no external site" : $"{Sites(external.Count)} ({string.Join(", ", names)})";
            string also = training.Count == 0 ? "" : $"; {string.Join(", ", training)} {(training.Count == 1 ? "is a training site and does not count" : "are training sites and do not count")}";
            return new PooledEstimates { ExternalSites = names, Reason = $"no pooled estimate: {which}{also}; random-effects pooling needs at least {minimum}" };
        }

        var metrics = new Dictionary<string, PooledMetric>();
        foreach (var definition in MetricCatalog.For(binary).Where(d => d.IsPooled(binary)))
            metrics[definition.Key] = PoolMetric(definition, binary, external, level);
        return metrics.Count == 0
            ? new PooledEstimates { ExternalSites = names, Reason = "no pooled estimate: no metric of a multiclass model has an analytic within-site variance" }
            : new PooledEstimates { ExternalSites = names, Metrics = metrics };
    }

    /// <summary>
    /// The same from saved results (each site's metrics with their analytic standard errors), e.g.
    /// when separate validation runs are merged: the estimates are the ones <see cref="Pool(IReadOnlyList{ValueTuple{string, bool, SampleEstimate}}, double)"/> would see.
    /// </summary>
    public static PooledEstimates Pool(IReadOnlyList<(string Name, bool External, MetricSet Metrics)> sites, bool binary, double level) =>
        Pool(sites.Select(s => (s.Name, s.External, Points: (Func<MetricDefinition, MetricPoint>)(d =>
            s.Metrics.TryGet(d.Key, out var v) ? new MetricPoint(v.Value, v.Note, v.StandardError) : MetricPoint.Undefined("not in the results")))).ToList(),
            binary, level);

    /// <param name="sites">Every validated site, whether it is external (not a training site), and its estimate.</param>
    /// <param name="level">Level of the confidence and prediction intervals.</param>
    public static PooledEstimates Pool(IReadOnlyList<(string Name, bool External, SampleEstimate Estimate)> sites, double level) =>
        Pool(sites.Select(s => (s.Name, s.External, Points: (Func<MetricDefinition, MetricPoint>)(d =>
            s.Estimate.Points[MetricEstimator.IndexOf(s.Estimate.Definitions, d.Key)]))).ToList(),
            sites.FirstOrDefault(s => s.External).Estimate?.IsBinary ?? false, level);

    private static PooledMetric PoolMetric(MetricDefinition definition, bool binary, List<(string Name, bool External, Func<MetricDefinition, MetricPoint> Points)> external, double level)
    {
        var scale = definition.Pooling!.Value;
        var used = new List<string>();
        var leftOut = new Dictionary<string, string>();
        var y = new List<double>();
        var v = new List<double>();
        foreach (var (name, _, points) in external)
        {
            var point = points(definition);
            if (OnPoolingScale(definition, binary, scale, point) is { } ok)
            {
                used.Add(name);
                y.Add(ok.Y);
                v.Add(ok.V);
            }
            else leftOut[name] = Why(definition, scale, point);
        }

        var pooled = new PooledMetric { Scale = scale, K = used.Count, Sites = used, LeftOut = leftOut.Count == 0 ? null : leftOut };
        int minimum = RandomEffectsMetaAnalysis.MinimumStudies;
        if (used.Count < minimum)
            return pooled with { Reason = $"not pooled: {Sites(used.Count)} with a defined {definition.Label} and variance; pooling needs at least {minimum}" };

        RandomEffectsFit fit;
        try
        {
            fit = RandomEffectsMetaAnalysis.Fit(y.ToArray(), v.ToArray(), level);
        }
        catch (InvalidOperationException e)
        {
            return pooled with { Reason = "not pooled: " + e.Message };
        }
        Func<double, double> back = scale switch
        {
            PoolingScale.Logit => x => 1 / (1 + Math.Exp(-x)),
            PoolingScale.Log => Math.Exp,
            _ => x => x,
        };
        return pooled with
        {
            Estimate = back(fit.Estimate),
            Ci = new ConfidenceInterval(back(fit.ConfidenceInterval.Lower), back(fit.ConfidenceInterval.Upper), level, IntervalMethod.RemlHksj),
            PredictionInterval = new PredictionInterval(back(fit.PredictionInterval.Lower), back(fit.PredictionInterval.Upper), level),
            Tau2 = fit.Tau2,
            I2 = fit.I2,
        };
    }

    /// <summary>(y, v) on the pooling scale; null when the value, its variance or its transform is undefined.</summary>
    internal static (double Y, double V)? OnPoolingScale(MetricDefinition definition, bool binary, PoolingScale scale, MetricPoint point)
    {
        if (point.Value is not { } x || MetricEstimator.OriginalScaleError(definition.IntervalFor(binary), point) is not { } se) return null;
        (double y, double slope) = scale switch
        {
            PoolingScale.Logit => (Math.Log(x / (1 - x)), 1 / (x * (1 - x))),
            PoolingScale.Log => (Math.Log(x), 1 / x),
            _ => (x, 1.0),
        };
        double v = se * slope * (se * slope);
        return double.IsFinite(y) && double.IsFinite(v) && v > 0 ? (y, v) : null;
    }

    internal static string Why(MetricDefinition definition, PoolingScale scale, MetricPoint point)
    {
        if (point.Value is not { } x) return point.Note ?? "undefined";
        if (point.StandardError is not { } se || !double.IsFinite(se)) return point.Note ?? "no analytic standard error";
        string value = x.ToString(definition.Format, System.Globalization.CultureInfo.InvariantCulture);
        return se == 0 ? $"{definition.Label} {value} has zero variance"
            : $"{definition.Label} {value} is undefined on the {scale.ToString().ToLowerInvariant()} scale";
    }

    private static string Sites(int n) => n == 1 ? "1 external site" : $"{n} external sites";
}
