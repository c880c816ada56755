using Harness.Reports.Rendering;
using Harness.Results;
using SkiaSharp;

namespace Harness.Reports.Sections.Calibration;

/// <summary>
/// One calibration chart per sample (development first): the loess curve with its pointwise band,
/// the binned points, and beneath them the histogram of predicted risks, events above the line
/// and non-events below.
/// </summary>
internal static class CalibrationCharts
{
    private const float PlotHeight = 126, StripHeight = 44;

    public static void Compose(Composer c, ReportContext context)
    {
        if (context.Sites.Count == 0) return;
        bool binary = context.Binary;
        c.Paragraph((binary
                ? "Observed frequency against predicted risk. Blue line: the flexible (loess) calibration curve; shaded: its pointwise " +
                  $"{context.Level} band; "
                : "Observed accuracy against top-label confidence. ") +
            "grey dots: the mean of each of 10 equal-width bins (larger dots hold more rows); dashed: perfect calibration. Beneath: how many rows " +
            (binary ? "got each predicted risk (50 bins), events (vermillion) above the line, non-events (sky blue) below."
                : "got each confidence (50 bins), correct top labels above the line, incorrect below."),
            Palette.SmallSize, Palette.Muted, gap: 3);
        var charts = new List<(string, float, Action<SKCanvas, SKRect>)>();
        if (context.Results.DevelopmentCurves?.Calibration is { } development)
            charts.Add(($"Development reference (n = {ReportFormat.Count(context.Results.Development.N)})", PlotHeight + StripHeight, Chart(c.Type, development, binary)));
        charts.AddRange(context.Sites.Select(s => ($"{s.Name} (n = {ReportFormat.Count(s.N)})", PlotHeight + StripHeight, Chart(c.Type, s.Calibration, binary))));
        c.Charts(charts, 3, "Calibration curves");
    }

    private static readonly double[] Unit = [0, 0.2, 0.4, 0.6, 0.8, 1.0];

    private static Action<SKCanvas, SKRect> Chart(Typesetter type, CalibrationCurve curve, bool binary)
    {
        string x = binary ? "Predicted risk" : "Confidence";
        var plot = new Plot(new Axis(x, 0, 1, Unit), new Axis(binary ? "Observed" : "Accuracy", 0, 1, Unit)) { ShowX = false };
        plot.Add(new LineSeries([(0, 0), (1, 1)], Palette.Reference, 0.8f, Dashed: true));
        var flexible = (curve.Flexible ?? []).Where(p => double.IsFinite(p.Observed)).ToList();
        if (flexible.Count > 1)
        {
            if (flexible.All(p => p.Lower is not null && p.Upper is not null))
                plot.Add(new BandSeries(flexible.Select(p => (p.Predicted, p.Lower!.Value, p.Upper!.Value)).ToList(), Palette.SiteBand));
            plot.Add(new LineSeries(flexible.Select(p => (p.Predicted, p.Observed)).ToList(), Palette.Site, 1.5f));
        }
        var bins = curve.Bins.Where(b => b.Count > 0 && b.MeanPredicted is not null && b.ObservedFrequency is not null).ToList();
        int most = bins.Count == 0 ? 1 : bins.Max(b => b.Count);
        plot.Add(new MarkerSeries(bins.Select(b => (b.MeanPredicted!.Value, b.ObservedFrequency!.Value, 2.5f + 6f * (float)Math.Sqrt((double)b.Count / most))).ToList(),
            new SKColor(0x55, 0x55, 0x55, 0xB0)));
        plot.Prepare(type);

        var strip = Histogram(curve, x);
        strip.Prepare(type);
        return (canvas, area) =>
        {
            plot.Draw(canvas, new SKRect(area.Left, area.Top, area.Right, area.Top + PlotHeight), type);
            strip.Draw(canvas, new SKRect(area.Left, area.Top + PlotHeight, area.Right, area.Bottom), type);
        };
    }

    /// <summary>Events up, non-events down, each scaled to its own tallest bin so a rare class still shows.</summary>
    private static Plot Histogram(CalibrationCurve curve, string title)
    {
        var strip = new Plot(new Axis(title, 0, 1, Unit), new Axis("", -1, 1, [0])) { TopMargin = 2, ShowY = false };
        if (curve.Histogram is { } histogram)
        {
            double width = 1.0 / histogram.Bins;
            double up = Math.Max(1, histogram.Events.Max()), down = Math.Max(1, histogram.NonEvents.Max());
            strip.Add(new BarSeries(histogram.Events.Select((n, i) => (i * width, (i + 1) * width, n / up)).ToList(), Palette.Events));
            strip.Add(new BarSeries(histogram.NonEvents.Select((n, i) => (i * width, (i + 1) * width, -n / down)).ToList(), Palette.NonEvents));
        }
        else
        {
            // Older results: the reliability bins' counts, all rows together.
            double width = 1.0 / Math.Max(1, curve.Bins.Count), tallest = Math.Max(1, curve.Bins.Count == 0 ? 1 : curve.Bins.Max(b => b.Count));
            strip.Add(new BarSeries(curve.Bins.Select((b, i) => (i * width, (i + 1) * width, b.Count / tallest)).ToList(), Palette.NonEvents));
        }
        strip.Add(new ReferenceLine(0, false, Palette.Ink, Dashed: false));
        return strip;
    }
}
