using Harness.Core.Metrics;
using Harness.Reports.Rendering;
using Harness.Results;
using SkiaSharp;

namespace Harness.Reports.Sections.Gaps;

/// <summary>
/// Generalisation gaps as forest plots, one per headline metric: each site's gap to development
/// with its interval, the tolerance band of an acceptance rule on that gap, what cross-validation
/// expected (the folds' spread around the development value), and the random-effects pooled
/// estimate over the external sites with its prediction interval (the gap a new site may show).
/// </summary>
internal sealed class GapsSection : IReportSection
{
    public string Id => "gaps";
    public string Title => "Generalisation gaps";

    private const float GraphicWidth = 200;

    public void Compose(Composer c, ReportContext context)
    {
        c.Section(Id, Title, minimumBelow: 120);
        c.Paragraph($"Gap = site − development, with its {context.Level} interval (bars). 0 (dashed) is no gap. Green stripe: the tolerance an " +
            "acceptance rule on this gap allows. Grey rows: the cross-validation folds' values minus development (mean, and the range over folds " +
            $"as the bar), what the model expected of a new fold; green rows: the random-effects pooled gap over the external sites with its {context.Level} " +
            "confidence interval and, beneath it, its prediction interval (where a new site's true gap is expected to fall). Amber rows are not external.",
            Palette.SmallSize, Palette.Muted, gap: 4);
        if (context.Sites.Count == 0)
        {
            c.Absent("No sites were validated, so there are no gaps.");
            return;
        }
        foreach (var metric in context.Headline) Forest(c, context, metric);
        if (context.Results.Pooled is { Reason: { } reason }) c.Absent($"Pooled estimates: {reason}.");
    }

    private sealed record ForestRow(string Name, string Flag, SKColor FlagInk, double? Point, double? Lower, double? Upper, string Text,
        SKColor Ink, SKColor? Fill, bool Bold = false, (double Lower, double Upper)? Prediction = null);

    private static void Forest(Composer c, ReportContext context, MetricDefinition metric)
    {
        var development = ReportContext.Get(context.Results.Development.Metrics, metric.Key)?.Value;
        var rows = new List<ForestRow>();
        foreach (var s in context.Sites.OrderByDescending(s => s.HeldOut))
        {
            var gap = ReportContext.Get(s.Gap, metric.Key);
            var mark = AuditReport.Mark(gap);
            rows.Add(new ForestRow(s.Name, ReportContext.HoldoutText(s), s.HeldOut ? Palette.Muted : Palette.WarnInk, gap?.Value, gap?.Ci?.Lower,
                gap?.Ci?.Upper, gap?.Value is null ? (gap?.Note ?? "undefined") : AuditReport.Marked(mark, ReportFormat.GapWithInterval(metric, gap)),
                mark == GapMark.Worse ? Palette.WorseInk : Palette.Site, s.HeldOut ? null : Palette.WarnFill, mark == GapMark.Worse));
        }
        if (development is { } dev && context.Results.Model.CrossValidation is { Folds.Count: > 1 } cv)
        {
            var values = cv.Folds.Select(f => f.Metrics.ValueOf(metric.Key)).OfType<double>().Select(v => v - dev).ToList();
            if (values.Count > 1)
                rows.Add(new ForestRow("Cross-validation", $"{values.Count} folds ({cv.Scheme})", Palette.Muted, values.Average(), values.Min(), values.Max(),
                    $"mean {ReportFormat.Gap(values.Average(), metric.Format)}, range {ReportFormat.Gap(values.Min(), metric.Format)} to {ReportFormat.Gap(values.Max(), metric.Format)}",
                    Palette.Development, Palette.Zebra));
        }
        if (development is { } d && context.Results.Pooled?.Metrics.GetValueOrDefault(metric.Key) is { Estimate: { } estimate } pooled)
        {
            string text = $"{ReportFormat.Gap(estimate - d, metric.Format)}" +
                (pooled.Ci is { } ci ? $" ({ReportFormat.Gap(ci.Lower - d, metric.Format)} to {ReportFormat.Gap(ci.Upper - d, metric.Format)})" : "") +
                (pooled.PredictionInterval is { } pi ? $"\nprediction {ReportFormat.Gap(pi.Lower - d, metric.Format)} to {ReportFormat.Gap(pi.Upper - d, metric.Format)}" : "");
            rows.Add(new ForestRow("Pooled (random effects)", $"{pooled.K} external sites", Palette.Muted, estimate - d, pooled.Ci?.Lower - d, pooled.Ci?.Upper - d,
                text, Palette.Pooled, Palette.CalloutFill, true,
                pooled.PredictionInterval is { } p ? (p.Lower - d, p.Upper - d) : null));
        }

        var tolerance = Tolerance(context.Results.Criteria, metric.Key);
        var bounds = rows.SelectMany(r => new[] { r.Point, r.Lower, r.Upper, r.Prediction?.Lower, r.Prediction?.Upper }).OfType<double>()
            .Where(double.IsFinite).Append(0).ToList();
        if (tolerance is { } t) bounds.AddRange(new[] { t.Lower, t.Upper }.Where(double.IsFinite));
        double span = Math.Max(bounds.Max() - bounds.Min(), 1e-3);
        var axis = new Axis("", bounds.Min() - 0.06 * span, bounds.Max() + 0.06 * span);
        axis = axis with { Ticks = Axis.NiceTicks(axis.Min, axis.Max, 4) };

        c.SubHeading($"{metric.Label}: gap to development" + (development is { } v ? $" ({ReportFormat.Value(metric, v)})" : ""), minimumBelow: 50);
        var type = c.Type;
        foreach (double tick in axis.TickValues) type.Wrap(axis.Label(tick), Plot.TickSize, 100);
        float textWidth = c.Width - 120 - GraphicWidth;
        var columns = new List<Column>
        {
            new("Site", 120), new($"{metric.Label} gap ({context.Level} CI)", GraphicWidth, Graphic: true), new("Gap (CI)", textWidth, SKTextAlign.Right),
        };
        var tableRows = rows.Select(r => new TableRow(
        [
            [new(r.Name, Face.Bold), new("\n" + r.Flag, Color: r.FlagInk)],
            [],
            [new(r.Text, r.Bold ? Face.Bold : Face.Regular, r.Ink == Palette.Site ? Palette.Ink : r.Ink)],
        ], r.Fill, Graphic: (canvas, cell) => DrawRow(canvas, cell, axis, r, tolerance))).ToList();
        c.Table(columns, tableRows, metric.Label + " gaps", headerGraphic: (canvas, cell) => DrawAxis(canvas, cell, axis, type),
            graphicHeaderHeight: 24);
        c.Flow.Advance(6);
    }

