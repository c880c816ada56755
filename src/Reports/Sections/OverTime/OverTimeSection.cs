using Harness.Core.Metrics;
using Harness.Reports.Rendering;
using Harness.Results;
using SkiaSharp;

namespace Harness.Reports.Sections.OverTime;

/// <summary>
/// Temporal hold-out: each site's headline metrics period by period (validate --by), with
/// intervals, each period's hold-out type, and the fitted change per year.
/// </summary>
internal sealed class OverTimeSection : IReportSection
{
    public string Id => "over-time";
    public string Title => "Over time";

    public void Compose(Composer c, ReportContext context)
    {
        var sites = context.Sites.Where(s => s.Periods is { List.Count: > 0 }).ToList();
        // With periods, the heading keeps the first site's subheading and charts below it, or moves on with them.
        c.Section(Id, Title, minimumBelow: sites.Count == 0 ? 40 : 40 + 120);
        if (sites.Count == 0)
        {
            c.Absent("No periods: validate with --by year|quarter|month (and dated manifests) to see the metrics over time.");
            return;
        }
        var metrics = context.Headline.Take(3).ToList();
        foreach (var site in sites)
        {
            var periods = site.Periods!;
            c.SubHeading($"{site.Name}: by {periods.By}", minimumBelow: 120);
            var charts = metrics.Select(m => (Title: m.Label, Height: 120f, Draw: Chart(c.Type, periods, m))).ToList();
            c.Charts(charts, 3, $"{site.Name} over time");

            var columns = new List<Column> { new("Period", 62), new("Hold-out", 80), new("n", 34, SKTextAlign.Right), new(context.EventsLabel, 38, SKTextAlign.Right) };
            float width = (c.Width - columns.Sum(k => k.Width)) / metrics.Count;
            columns.AddRange(metrics.Select(m => new Column($"{m.Label} ({context.Level} CI)", width, SKTextAlign.Right)));
            var rows = periods.List.Select(p => TableRow.Of(new Span[]
            {
                new(p.Label, Face.Bold), new(p.Holdout), new(ReportFormat.Count(p.N)), new(context.Events(p.ClassCounts)),
            }.Concat(metrics.Select(m => new Span(ReportFormat.WithInterval(m, ReportContext.Get(p.Metrics, m.Key)))))))
                .ToList();
            c.Table(columns, rows, $"{site.Name} by {periods.By}");
            Trend(c, context, site);
        }
    }

    private static Action<SKCanvas, SKRect> Chart(Typesetter type, PeriodBreakdown periods, MetricDefinition metric)
    {
        var points = periods.List.Select(p => (p.MidpointYear, Value: ReportContext.Get(p.Metrics, metric.Key)))
            .Where(x => x.Value?.Value is not null)
            .Select(x => (x.MidpointYear, x.Value!.Value!.Value, x.Value.Ci?.Lower, x.Value.Ci?.Upper))
            .ToList();
        bool ideal = metric.Direction == MetricDirection.CloserToIdealIsBetter; // the ideal (O/E 1, slope 1) stays in view
        var ys = points.SelectMany(p => new[] { p.Item2, p.Item3 ?? p.Item2, p.Item4 ?? p.Item2 }).Concat(ideal ? [metric.Ideal] : []).DefaultIfEmpty(0.5).ToList();
        double lo = ys.Min(), hi = ys.Max(), pad = Math.Max(hi - lo, 0.05) * 0.08;
        double x0 = periods.List.Min(p => p.MidpointYear), x1 = periods.List.Max(p => p.MidpointYear);
        double xpad = Math.Max(x1 - x0, 1) * 0.08;
        var x = new Axis("Year", x0 - xpad, x1 + xpad);
        var plot = new Plot(x, new Axis(metric.Label, lo - pad, hi + pad))
            .Add(new ErrorBarSeries(points, Palette.Site));
        if (ideal) plot.Add(new ReferenceLine(metric.Ideal, false, Palette.Reference));
        if (points.Count > 1) plot.Add(new LineSeries(points.Select(p => (p.MidpointYear, p.Item2)).ToList(), Palette.SiteBand, 0.8f));
        plot.Prepare(type);
        return (canvas, area) => plot.Draw(canvas, area, type);
    }

    private static void Trend(Composer c, ReportContext context, SiteResult site)
    {
        if (site.Trend is not { } trend) return;
        if (trend.Reason is { } reason)
        {
            c.Absent($"Trend: {reason}.");
            return;
        }
        var spans = new List<Span> { new("Change per year: ", Face.Bold) };
        foreach (var (key, t) in trend.Metrics)
        {
            if (spans.Count > 1) spans.Add(new("; "));
            string label = MetricCatalog.Find(key)?.Label ?? key;
            string scale = t.Scale switch { PoolingScale.Logit => " (logit)", PoolingScale.Log => " (log)", _ => "" };
            spans.Add(t.SlopePerYear is { } slope
                ? new($"{label}{scale} {ReportFormat.Gap(slope)}" + (t.Ci is { } ci ? $" ({ReportFormat.Gap(ci.Lower)} to {ReportFormat.Gap(ci.Upper)})" : ""),
                    t.Distinguishable == true ? Face.Bold : Face.Regular)
                : new($"{label}: {t.Reason ?? "undefined"}", Color: Palette.Muted));
        }
        spans.Add(new($".\n{ReportContext.Capitalise(trend.Method)}.", Color: Palette.Muted));
        c.Paragraph(spans, Palette.SmallSize, gap: 6);
    }
}
