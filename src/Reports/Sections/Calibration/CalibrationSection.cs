using Harness.Core.Metrics;
using Harness.Reports.Rendering;

namespace Harness.Reports.Sections.Calibration;

/// <summary>
/// Whether predicted risks can be taken at face value: the flexible calibration curve per site with
/// its band and the distribution of predicted risks beneath, the calibration hierarchy (O/E,
/// intercept, slope, ICI/E50/E90, ECE in both binnings) with intervals, and the effect of temperature
/// scaling on the development data when the model records it.
/// </summary>
internal sealed class CalibrationSection : IReportSection
{
    public string Id => "calibration";
    public string Title => "Calibration";

    public void Compose(Composer c, ReportContext context)
    {
        c.Section(Id, Title, minimumBelow: 230);
        CalibrationCharts.Compose(c, context);
        MetricTables.Compose(c, context, MetricCatalog.Calibration, "Calibration");
        Temperature(c, context);
    }

    private static void Temperature(Composer c, ReportContext context)
    {
        c.SubHeading("Recalibration at training", minimumBelow: 140); // with its sentence and its table of four rows
        if (context.Results.Model.Calibration is not { } calibration)
        {
            c.Absent("The model card records no recalibration (written before Harness recorded it).");
            return;
        }
        if (!calibration.Applied)
        {
            c.Absent("None: the model's probabilities are the network's own (--calibration none).");
            return;
        }
        c.Paragraph($"Temperature scaling: the graph divides the logits by T = {calibration.Temperature:0.0000}, fitted on {calibration.FittedOn}. " +
            "The development reference's calibration before and after:", Palette.SmallSize, gap: 3);
        var keys = calibration.DevelopmentBefore.Keys.Union(calibration.DevelopmentAfter.Keys).ToList();
        var columns = new List<Column> { new("Measure", 160), new("Before", 100, SkiaSharp.SKTextAlign.Right), new("After", 100, SkiaSharp.SKTextAlign.Right) };
        var rows = keys.Select(k => TableRow.Of([
            new(MetricCatalog.Find(k)?.Label ?? k, Face.Bold),
            new(Value(k, calibration.DevelopmentBefore.GetValueOrDefault(k))),
            new(Value(k, calibration.DevelopmentAfter.GetValueOrDefault(k))),
        ])).ToList();
        c.Table(columns, rows, "Recalibration");
    }

    private static string Value(string key, double? value) =>
        MetricCatalog.Find(key) is { } metric ? ReportFormat.Value(metric, value) : ReportFormat.Metric(value);
}
