using ScottPlot;
using ScottPlot.AxisPanels;
using SkiaSharp;

namespace Harness.Reports.Rendering;

/// <summary>
/// Draws one reliability diagram with ScottPlot straight onto the PDF page canvas, so the chart
/// stays vector (sharp when zoomed, and its labels remain text).
/// </summary>
internal static class ReliabilityPlot
{
    private static readonly Color PointColor = Color.FromHex("#1F5A96");
    private static readonly Color CurveColor = Color.FromHex("#D2691E");
    private static readonly Color ReferenceColor = Color.FromHex("#8A94A3");
    private static readonly Color GridColor = Color.FromHex("#E3E7ED");
    private static readonly Color TextColor = Color.FromHex("#1A1A1A");

    /// <summary>Marker diameters in points: the fullest bin gets the largest marker.</summary>
    private const float SmallestMarker = 3.5f, LargestMarker = 11f;

    private const double AxisPad = 0.03;

    /// <summary>Draws the axes and points into <paramref name="area"/>; the caller sets the title above it.</summary>
    /// <param name="xLabelFamily">The family that has every character of the x-axis title (<see cref="Typesetter.OneFamily"/>).</param>
    public static void Render(SKCanvas canvas, ReliabilityChart chart, SKRect area, ReportFonts fonts, string xLabelFamily)
    {
        using var plot = Build(chart, fonts, xLabelFamily);
        int width = (int)Math.Round(area.Width), height = (int)Math.Round(area.Height);

        // ScottPlot renders again while axis limits keep changing on their first render; a dry
        // run on a canvas that draws nothing settles them, so the PDF gets the chart exactly once.
        using (var dry = new SKNoDrawCanvas(width, height))
            plot.Render(dry, width, height);

        // Render scales the canvas and does not undo it; keep the page's transform ours.
        int saved = canvas.Save();
        canvas.Translate(area.Left, area.Top);
        canvas.ClipRect(new SKRect(0, 0, width, height));
        plot.Render(canvas, width, height);
        canvas.RestoreToCount(saved);
    }

    private static Plot Build(ReliabilityChart chart, ReportFonts fonts, string xLabelFamily)
    {
        var plot = new Plot();
        // The page is already white; clearing would wipe what is drawn around the chart.
        plot.RenderManager.ClearCanvasBeforeEachRender = false;
        plot.FigureBackground.Color = Colors.Transparent;
        plot.Font.Set(fonts.Family);

        var diagonal = plot.Add.Line(-AxisPad, -AxisPad, 1 + AxisPad, 1 + AxisPad);
        diagonal.LineColor = ReferenceColor;
        diagonal.LineWidth = 1;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.MarkerSize = 0;

        var points = chart.Points.OrderBy(p => p.MeanPredicted).ToArray();
        if (chart.Curve.Count > 1)
        {
            // The loess calibration curve: what calibration looks like without binning, drawn
            // under the bins; with it there, the bins are not joined by a second line.
            var loess = plot.Add.ScatterLine(chart.Curve.Select(p => p.Predicted).ToArray(), chart.Curve.Select(p => p.Observed).ToArray());
            loess.LineColor = CurveColor;
            loess.LineWidth = 1.8f;
            loess.MarkerSize = 0;
        }
        else if (points.Length > 1)
        {
            var path = plot.Add.ScatterLine(points.Select(p => p.MeanPredicted).ToArray(), points.Select(p => p.ObservedFrequency).ToArray());
            path.LineColor = PointColor.WithAlpha(0.55);
            path.LineWidth = 1;
            path.MarkerSize = 0;
        }
        int most = points.Length == 0 ? 1 : points.Max(p => p.Count);
        foreach (var p in points)
        {
            float size = SmallestMarker + (LargestMarker - SmallestMarker) * (float)Math.Sqrt((double)p.Count / most);
            var marker = plot.Add.Marker(p.MeanPredicted, p.ObservedFrequency, MarkerShape.FilledCircle, size, PointColor.WithAlpha(0.85));
            marker.MarkerLineColor = Colors.White;
            marker.MarkerLineWidth = 0.6f;
        }

        // Fixed axes (never autoscaled, so every site reads on the same scale), with a sliver of
        // room so markers for the first and last bins are not cut in half by the frame.
        plot.Axes.SetLimits(-AxisPad, 1 + AxisPad, -AxisPad, 1 + AxisPad);
        AxisBase[] axes = [(AxisBase)plot.Axes.Bottom, (AxisBase)plot.Axes.Left];
        foreach (var axis in axes)
        {
            axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                [0, 0.2, 0.4, 0.6, 0.8, 1.0], ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
            axis.TickLabelStyle.FontSize = 7;
            axis.TickLabelStyle.ForeColor = TextColor;
            axis.LabelFontSize = 7.5f;
            axis.LabelBold = false;
            axis.LabelFontColor = TextColor;
            axis.MajorTickStyle.Length = 3;
            axis.MinorTickStyle.Length = 0;
            axis.FrameLineStyle.Width = 0.8f;
        }
        plot.Axes.Right.FrameLineStyle.Width = 0.8f;
        plot.Axes.Top.FrameLineStyle.Width = 0.8f;
        // Fixed padding (left, right, bottom, top) for the tick labels and axis titles: every
        // diagram gets the same square-ish data area, so charts on a page line up.
        plot.Layout.Fixed(new PixelPadding(42, 10, 32, 4));
        plot.XLabel(chart.XLabel);
        ((AxisBase)plot.Axes.Bottom).LabelFontName = xLabelFamily;
        plot.YLabel(chart.YLabel);
        plot.Grid.MajorLineColor = GridColor;
        plot.Grid.MajorLineWidth = 0.6f;
        return plot;
    }
}
