using Harness.Reports.Rendering;
using SkiaSharp;

namespace Harness.Reports.Sections.Subgroups;

/// <summary>Each --subgroup at each site: the headline metrics per level with intervals, and the largest difference between levels.</summary>
internal sealed class SubgroupsSection : IReportSection
{
    public string Id => "subgroups";
    public string Title => "Subgroups";

    public void Compose(Composer c, ReportContext context)
    {
        c.Section(Id, Title, minimumBelow: 40);
        var sites = context.Sites.Where(s => s.Subgroups is { Count: > 0 }).ToList();
        if (sites.Count == 0)
        {
            c.Absent("No subgroups: validate with --subgroup COLUMN (a group:COLUMN in the manifests) to see performance by sex, age band or the like.");
            return;
        }
        c.Paragraph($"Each level's headline metrics with {context.Level} intervals; the last row gives, per metric, the highest level minus the lowest " +
            "with the interval of that difference (bold when it excludes 0).", Palette.SmallSize, Palette.Muted, gap: 3);
        foreach (var site in sites)
            foreach (var subgroup in site.Subgroups!)
            {
                c.SubHeading($"{site.Name}: {subgroup.Name}", minimumBelow: 60);
                var columns = new List<Column> { new("Level", 80), new("n", 34, SKTextAlign.Right), new(context.EventsLabel, 40, SKTextAlign.Right) };
                float width = (c.Width - columns.Sum(k => k.Width)) / context.Headline.Count;
                columns.AddRange(context.Headline.Select(m => new Column($"{m.Label} ({context.Level} CI)", width, SKTextAlign.Right)));
                var rows = subgroup.Levels.Select(level => TableRow.Of(new Span[]
                {
                    new(level.Level, Face.Bold), new(ReportFormat.Count(level.N)), new(context.Events(level.ClassCounts)),
                }.Concat(context.Headline.Select(m => ReportContext.Get(level.Metrics, m.Key) is { Value: null } v
                    ? new Span(v.Note ?? ReportFormat.Missing, Color: Palette.Muted)
                    : new Span(ReportFormat.WithInterval(m, ReportContext.Get(level.Metrics, m.Key))))))).ToList();
                List<IReadOnlyList<Span>> difference = [[new("Largest difference", Face.Bold)], [], []];
                foreach (var m in context.Headline)
                {
                    if (subgroup.LargestDifference.GetValueOrDefault(m.Key) is not { } d || d.Difference.Value is null)
                    {
                        difference.Add([new(ReportFormat.Missing, Color: Palette.Muted)]);
                        continue;
                    }
                    bool distinguishable = d.Difference.Ci is { } ci && ci.Excludes(0);
                    difference.Add([new($"{d.Highest} − {d.Lowest}\n{ReportFormat.GapWithInterval(m, d.Difference)}",
                        distinguishable ? Face.Bold : Face.Regular, distinguishable ? Palette.WorseInk : Palette.Ink)]);
                }
                rows.Add(new TableRow(difference, Palette.CalloutFill));
                c.Table(columns, rows, $"{site.Name}: {subgroup.Name}");
                c.Flow.Advance(4);
            }
    }
}
