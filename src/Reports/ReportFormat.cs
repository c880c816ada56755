using System.Globalization;

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
    public static string Gap(double? gap)
    {
        if (gap is not { } g || !double.IsFinite(g)) return "";
        double rounded = Math.Round(g, 3, MidpointRounding.AwayFromZero);
        string magnitude = Math.Abs(rounded).ToString("0.000", Invariant);
        return rounded > 0 ? "+" + magnitude : rounded < 0 ? Minus + magnitude : magnitude;
    }

    public static string Percent(double? share) => share is { } s && double.IsFinite(s) ? (s * 100).ToString("0.0", Invariant) + "%" : Missing;

    public static string Count(int n) => n.ToString("#,0", Invariant);

    public static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Invariant) + " UTC";

    public static string ShortHash(string sha256) => sha256.Length <= 12 ? sha256 : sha256[..12];
}
