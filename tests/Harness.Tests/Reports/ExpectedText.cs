using System.Globalization;
using Harness.Core.Metrics;

namespace Harness.Tests.Reports;

/// <summary>
/// How the report should print numbers, written out again here from the brief (the metric's
/// format, a true minus sign, "—" for undefined, "lower–upper" intervals, "to" beside minus
/// signs) so the tests do not just call the code under test.
/// </summary>
internal static class ExpectedText
{
    private const string Minus = "\u2212";

    public static string Value(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "—";

    public static string Gap(double gap) => Gap(gap, "0.000");

    public static string Gap(double gap, string format)
    {
        int decimals = format.Length - format.IndexOf('.') - 1;
        double r = Math.Round(gap, decimals, MidpointRounding.AwayFromZero);
        string magnitude = Math.Abs(r).ToString(format, CultureInfo.InvariantCulture);
        return r > 0 ? "+" + magnitude : r < 0 ? Minus + magnitude : magnitude;
    }

    /// <summary>A value in the metric's own format, with a true minus sign.</summary>
    public static string Value(MetricDefinition metric, double value) =>
        value.ToString(metric.Format, CultureInfo.InvariantCulture).Replace("-", Minus);

    /// <summary>"0.723 (0.584–0.862)"; "−0.05 (−0.51 to 0.41)" when a bound is negative; "—" when undefined.</summary>
    public static string WithInterval(MetricDefinition metric, MetricValue value)
    {
        if (value.Value is not { } v) return "—";
        if (value.Ci is not { } ci) return Value(metric, v);
        string lower = Value(metric, ci.Lower), upper = Value(metric, ci.Upper);
        string separator = lower.StartsWith(Minus) || upper.StartsWith(Minus) ? " to " : "–";
        return $"{Value(metric, v)} ({lower}{separator}{upper})";
    }

    /// <summary>"−0.171 (−0.318 to −0.024)"; the gap alone without an interval; "" when undefined.</summary>
    public static string GapWithInterval(MetricDefinition metric, MetricValue gap)
    {
        if (gap.Value is not { } g) return "";
        return gap.Ci is { } ci
            ? $"{Gap(g, metric.Format)} ({Gap(ci.Lower, metric.Format)} to {Gap(ci.Upper, metric.Format)})"
            : Gap(g, metric.Format);
    }

    /// <summary>Text with all whitespace removed: PDF text extraction may split or join lines anywhere.</summary>
    public static string Squash(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
}
