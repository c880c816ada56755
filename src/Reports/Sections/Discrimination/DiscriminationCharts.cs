using Harness.Core.Metrics;
using Harness.Reports.Rendering;
using Harness.Results;
using SkiaSharp;

namespace Harness.Reports.Sections.Discrimination;

/// <summary>ROC and precision-recall curves per site, each beside the development curve (dashed) and the no-skill line.</summary>
internal static class DiscriminationCharts
{
    private const float Height = 138;

    public static void Compose(Composer c, ReportContext context)
    {
        var sites = context.Sites.Where(s => s.Discrimination is not null).ToList();
        if (sites.Count == 0)
        {
            c.Absent(context.Binary
                ? "ROC and precision-recall curves: these results hold no curve points (written before Harness recorded them, or every site has one class)."
                : "ROC and precision-recall curves are drawn for binary models (a positive class).");
            return;
        }
        var development = context.Results.DevelopmentCurves?.Discrimination;
        c.Legend(development is null
            ? [(Palette.Site, "site", false), (Palette.Reference, "chance (ROC) / prevalence (PR)", true)]
            : [(Palette.Site, "site", false), (Palette.Development, "development reference", true), (Palette.Reference, "chance (ROC) / prevalence (PR)", true)]);
        var charts = new List<(string, float, Action<SKCanvas, SKRect>)>();
        foreach (var site in sites)
        {
            string auroc = ReportFormat.WithInterval(MetricCatalog.Get(MetricKeys.Auroc), ReportContext.Get(site.Metrics, MetricKeys.Auroc));
            string auprc = ReportFormat.WithInterval(MetricCatalog.Get(MetricKeys.Auprc), ReportContext.Get(site.Metrics, MetricKeys.Auprc));
            charts.Add(($"{site.Name}: ROC, AUROC {auroc}", Height, Roc(c.Type, site.Discrimination!, development)));
            charts.Add(($"{site.Name}: precision-recall, AUPRC {auprc}", Height, PrecisionRecall(c.Type, site.Discrimination!, development, site.Prevalence)));
        }
        c.Charts(charts, 2, "ROC and precision-recall curves");
    }

    private static readonly double[] Unit = [0, 0.2, 0.4, 0.6, 0.8, 1.0];

    private static Action<SKCanvas, SKRect> Roc(Typesetter type, DiscriminationCurves site, DiscriminationCurves? development)
    {
        var plot = new Plot(new Axis("1 − specificity (false-positive rate)", 0, 1, Unit), new Axis("Sensitivity", 0, 1, Unit))
            .Add(new LineSeries([(0, 0), (1, 1)], Palette.Reference, 0.8f, Dashed: true));
        if (development is not null) plot.Add(new LineSeries(development.Roc.Select(p => (p.Fpr, p.Tpr)).ToList(), Palette.Development, 1f, Dashed: true));
        plot.Add(new LineSeries(site.Roc.Select(p => (p.Fpr, p.Tpr)).ToList(), Palette.Site, 1.5f));
        plot.Prepare(type);
        return (canvas, area) => plot.Draw(canvas, area, type);
    }

    private static Action<SKCanvas, SKRect> PrecisionRecall(Typesetter type, DiscriminationCurves site, DiscriminationCurves? development, double? prevalence)
    {
        var plot = new Plot(new Axis("Recall (sensitivity)", 0, 1, Unit), new Axis("Precision (PPV)", 0, 1, Unit));
        if (prevalence is { } p) plot.Add(new ReferenceLine(p, false, Palette.Reference));
        if (development is not null)
            plot.Add(new LineSeries(development.PrecisionRecall.Select(q => (q.Recall, q.Precision)).ToList(), Palette.Development, 1f, Dashed: true));
        plot.Add(new LineSeries(site.PrecisionRecall.Select(q => (q.Recall, q.Precision)).ToList(), Palette.Site, 1.5f));
        plot.Prepare(type);
        return (canvas, area) => plot.Draw(canvas, area, type);
    }
}
