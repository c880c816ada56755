using System.Text.Json.Serialization;

namespace Harness.Results;

/// <summary>An acceptance rule's verdict, judged on the interval, not the point.</summary>
public enum Verdict
{
    /// <summary>The whole interval meets the rule.</summary>
    Pass,

    /// <summary>The whole interval misses the rule.</summary>
    Fail,

    /// <summary>The interval straddles the bound, there is no interval, or the site is too small to judge.</summary>
    Inconclusive,
}

/// <summary>The verdicts of a criteria file on one validation run; <see cref="Overall"/> sets the exit code.</summary>
/// <param name="File">The criteria file as given.</param>
public sealed record CriteriaOutcome(string File, string Sha256, IReadOnlyList<CriterionVerdict> Verdicts)
{
    /// <summary>Fail if any rule fails; else inconclusive if any is; else pass (also when no rule applied to any site).</summary>
    public Verdict Overall =>
        Verdicts.Any(v => v.Verdict == Verdict.Fail) ? Verdict.Fail
        : Verdicts.Any(v => v.Verdict == Verdict.Inconclusive) ? Verdict.Inconclusive
        : Verdict.Pass;
}

/// <summary>One rule judged at one site, with the numbers it was judged on.</summary>
/// <param name="Rule">The rule as written, e.g. "auroc >= 0.75".</param>
/// <param name="Metric">The results.json key judged: a metric ("auroc") or a gap ("gap.auroc").</param>
/// <param name="Reason">Why this verdict, in a sentence.</param>
public sealed record CriterionVerdict(string Rule, string Site, string Metric, Verdict Verdict, double? Value, double? Lower, double? Upper, string Reason)
{
    /// <summary>The rule's lower bound (null: none), as parsed from <see cref="Rule"/>; null too in results written before it was recorded.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RuleLower { get; init; }

    /// <summary>The rule's upper bound (null: none); see <see cref="RuleLower"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RuleUpper { get; init; }
}