    private static float X(Axis axis, SKRect cell, double v) =>
        cell.Left + 6 + (float)((v - axis.Min) / (axis.Max - axis.Min)) * (cell.Width - 12);

    private static void DrawAxis(SKCanvas canvas, SKRect cell, Axis axis, Typesetter type)
    {
        using var stroke = Plot.Stroke(Palette.Ink, 0.6f);
        float y = cell.Bottom - 3;
        canvas.DrawLine(X(axis, cell, axis.Min), y, X(axis, cell, axis.Max), y, stroke);
        foreach (double tick in axis.TickValues)
        {
            float x = X(axis, cell, tick);
            canvas.DrawLine(x, y, x, y - 3, stroke);
            var label = type.Wrap(axis.Label(tick), Plot.TickSize, 40);
            type.Draw(canvas, label, x - 20, y - 4 - Typesetter.LineHeight(Plot.TickSize), Plot.TickSize, Palette.Ink, 40, SKTextAlign.Center);
        }
    }

    private static void DrawRow(SKCanvas canvas, SKRect cell, Axis axis, ForestRow row, (double Lower, double Upper)? tolerance)
    {
        if (tolerance is { } t)
        {
            using var fill = Plot.Fill(Palette.Tolerance);
            canvas.DrawRect(new SKRect(X(axis, cell, Math.Clamp(t.Lower, axis.Min, axis.Max)), cell.Top,
                X(axis, cell, Math.Clamp(t.Upper, axis.Min, axis.Max)), cell.Bottom), fill);
        }
        using (var zero = Plot.Stroke(Palette.Reference, 0.7f, dashed: true))
            canvas.DrawLine(X(axis, cell, 0), cell.Top, X(axis, cell, 0), cell.Bottom, zero);
        if (row.Point is not { } point) return;
        float y = cell.MidY;
        using var stroke = Plot.Stroke(row.Ink, 1.2f);
        if (row.Prediction is { } pi)
            using (var dashed = Plot.Stroke(row.Ink, 0.9f, dashed: true))
                canvas.DrawLine(X(axis, cell, pi.Lower), y + 4, X(axis, cell, pi.Upper), y + 4, dashed);
        if (row.Lower is { } lower && row.Upper is { } upper)
        {
            canvas.DrawLine(X(axis, cell, lower), y, X(axis, cell, upper), y, stroke);
            canvas.DrawLine(X(axis, cell, lower), y - 2.5f, X(axis, cell, lower), y + 2.5f, stroke);
            canvas.DrawLine(X(axis, cell, upper), y - 2.5f, X(axis, cell, upper), y + 2.5f, stroke);
        }
        using var fillPoint = Plot.Fill(row.Ink);
        float px = X(axis, cell, point);
        if (row.Prediction is not null)
        {
            using var diamond = new SKPath();
            diamond.MoveTo(px, y - 3.5f);
            diamond.LineTo(px + 3.5f, y);
            diamond.LineTo(px, y + 3.5f);
            diamond.LineTo(px - 3.5f, y);
            diamond.Close();
            canvas.DrawPath(diamond, fillPoint);
        }
        else
            canvas.DrawRect(SKRect.Create(px - 2.3f, y - 2.3f, 4.6f, 4.6f), fillPoint);
    }

    /// <summary>
    /// The band an acceptance rule on this metric's gap allows, from the bounds the verdicts record
    /// ("gap.auroc >= -0.05": [−0.05, ∞)); null without such a rule (or in results that predate the bounds).
    /// </summary>
    internal static (double Lower, double Upper)? Tolerance(CriteriaOutcome? criteria, string metric) =>
        criteria?.Verdicts.FirstOrDefault(v => v.Metric == "gap." + metric) is { } rule && (rule.RuleLower is not null || rule.RuleUpper is not null)
            ? (rule.RuleLower ?? double.NegativeInfinity, rule.RuleUpper ?? double.PositiveInfinity)
            : null;
}
