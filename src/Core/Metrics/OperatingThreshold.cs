using System.Globalization;
using Harness.Core.ModelCards;

namespace Harness.Core.Metrics;

/// <summary>
/// Chooses a binary model's operating threshold on the development predictions. An example is
/// predicted positive when its risk is at or above the threshold. Rules:
/// <list type="bullet">
/// <item><c>youden</c> (default): the observed risk that maximises Youden's J = sensitivity + specificity - 1 (the highest such risk on ties);</item>
/// <item><c>sensitivity:0.90</c>: the highest observed risk whose sensitivity is at least 0.90;</item>
/// <item><c>specificity:0.90</c>: the lowest observed risk whose specificity is at least 0.90;</item>
/// <item>a number in (0, 1): that threshold, fixed.</item>
/// </list>
/// </summary>
public static class OperatingThreshold
{
    public const string Youden = "youden";

    /// <summary>Checks a rule's syntax; the error names <paramref name="setting"/>.</summary>
    public static void Validate(string rule, string setting = "--threshold") => Parse(rule, setting);

    public static OperatingPoint Choose(ScoredExamples development, string rule)
    {
        if (development.PositiveClass is not int positive) throw new ArgumentException("Only binary models have a threshold.", nameof(development));
        var (kind, target) = Parse(rule, "--threshold");
        if (kind == "fixed") return new OperatingPoint(target, "fixed");

        var risks = Enumerable.Range(0, development.Count).Select(i => development.Probability(i, positive)).ToArray();
        var events = development.Labels.Select(l => l == positive).ToArray();
        int p = events.Count(e => e), n = events.Length - p;
        if (p == 0 || n == 0)
            return new OperatingPoint(0.5, $"0.5: rule '{rule}' needs both classes in the development predictions");

        // Ascending distinct risks; at threshold t, positives are the rows with risk >= t.
        var order = Enumerable.Range(0, risks.Length).OrderBy(i => risks[i]).ToArray();
        int positivesBelow = 0, negativesBelow = 0;
        double? chosen = null, best = double.NegativeInfinity;
        for (int start = 0; start < order.Length;)
        {
            double t = risks[order[start]];
            double sensitivity = (double)(p - positivesBelow) / p, specificity = (double)negativesBelow / n;
            switch (kind)
            {
                case Youden when sensitivity + specificity - 1 >= best:
                    (best, chosen) = (sensitivity + specificity - 1, t);
                    break;
                case "sensitivity" when sensitivity >= target:
                    chosen = t;
                    break;
                case "specificity" when specificity >= target && chosen is null:
                    chosen = t;
                    break;
            }
            for (; start < order.Length && risks[order[start]] == t; start++)
                if (events[order[start]]) positivesBelow++; else negativesBelow++;
        }
        // Every risk is above the highest threshold tried: only "specificity" can ask for more than that gives.
        return chosen is { } threshold
            ? new OperatingPoint(threshold, rule)
            : new OperatingPoint(Math.BitIncrement(risks.Max()), rule + " (no observed risk reaches it: everything below)");
    }

    private static (string Kind, double Target) Parse(string rule, string setting)
    {
        string text = rule.Trim().ToLowerInvariant();
        if (text == Youden) return (Youden, 0);
        string[] parts = text.Split(':');
        bool number = double.TryParse(parts[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value);
        if (parts.Length == 1 && number && value is > 0 and < 1) return ("fixed", value);
        if (parts.Length == 2 && parts[0] is "sensitivity" or "specificity" && number && value is > 0 and <= 1) return (parts[0], value);
        throw new InputException($"{setting} '{rule}' is not a threshold rule.",
            $"Use {setting} youden, a risk in (0, 1) such as 0.3, or sensitivity:0.90 / specificity:0.90.");
    }
}
