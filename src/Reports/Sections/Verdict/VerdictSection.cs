using Harness.Core.Metrics;
using Harness.Reports.Rendering;
using Harness.Results;
using SkiaSharp;

namespace Harness.Reports.Sections.Verdict;

/// <summary>
/// Page one: which model, when, each site with its hold-out type and headline metrics with
/// intervals and gaps, the acceptance verdicts, the largest distinguishable gaps, and every warning
/// in plain words. What a board member reads if they read nothing else.
/// </summary>
internal sealed class VerdictSection : IReportSection
{
    public string Id => "verdict";
    public string Title => "Verdict";

    public void Compose(Composer c, ReportContext context)
    {
        var results = context.Results;
        c.Text(AuditReport.Title, Palette.TitleSize, Face.Bold, Palette.Accent);
        c.Paragraph([
            new("Model ", Color: Palette.Muted), new(context.ModelFile, Face.Bold),
            new("   SHA-256 ", Color: Palette.Muted), new(results.Model.Sha256, Face.Mono),
        ], Palette.BodySize, gap: 1);
        c.Paragraph($"Validated {ReportFormat.Utc(results.Execution.StartedUtc)} with Harness {results.Execution.HarnessVersion}; " +
            $"report written {ReportFormat.Utc(context.GeneratedUtc)}.", Palette.SmallSize, Palette.Muted);
        c.Rule(c.Flow.Y + 3, Palette.Accent, 1.2f);
        c.Flow.Advance(8);

        c.Section(Id, Title, minimumBelow: 80);
        Criteria(c, results.Criteria);
        c.Flow.Advance(4);
        SiteTable(c, context);
        LargestGaps(c, context);
        Warnings(c, results);
    }

    /// <summary>The overall verdict in one callout; each rule's verdict is in the acceptance criteria section.</summary>
    private static void Criteria(Composer c, CriteriaOutcome? criteria)
    {
        if (criteria is null)
        {
            c.Absent("No acceptance criteria were given (validate --criteria FILE), so there is no PASS/FAIL verdict; the numbers below stand alone.");
            return;
        }
        var verdicts = criteria.Verdicts;
        int pass = verdicts.Count(v => v.Verdict == Results.Verdict.Pass), fail = verdicts.Count(v => v.Verdict == Results.Verdict.Fail);
        c.KeyValue("Acceptance criteria", [
            new("Overall: ", Face.Bold),
            new(AuditReport.VerdictText(criteria.Overall), Face.Bold, VerdictInk(criteria.Overall)),
            new($"   {verdicts.Count} rule verdict{(verdicts.Count == 1 ? "" : "s")} at {verdicts.Select(v => v.Site).Distinct().Count()} site(s): " +
                $"{pass} pass, {fail} fail, {verdicts.Count - pass - fail} inconclusive"),
            new($"\n{criteria.File} (SHA-256 {ReportFormat.ShortHash(criteria.Sha256)}). Each rule is judged on the interval, not the point: " +
                "every rule with its numbers is under \u201cAcceptance criteria\u201d.", Color: Palette.Muted),
        ], Palette.CalloutFill);
        c.Flow.Advance(3);
    }

    /// <summary>A site's verdict over its rules: the worst of them, with how many rules were judged.</summary>
    private static (string Text, SKColor Ink)? SiteVerdict(CriteriaOutcome? criteria, string site)
    {
        var verdicts = criteria?.Verdicts.Where(v => v.Site == site).ToList();
        if (verdicts is not { Count: > 0 }) return null;
        var worst = new CriteriaOutcome(criteria!.File, criteria.Sha256, verdicts).Overall;
        return ($"{AuditReport.VerdictText(worst)} ({verdicts.Count(v => v.Verdict == worst)} of {verdicts.Count} rules)", VerdictInk(worst));
    }

