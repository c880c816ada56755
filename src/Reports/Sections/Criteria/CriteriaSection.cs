using Harness.Reports.Rendering;
using Harness.Reports.Sections.Verdict;

namespace Harness.Reports.Sections.Criteria;

/// <summary>Every acceptance rule at every site it applies to: the verdict and the numbers it was judged on.</summary>
internal sealed class CriteriaSection : IReportSection
{
    public string Id => "criteria";
    public string Title => "Acceptance criteria";

    public void Compose(Composer c, ReportContext context)
    {
        c.Section(Id, Title, minimumBelow: 60);
        if (context.Results.Criteria is not { } criteria)
        {
            c.Absent("None were given (validate --criteria FILE).");
            return;
        }
        c.Paragraph($"{criteria.File} (SHA-256 {criteria.Sha256}). A rule passes at a site when its whole {context.Level} interval meets the bound, " +
            "fails when the whole interval misses it, and is inconclusive otherwise (or when the site is too small to judge).",
            Palette.SmallSize, Palette.Muted, gap: 3);
        if (criteria.Verdicts.Count == 0)
        {
            c.Absent("No rule applied to any site.");
            return;
        }
        var columns = new List<Column> { new("Rule", 118), new("Site", 92), new("Verdict", 66), new("Reason", c.Width - 276) };
        var rows = criteria.Verdicts.Select(v => TableRow.Of(
        [
            new(v.Rule, Face.Mono),
            new(v.Site, Face.Bold),
            new(AuditReport.VerdictText(v.Verdict), Face.Bold, VerdictSection.VerdictInk(v.Verdict)),
            new(v.Reason),
        ], VerdictSection.VerdictFill(v.Verdict))).ToList();
        c.Table(columns, rows, Title);
    }
}
