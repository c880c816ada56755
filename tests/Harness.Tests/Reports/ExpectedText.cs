using System.Globalization;
using Harness.Core.Metrics;

namespace Harness.Tests.Reports;

/// <summary>
/// How the report should print numbers, written out again here from the brief (3 decimals, a
/// true minus sign, "—" for undefined) so the tests do not just call the code under test.
/// </summary>
internal static class ExpectedText
{
    public static string Value(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "—";

    public static string Gap(double gap)
    {
        double r = Math.Round(gap, 3, MidpointRounding.AwayFromZero);
        string magnitude = Math.Abs(r).ToString("0.000", CultureInfo.InvariantCulture);
        return r > 0 ? "+" + magnitude : r < 0 ? "\u2212" + magnitude : magnitude;
    }

    /// <summary>"0.712 (−0.105)"; just "—" when the site value is undefined.</summary>
    public static string Cell(MetricSet metrics, MetricSet gaps, string name)
    {
        double? value = metrics[name].Value;
        double? gap = gaps[name].Value;
        return value is null ? "—" : gap is null ? Value(value) : $"{Value(value)} ({Gap(gap.Value)})";
    }

    /// <summary>Text with all whitespace removed: PDF text extraction may split or join lines anywhere.</summary>
    public static string Squash(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
}
