using Harness.Core.Metrics;
using Harness.Reports.Rendering;
using SkiaSharp;

namespace Harness.Reports.Sections.ClinicalUtility;

/// <summary>Decision curves (Vickers &amp; Elkin 2006): the model's net benefit against treating everyone and no one, per site.</summary>
internal sealed class ClinicalUtilitySection : IReportSection
{
    public string Id => "clinical-utility";
    public string Title => "Clinical utility";

    public void Compose(Composer c, ReportContext context)
    {
        c.Section(Id, Title, minimumBelow: 40);
        var sites = context.Sites.Where(s => s.DecisionCurve is not null).ToList();
        if (sites.Count == 0)
        {
            c.Absent(context.Binary ? "No decision curves in these results." : "Decision curves need a binary model (a positive class).");
            return;
        }
        c.Paragraph("Net benefit = TP/n − FP/n · pt/(1 − pt) at threshold probability pt: the benefit of acting on the model's risk at that threshold, " +
            "in true positives per patient, net of the harm of false positives weighted by the odds of the threshold. A model is useful at pt where its " +
            $"curve lies above both treat-all and treat-none (0). The table gives the model's advantage over the better of the two, with {context.Level} intervals.",
            Palette.SmallSize, Palette.Muted, gap: 3);
        c.Legend([(Palette.Site, "model", false), (Palette.TreatAll, "treat all", false), (Palette.Reference, "treat none", true)]);
        var charts = sites.Select(s => (Title: s.Name, Height: 130f, Draw: Chart(c.Type, s.DecisionCurve!))).ToList();
        c.Charts(charts, 3, "Decision curves");

        var columns = new List<Column> { new("Site", 96) };
        float width = (c.Width - 96) / DecisionCurve.KeyThresholds.Count;
        columns.AddRange(DecisionCurve.KeyThresholds.Select(t => new Column($"pt = {t:0.00}\nNB; advantage (CI)", width, SKTextAlign.Right)));
        var rows = sites.Select(s => TableRow.Of(new Span[] { new(s.Name, Face.Bold) }.Concat(DecisionCurve.KeyThresholds.Select(t =>
        {
            var point = s.DecisionCurve!.Key.FirstOrDefault(k => Math.Abs(k.Threshold - t) < 1e-9);
            if (point is null) return new Span(ReportFormat.Missing);
            bool better = point.AdvantageCi.Lower > 1e-9; // the interval excludes 0 (not by rounding)
            return new Span($"{ReportFormat.Metric(point.NetBenefit)}; {ReportFormat.Gap(point.Advantage)}\n" +
                $"({ReportFormat.Gap(point.AdvantageCi.Lower)} to {ReportFormat.Gap(point.AdvantageCi.Upper)})", better ? Face.Bold : Face.Regular);
        })))).ToList();
        c.Table(columns, rows, "Net benefit");
    }

    private static Action<SKCanvas, SKRect> Chart(Typesetter type, DecisionCurve curve)
    {
        var model = curve.Thresholds.Zip(curve.Model).ToList();
        var all = curve.Thresholds.Zip(curve.TreatAll).ToList();
        double top = Math.Max(0.05, model.Concat(all).Max(p => p.Second)) * 1.08;
        double bottom = Math.Min(-0.05, Math.Max(-top, model.Min(p => p.Second)));
        var plot = new Plot(new Axis("Threshold probability", DecisionCurve.From, DecisionCurve.To), new Axis("Net benefit", bottom, top))
            .Add(new ReferenceLine(0, false, Palette.Reference))
            .Add(new LineSeries(all, Palette.TreatAll, 1.1f))
            .Add(new LineSeries(model, Palette.Site, 1.4f));
        plot.Prepare(type);
        return (canvas, area) => plot.Draw(canvas, area, type);
    }
}
