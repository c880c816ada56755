using System.Globalization;
using Harness.Core.Metrics;
using Harness.Results;

namespace Harness.Validator.Criteria;

/// <summary>
/// Judges acceptance rules on intervals, not points: a rule passes at a site when the whole
/// confidence interval lies in its region, fails when the whole interval lies outside it, and is
/// inconclusive otherwise (the interval straddles a bound, there is no interval, or the site is too
/// small to judge). Pure: the verdicts depend on the results alone.
/// </summary>
public static class CriteriaJudge
{
    public const string SiteNotValidated = "site not validated";

    /// <summary>Each rule at each site it applies to, in the file's order, then the sites' order.</summary>
    /// <param name="file">The criteria file as given.</param>
    /// <param name="fileSha256">Its SHA-256, recorded with the verdicts.</param>
    public static CriteriaOutcome Judge(IReadOnlyList<Criterion> criteria, string file, string fileSha256, IReadOnlyList<SiteResult> sites)
    {
        var verdicts = new List<CriterionVerdict>();
        foreach (var criterion in criteria)
        {
            foreach (var site in sites.Where(s => Applies(criterion, s)))
                verdicts.Add(JudgeAt(criterion, site));
            foreach (string missing in criterion.Sites?.Where(name => !sites.Any(s => s.Name == name)) ?? [])
                verdicts.Add(new CriterionVerdict(criterion.Text, missing, criterion.Metric, Verdict.Inconclusive, null, null, null, SiteNotValidated)
                {
                    RuleLower = criterion.Lower, RuleUpper = criterion.Upper,
                });
        }
        return new CriteriaOutcome(file, fileSha256, verdicts);
    }

    private static bool Applies(Criterion criterion, SiteResult site) =>
        (criterion.Sites is null || criterion.Sites.Contains(site.Name))
        && criterion.HoldOut switch
        {
            Criterion.External => site.HeldOut,
            Criterion.Internal => !site.HeldOut,
            _ => true,
        };

    private static CriterionVerdict JudgeAt(Criterion criterion, SiteResult site)
    {
        var set = criterion.IsGap ? site.Gap : site.Metrics;
        set.TryGet(criterion.CatalogKey, out var metric);
        double? value = metric?.Value;
        var ci = metric?.Ci;
        CriterionVerdict Make(Verdict verdict, string reason) =>
            new(criterion.Text, site.Name, criterion.Metric, verdict, value, ci?.Lower, ci?.Upper, reason)
            {
                RuleLower = criterion.Lower, RuleUpper = criterion.Upper,
            };

        if (site.Warnings.FirstOrDefault(w => WarningCodes.TooSmallToJudge.Contains(w.Code)) is { } small)
            return Make(Verdict.Inconclusive, $"the site is too small to judge ({small.Code}: {small.Message.TrimEnd('.')}).");
        if (metric is null)
            return Make(Verdict.Inconclusive, $"the results hold no {criterion.Metric} for this site.");
        if (value is not { } point)
            return Make(Verdict.Inconclusive, metric.Note ?? $"{criterion.Metric} is undefined at this site.");
        if (ci is null || double.IsNaN(ci.Lower) || double.IsNaN(ci.Upper))
        {
            string note = metric.Note ?? "the interval is undefined";
            return Make(Verdict.Inconclusive, note.StartsWith("no interval", StringComparison.Ordinal) ? note : "no interval: " + note);
        }

        var (verdict, why) = Compare(criterion, ci.Lower, ci.Upper);
        string level = (ci.Level * 100).ToString("0.#", CultureInfo.InvariantCulture);
        return Make(verdict, $"{criterion.Metric} {F(point)} ({level}% CI {F(ci.Lower)} to {F(ci.Upper)}): {why}.");
    }

    /// <summary>Where the interval [<paramref name="l"/>, <paramref name="u"/>] lies against the rule's region.</summary>
    private static (Verdict, string) Compare(Criterion c, double l, double u)
    {
        // Outside: the whole interval below the lower bound or above the upper one.
        if (c.Lower is { } below && (c.LowerInclusive ? u < below : u <= below))
            return (Verdict.Fail, $"the whole interval is {(c.LowerInclusive ? "below" : "at or below")} {F(below)}");
        if (c.Upper is { } above && (c.UpperInclusive ? l > above : l >= above))
            return (Verdict.Fail, $"the whole interval is {(c.UpperInclusive ? "above" : "at or above")} {F(above)}");

        bool lowerMet = c.Lower is not { } lo || (c.LowerInclusive ? l >= lo : l > lo);
        bool upperMet = c.Upper is not { } hi || (c.UpperInclusive ? u <= hi : u < hi);
        if (lowerMet && upperMet)
            return (Verdict.Pass, (c.Lower, c.Upper) switch
            {
                ({ }, { }) => $"the whole interval lies within {c.RegionText}",
                ({ } a, null) => $"the whole interval is {(c.LowerInclusive ? "at or above" : "above")} {F(a)}",
                (null, { } b) => $"the whole interval is {(c.UpperInclusive ? "at or below" : "below")} {F(b)}",
                _ => "the rule has no bound",
            });

        double bound = lowerMet ? c.Upper!.Value : c.Lower!.Value;
        bool touches = lowerMet ? u == bound : l == bound;
        return (Verdict.Inconclusive, touches
            ? $"the interval [{F(l)}, {F(u)}] reaches the bound {F(bound)}, which the rule excludes"
            : $"the interval [{F(l)}, {F(u)}] straddles the bound {F(bound)}");
    }

    private static string F(double value) => Criterion.Number(value);
}
