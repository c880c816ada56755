using System.Globalization;

namespace Harness.Validator.Criteria;

/// <summary>
/// One acceptance rule of a criteria file, parsed and checked against the metric catalog:
/// the value (or its interval) of <see cref="Metric"/> must lie in [<see cref="Lower"/>, <see cref="Upper"/>].
/// </summary>
/// <param name="Text">The rule as written, e.g. "auroc >= 0.70".</param>
/// <param name="Metric">The results.json key judged: a catalog key ("auroc") or a gap ("gap.auroc").</param>
/// <param name="Lower">The lowest acceptable value; null for none.</param>
/// <param name="Upper">The highest acceptable value; null for none.</param>
/// <param name="LowerInclusive">False for <c>&gt;</c>: the bound itself is not acceptable.</param>
/// <param name="UpperInclusive">False for <c>&lt;</c>: the bound itself is not acceptable.</param>
/// <param name="Sites">Judge only at these sites (null: every site).</param>
/// <param name="HoldOut">"external" (held-out sites only), "internal" (training sites only) or null (both).</param>
/// <param name="Line">1-based line of the rule in its file.</param>
/// <param name="Column">1-based column of the rule's opening quote.</param>
public sealed record Criterion(string Text, string Metric, double? Lower, double? Upper,
    bool LowerInclusive, bool UpperInclusive, IReadOnlyList<string>? Sites, string? HoldOut, int Line, int Column)
{
    public const string GapPrefix = "gap.";
    public const string External = "external";
    public const string Internal = "internal";

    /// <summary>True when <see cref="Metric"/> is a gap (site minus development).</summary>
    public bool IsGap => Metric.StartsWith(GapPrefix, StringComparison.Ordinal);

    /// <summary>The catalog key: <see cref="Metric"/> without "gap.".</summary>
    public string CatalogKey => IsGap ? Metric[GapPrefix.Length..] : Metric;

    /// <summary>The acceptable region in interval notation, e.g. "[0.700, ∞)" or "(0.600, 1.600]".</summary>
    public string RegionText =>
        (Lower is { } l ? (LowerInclusive ? "[" : "(") + Number(l) : "(-∞") + ", " +
        (Upper is { } u ? Number(u) + (UpperInclusive ? "]" : ")") : "∞)");

    internal static string Number(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
