using System.Globalization;

namespace Harness.Core.Metrics;

/// <summary>Which way a metric is better: the gates, the gap markers and the report read it from here.</summary>
public enum MetricDirection
{
    HigherIsBetter,
    LowerIsBetter,

    /// <summary>Ideal at <see cref="MetricDefinition.Ideal"/> (O/E and the calibration slope at 1, the intercept at 0).</summary>
    CloserToIdealIsBetter,
}

/// <summary>How a metric's confidence interval is computed (results.json "method").</summary>
public enum IntervalMethod
{
    /// <summary>DeLong's variance (Sun &amp; Xu 2014 algorithm), estimate ± z·SE, clamped to [0, 1].</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("delong")]
    DeLong,

    /// <summary>Wald: estimate ± z·SE (the calibration intercept and slope: SE from the logistic model's Fisher information).</summary>
    Wald,

    /// <summary>Wald on the log scale: exp(ln estimate ± z·SE(ln estimate)).</summary>
    LogWald,

    /// <summary>Percentile interval of a stratified (by outcome), patient-clustered bootstrap.</summary>
    BootstrapPercentile,

    /// <summary>
    /// A pooled estimate across sites: random effects with τ² by REML, μ ± t_{k-1}·SE with the
    /// Hartung-Knapp-Sidik-Jonkman SE (<see cref="Statistics.RandomEffectsMetaAnalysis"/>).
    /// </summary>
    RemlHksj,
}

/// <summary>
/// The scale on which a metric's site estimates are taken as normal when pooled across sites
/// (results.json "scale"): AUROC on the logit scale and O/E on the log scale (Debray et al. 2017,
/// BMJ 356:i6460), the calibration slope as it is.
/// </summary>
public enum PoolingScale { Identity, Log, Logit }

/// <summary>Which models a metric applies to.</summary>
public enum MetricScope { Binary, Any }

/// <summary>
/// One metric, defined once: its results.json key, its label and formula as people read them,
/// which way is better, its possible range, which models it applies to, how it is printed and
/// how its interval is computed. <see cref="Value"/> computes it from a (weighted) sample summary.
/// </summary>
public sealed record MetricDefinition
{
    public required string Key { get; init; }
    public required string Label { get; init; }
    public required string Group { get; init; }
    public required string Formula { get; init; }
    public required MetricDirection Direction { get; init; }

    /// <summary>The ideal value of a <see cref="MetricDirection.CloserToIdealIsBetter"/> metric.</summary>
    public double Ideal { get; init; }

    public double Minimum { get; init; } = 0;
    public double Maximum { get; init; } = 1;
    public MetricScope Scope { get; init; } = MetricScope.Any;

    /// <summary>.NET format of a value (gaps get a sign).</summary>
    public string Format { get; init; } = "0.000";

    public required IntervalMethod Interval { get; init; }

    /// <summary>The method for multiclass models, where it differs (macro AUROC has no DeLong variance here).</summary>
    public IntervalMethod? MulticlassInterval { get; init; }

    /// <summary>
    /// Pooled across external sites by random-effects meta-analysis, on this scale, when its interval
    /// is analytic (<see cref="IsPooled"/>); null: never pooled.
    /// </summary>
    public PoolingScale? Pooling { get; init; }

    internal Func<SampleSummary, MetricPoint> Value { get; init; } = null!;

    public IntervalMethod IntervalFor(bool binary) => binary ? Interval : MulticlassInterval ?? Interval;

    public bool AppliesTo(bool binary) => binary || Scope == MetricScope.Any;

    /// <summary>Pooled across sites for this kind of model: it has a pooling scale and an analytic within-site variance.</summary>
    public bool IsPooled(bool binary) => Pooling is not null && AppliesTo(binary) && IntervalFor(binary) != IntervalMethod.BootstrapPercentile;

    /// <summary>True when <paramref name="candidate"/> is worse than <paramref name="reference"/> in this metric's direction.</summary>
    public bool IsWorse(double candidate, double reference) => Direction switch
    {
        MetricDirection.HigherIsBetter => candidate < reference,
        MetricDirection.LowerIsBetter => candidate > reference,
        _ => Math.Abs(candidate - Ideal) > Math.Abs(reference - Ideal),
    };

    public string DirectionText => Direction switch
    {
        MetricDirection.HigherIsBetter => "higher is better",
        MetricDirection.LowerIsBetter => "lower is better",
        _ => $"{Ideal.ToString(CultureInfo.InvariantCulture)} is ideal",
    };
}

/// <summary>
/// A metric's point estimate, or why it has none. <see cref="StandardError"/> is set by metrics with
/// an analytic interval, on the scale the interval is built on (the log scale for <see cref="IntervalMethod.LogWald"/>).
/// </summary>
internal readonly record struct MetricPoint(double? Value, string? Note = null, double? StandardError = null)
{
    public static implicit operator MetricPoint(double value) => new(value);

    public static MetricPoint Undefined(string note) => new(null, note);
}