    private static void SiteTable(Composer c, ReportContext context)
    {
        c.SubHeading("Sites, with each headline metric and its gap to development", minimumBelow: 60);
        c.Paragraph($"Each cell: the value with its {context.Level} confidence interval; beneath, the gap (site − development) and the gap's " +
            $"interval. {AuditReport.WorseMark} (bold, red): the interval excludes 0 and the site is worse; {AuditReport.BetterMark}: it excludes 0 and " +
            "the site is better. Under each name, the kind of hold-out (amber rows, internal or unknown, are not external validation) and, with " +
            "acceptance criteria, the site's worst rule verdict.",
            Palette.SmallSize, Palette.Muted, gap: 3);

        const float site = 92, n = 32, events = 40;
        float metric = (c.Width - site - n - events) / Math.Max(1, context.Headline.Count);
        var columns = new List<Column> { new("Site", site), new("n", n, SKTextAlign.Right), new(context.EventsLabel, events, SKTextAlign.Right) };
        columns.AddRange(context.Headline.Select(h => new Column($"{h.Label}\n({context.Level} CI; gap)", metric, SKTextAlign.Right)));

        var development = context.Results.Development;
        var rows = new List<TableRow>
        {
            Row(context, "Development", "reference", Palette.Muted, development.N, development.ClassCounts, development.Metrics, null, Palette.CalloutFill),
        };
        rows.AddRange(context.Sites.Select(s => Row(context, s.Name, ReportContext.HoldoutText(s), s.HeldOut ? Palette.Muted : Palette.WarnInk,
            s.N, s.ClassCounts, s.Metrics, s.Gap, s.HeldOut ? null : Palette.WarnFill, SiteVerdict(context.Results.Criteria, s.Name))));
        c.Table(columns, rows, "Sites");
        if (context.Sites.Count == 0) c.Absent("No sites were validated.");

        foreach (var site_ in context.Sites)
            foreach (var m in context.Headline)
                if (ReportContext.Get(site_.Metrics, m.Key) is { Value: null } value)
                    c.Paragraph([new("Note: ", Face.Bold, Palette.Muted), new($"{site_.Name}: {m.Label} {(value.Note ?? "is undefined").TrimEnd('.')}.", Color: Palette.Muted)],
                        Palette.SmallSize);
        c.Flow.Advance(4);
    }

    private static TableRow Row(ReportContext context, string name, string flag, SKColor flagInk, int n, IReadOnlyDictionary<string, int> counts,
        MetricSet metrics, MetricSet? gaps, SKColor? fill, (string Text, SKColor Ink)? verdict = null)
    {
        var prevalence = context.Prevalence(counts, n);
        var nameCell = new List<Span> { new(name, Face.Bold), new("\n" + flag, Face.Bold, flagInk) };
        if (verdict is { } v) nameCell.Add(new("\n" + v.Text, Face.Bold, v.Ink));
        List<IReadOnlyList<Span>> cells =
        [
            nameCell,
            [new(ReportFormat.Count(n))],
            prevalence is null ? [new(context.Events(counts))] : [new(context.Events(counts)), new("\n" + ReportFormat.Percent(prevalence), Color: Palette.Muted)],
        ];
        cells.AddRange(context.Headline.Select(m => MetricTables.Cell(m, metrics, gaps)));
        return new TableRow(cells, fill);
    }

    /// <summary>Per headline metric, the external site whose gap is distinguishable, worse, and largest.</summary>
    private static void LargestGaps(Composer c, ReportContext context)
    {
        var lines = new List<Span>();
        foreach (var m in context.Headline)
        {
            var worst = context.Sites.Where(s => s.HeldOut)
                .Select(s => (Site: s, Gap: ReportContext.Get(s.Gap, m.Key)))
                .Where(x => x.Gap is { Distinguishable: true, Worse: true, Value: not null })
                .OrderByDescending(x => Math.Abs(x.Gap!.Value!.Value))
                .FirstOrDefault();
            if (worst.Site is null) continue;
            lines.Add(new($"{(lines.Count > 0 ? "\n" : "")}{m.Label}: ", Face.Bold));
            lines.Add(new($"{worst.Site.Name} {ReportFormat.GapWithInterval(m, worst.Gap)}", Face.Bold, Palette.WorseInk));
        }
        if (lines.Count == 0)
            c.KeyValue("Largest distinguishable gap", [new("none: no external site's headline gap is distinguishable from 0 and worse than development.")]);
        else
            c.KeyValue("Largest distinguishable gaps (external sites, worse than development)", lines, Palette.FailFill);
        c.Flow.Advance(6);
    }

    private static void Warnings(Composer c, ValidationResults results)
    {
        var warnings = results.Warnings.Select(w => (Where: AuditReport.WholeRun, w.Message))
            .Concat(results.Sites.SelectMany(s => s.Warnings.Select(w => (Where: s.Name, w.Message))))
            .ToList();
        c.SubHeading(warnings.Count == 0 ? "Warnings: none" : $"Warnings ({warnings.Count})", minimumBelow: 12);
        if (warnings.Count == 0)
            c.Absent("Nothing in the data limits what the numbers can mean beyond their intervals.");
        foreach (var (where, message) in warnings)
            c.Paragraph([new(where + ": ", Face.Bold, Palette.WarnInk), new(message)], Palette.SmallSize, gap: 1.5f);
    }

    public static SKColor VerdictInk(Results.Verdict verdict) => verdict switch
    {
        Results.Verdict.Pass => Palette.PassInk,
        Results.Verdict.Fail => Palette.WorseInk,
        _ => Palette.WarnInk,
    };

    public static SKColor? VerdictFill(Results.Verdict verdict) => verdict switch
    {
        Results.Verdict.Fail => Palette.FailFill,
        Results.Verdict.Inconclusive => Palette.WarnFill,
        _ => null,
    };
}
