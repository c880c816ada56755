using System.Globalization;
using Harness.Core.Metrics;

namespace Harness.Reports;

/// <summary>How the report writes numbers and times: one place, invariant culture, so every site reads alike.</summary>
public static class ReportFormat
{
    /// <summary>What an undefined value prints as.</summary>
    public const string Missing = "—";

    /// <summary>A true minus sign (U+2212): a hyphen is easy to miss in a table of gaps.</summary>
    public const string Minus = "−";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Metric(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.000", Invariant) : Missing;

    /// <summary>Signed to 3 decimals ("+0.012", "−0.105"); "0.000" when it rounds to zero either way.</summary>
    public static string Gap(double? gap, string format = "0.000")
    {
        if (gap is not { } g || !double.IsFinite(g)) return "";
        int decimals = format.Length - format.IndexOf('.') - 1;
        double rounded = Math.Round(g, decimals, MidpointRounding.AwayFromZero);
        string magnitude = Math.Abs(rounded).ToString(format, Invariant);
        return rounded > 0 ? "+" + magnitude : rounded < 0 ? Minus + magnitude : magnitude;
    }

    /// <summary>A value in the metric's format (with a true minus sign), e.g. "0.723" or "−0.12".</summary>
    public static string Value(MetricDefinition metric, double? value) =>
        value is { } v && double.IsFinite(v) ? Signed(v.ToString(metric.Format, Invariant)) : Missing;

    /// <summary>
    /// "0.723 (0.584–0.862)": the value and its interval in the metric's format; "0.723" alone when it has none.
    /// A bound below zero gets "to" instead of the dash ("−0.05 (−0.51 to 0.41)"): a dash beside a minus sign misleads.
    /// </summary>
    public static string WithInterval(MetricDefinition metric, MetricValue? value)
    {
        if (value?.Value is null) return Missing;
        string text = Value(metric, value.Value);
        return value.Ci is { } ci ? $"{text} ({Range(metric, ci.Lower, ci.Upper)})" : text;
    }

    /// <summary>"0.584–0.862", or "−0.05 to 0.41" when a bound is negative (a dash beside a minus sign misleads).</summary>
    public static string Range(MetricDefinition metric, double from, double to)
    {
        string lower = Value(metric, from), upper = Value(metric, to);
        return lower.StartsWith(Minus, StringComparison.Ordinal) || upper.StartsWith(Minus, StringComparison.Ordinal)
            ? $"{lower} to {upper}"
            : $"{lower}–{upper}";
    }

    /// <summary>"−0.171 (−0.318 to −0.024)": a signed gap and its interval ("to": a dash beside minus signs misleads).</summary>
    public static string GapWithInterval(MetricDefinition metric, MetricValue? gap)
    {
        if (gap?.Value is null) return "";
        string text = Gap(gap.Value, metric.Format);
        string interval = GapInterval(metric, gap);
        return interval.Length == 0 ? text : $"{text} {interval}";
    }

    /// <summary>The bracketed interval part of <see cref="GapWithInterval"/>, "(−0.318 to −0.024)"; empty when the gap has none.</summary>
    public static string GapInterval(MetricDefinition metric, MetricValue? gap) =>
        gap?.Value is not null && gap.Ci is { } ci ? $"({Gap(ci.Lower, metric.Format)} to {Gap(ci.Upper, metric.Format)})" : "";

    private static string Signed(string formatted) => formatted.StartsWith('-') ? Minus + formatted[1..] : formatted;

    public static string Percent(double? share) => share is { } s && double.IsFinite(s) ? (s * 100).ToString("0.0", Invariant) + "%" : Missing;

    public static string Count(int n) => n.ToString("#,0", Invariant);

    public static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Invariant) + " UTC";

    public static string ShortHash(string sha256) => sha256.Length <= 12 ? sha256 : sha256[..12];
}
