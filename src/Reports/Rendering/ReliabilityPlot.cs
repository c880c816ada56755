using ScottPlot;
using SkiaSharp;

namespace Harness.Reports.Rendering;

/// <summary>
/// Draws one reliability diagram with ScottPlot straight onto the PDF page canvas, so the chart
/// stays vector (sharp when zoomed, and its labels remain text).
/// </summary>
internal static class ReliabilityPlot
{
    private static readonly Color PointColor = Color.FromHex("#1F5A96");
    private static readonly Color ReferenceColor = Color.FromHex("#8A94A3");
    private static readonly Color GridColor = Color.FromHex("#E3E7ED");
    private static readonly Color TextColor = Color.FromHex("#1A1A1A");

    /// <summary>Marker diameters in points: the fullest bin gets the largest marker.</summary>
    private const float SmallestMarker = 3.5f, LargestMarker = 11f;

    private const double AxisPad = 0.03;

    private const float TitleSize = 8.5f, MinimumTitleSize = 6f;

    /// <param name="measure">Text width in points at a font size, to shrink a long title rather than cut it.</param>
    public static void Render(SKCanvas canvas, ReliabilityChart chart, SKRect area, string fontFamily, Func<string, float, float> measure)
    {
        float titleSize = TitleSize;
        float titleWidth = measure(chart.Title, TitleSize);
        if (titleWidth > area.Width - 8) titleSize = Math.Max(MinimumTitleSize, TitleSize * (area.Width - 8) / titleWidth);
        using var plot = Build(chart, fontFamily, titleSize);
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

    private static Plot Build(ReliabilityChart chart, string fontFamily, float titleSize)
    {
        var plot = new Plot();
        // The page is already white; clearing would wipe what is drawn around the chart.
        plot.RenderManager.ClearCanvasBeforeEachRender = false;
        plot.FigureBackground.Color = Colors.Transparent;
        plot.Font.Set(fontFamily);

        var diagonal = plot.Add.Line(-AxisPad, -AxisPad, 1 + AxisPad, 1 + AxisPad);
        diagonal.LineColor = ReferenceColor;
        diagonal.LineWidth = 1;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.MarkerSize = 0;

        var points = chart.Points.OrderBy(p => p.MeanPredicted).ToArray();
        if (points.Length > 1)
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
        foreach (var axis in new ScottPlot.AxisPanels.AxisBase[] { (ScottPlot.AxisPanels.AxisBase)plot.Axes.Bottom, (ScottPlot.AxisPanels.AxisBase)plot.Axes.Left })
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
        plot.XLabel(chart.XLabel);
        plot.YLabel(chart.YLabel);
        plot.Title(chart.Title);
        plot.Axes.Title.Label.FontSize = titleSize;
        plot.Axes.Title.Label.Bold = true;
        plot.Axes.Title.Label.ForeColor = TextColor;
        plot.Grid.MajorLineColor = GridColor;
        plot.Grid.MajorLineWidth = 0.6f;
        return plot;
    }
}
