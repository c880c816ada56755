using Harness.Reports.Rendering;
using Harness.Results;
using SkiaSharp;

namespace Harness.Reports.Sections.Calibration;

/// <summary>One calibration chart per site: the loess curve with its band, the binned points, and the predicted risks' histogram beneath.</summary>
internal static class CalibrationCharts
{
    private const float PlotHeight = 150, StripHeight = 34;

    public static void Compose(Composer c, ReportContext context)
    {
        if (context.Sites.Count == 0) return;
        bool binary = context.Binary;
        c.Paragraph((binary
                ? "Observed frequency against predicted risk. Blue line: the flexible (loess) calibration curve with its pointwise band; "
                : "Observed accuracy against top-label confidence. ") +
            "grey dots: the mean of each of 10 equal-width bins (larger dots hold more rows); dashed: perfect calibration. Beneath: how many rows " +
            (binary ? "got each predicted risk, events (vermillion) above the line and non-events (sky blue) below." : "got each confidence."),
            Palette.SmallSize, Palette.Muted, gap: 3);
        var charts = context.Sites.Select(s => (Title: $"{s.Name} (n = {ReportFormat.Count(s.N)})", Height: PlotHeight + StripHeight,
            Draw: Chart(c.Type, s.Calibration, binary))).ToList();
        c.Charts(charts, 3, "Calibration curves");
    }

    private static Action<SKCanvas, SKRect> Chart(Typesetter type, CalibrationCurve curve, bool binary)
    {
        var unit = new[] { 0, 0.2, 0.4, 0.6, 0.8, 1.0 };
        var plot = new Plot(new Axis(binary ? "Predicted risk" : "Confidence", 0, 1, unit), new Axis(binary ? "Observed" : "Accuracy", 0, 1, unit))
        {
            BottomMargin = 0, ShowX = false,
        };
        plot.Add(new LineSeries([(0, 0), (1, 1)], Palette.Reference, 0.8f, Dashed: true));
        if (curve.Flexible is { Count: > 1 } flexible)
            plot.Add(new LineSeries(flexible.Where(p => double.IsFinite(p.Observed)).Select(p => (p.Predicted, p.Observed)).ToList(), Palette.Site, 1.5f));
        var bins = curve.Bins.Where(b => b.Count > 0 && b.MeanPredicted is not null && b.ObservedFrequency is not null).ToList();
        int most = bins.Count == 0 ? 1 : bins.Max(b => b.Count);
        plot.Add(new MarkerSeries(bins.Select(b => (b.MeanPredicted!.Value, b.ObservedFrequency!.Value, 2.5f + 6f * (float)Math.Sqrt((double)b.Count / most))).ToList(),
            new SKColor(0x55, 0x55, 0x55, 0xB0)));
        plot.Prepare(type);

        double width = 1.0 / Math.Max(1, curve.Bins.Count);
        long tallest = Math.Max(1, curve.Bins.Count == 0 ? 1 : curve.Bins.Max(b => b.Count));
        var strip = new Plot(new Axis(binary ? "Predicted risk" : "Confidence", 0, 1, unit), new Axis("", 0, tallest, [0]))
        {
            TopMargin = 2, ShowY = false,
        };
        strip.Add(new BarSeries(curve.Bins.Select((b, i) => (i * width, (i + 1) * width, (double)b.Count)).ToList(), Palette.NonEvents));
        strip.Prepare(type);
        return (canvas, area) =>
        {
            plot.Draw(canvas, new SKRect(area.Left, area.Top, area.Right, area.Top + PlotHeight - 24), type);
            strip.Draw(canvas, new SKRect(area.Left, area.Top + PlotHeight - 24, area.Right, area.Bottom), type);
        };
    }
}
