using Harness.Core.Metrics;
using Harness.Reports.Rendering;
using SkiaSharp;

namespace Harness.Reports.Sections;

/// <summary>
/// A catalog group's metrics as tables: one row per sample (development, then each site), one column
/// per metric, each cell the value with its interval and, for sites, the gap with its interval. A
/// group with more metrics than fit across the page is split into several tables.
/// </summary>
internal static class MetricTables
{
    /// <summary>The most metric columns a table holds across A4 (value with interval, gap beneath).</summary>
    private const int PerTable = 5;

    public static void Compose(Composer c, ReportContext context, string group, string title)
    {
        var metrics = context.Shown.Where(m => m.Group == group).ToList();
        if (metrics.Count == 0) return;
        // As few tables as fit, of even size: 6 metrics make 3 + 3, not 5 + 1.
        int tables = (metrics.Count + PerTable - 1) / PerTable, size = (metrics.Count + tables - 1) / tables;
        foreach (var chunk in metrics.Chunk(size))
        {
            const float site = 92;
            float width = (c.Width - site) / Math.Max(chunk.Length, 4);
            var columns = new List<Column> { new("Sample", site) };
            columns.AddRange(chunk.Select(m => new Column($"{m.Label}\n({context.Level} CI; gap)", width, SKTextAlign.Right)));
            var development = context.Results.Development;
            var rows = new List<TableRow> { Row(context, "Development", "reference", true, development.Metrics, null, chunk, Palette.CalloutFill) };
            rows.AddRange(context.Sites.Select(s =>
                Row(context, s.Name, ReportContext.HoldoutText(s), s.HeldOut, s.Metrics, s.Gap, chunk, s.HeldOut ? null : Palette.WarnFill)));
            c.Table(columns, rows, title);
            c.Flow.Advance(4);
        }
        var notes = context.Sites.SelectMany(s => metrics.Select(m => (Site: s.Name, Metric: m, Value: ReportContext.Get(s.Metrics, m.Key))))
            .Where(x => x.Value is { Value: null } || x.Value?.Ci is null && x.Value?.Note is not null)
            .Select(x => $"{x.Site}: {x.Metric.Label} {(x.Value!.Note ?? "undefined").TrimEnd('.')}.")
            .Distinct()
            .ToList();
        foreach (string note in notes) c.Paragraph([new("Note: ", Face.Bold, Palette.Muted), new(note, Color: Palette.Muted)], Palette.SmallSize);
    }

    private static TableRow Row(ReportContext context, string name, string flag, bool heldOut, MetricSet metrics, MetricSet? gaps,
        IReadOnlyList<MetricDefinition> columns, SKColor? fill)
    {
        List<IReadOnlyList<Span>> cells = [[new(name, Face.Bold), new("\n" + flag, Face.Bold, heldOut ? Palette.Muted : Palette.WarnInk)]];
        cells.AddRange(columns.Select(m => Cell(m, metrics, gaps)));
        return new TableRow(cells, fill);
    }

    /// <summary>
    /// A metric's cell: the value with its interval; beneath, for a site, the gap marked ▼/▲ and on the
    /// next line the gap's interval, bold red when distinguishable and worse. Empty when the sample lacks the metric.
    /// </summary>
    public static IReadOnlyList<Span> Cell(MetricDefinition metric, MetricSet metrics, MetricSet? gaps)
    {
        var value = ReportContext.Get(metrics, metric.Key);
        var gap = gaps is null || value?.Value is null ? null : ReportContext.Get(gaps, metric.Key);
        var mark = AuditReport.Mark(gap);
        var (face, ink) = mark switch
        {
            GapMark.Worse => (Face.Bold, Palette.WorseInk),
            GapMark.Better => (Face.Regular, Palette.Ink),
            _ => (Face.Regular, Palette.Muted),
        };
        var spans = new List<Span> { new(value is null ? "" : ReportFormat.WithInterval(metric, value)) };
        if (gap?.Value is null) return spans;
        spans.Add(new("\n" + AuditReport.Marked(mark, ReportFormat.Gap(gap.Value, metric.Format)), face, ink));
        if (ReportFormat.GapInterval(metric, gap) is { Length: > 0 } interval) spans.Add(new("\n" + interval, face, ink));
        return spans;
    }
}
