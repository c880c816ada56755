using Harness.Core.Metrics;
using Harness.Reports.Rendering;

namespace Harness.Reports.Sections.Discrimination;

/// <summary>
/// How well the model ranks and classifies: ROC and precision-recall curves per site beside the
/// development curve, the discrimination metrics with intervals and gaps, and the metrics at the
/// development operating point.
/// </summary>
internal sealed class DiscriminationSection : IReportSection
{
    public string Id => "discrimination";
    public string Title => "Discrimination";

    public void Compose(Composer c, ReportContext context)
    {
        c.Section(Id, Title, minimumBelow: 190);
        DiscriminationCharts.Compose(c, context);
        MetricTables.Compose(c, context, MetricCatalog.Discrimination, "Discrimination");
        c.SubHeading("At the operating threshold", minimumBelow: 60);
        if (context.Threshold is { } threshold)
            c.Paragraph($"Positive when the predicted risk is at least {threshold}, the threshold chosen on the development data and kept fixed at every site.",
                Palette.SmallSize, Palette.Muted, gap: 3);
        else
            c.Absent("The model records no operating threshold, so there are no threshold metrics.");
        MetricTables.Compose(c, context, MetricCatalog.AtThreshold, "At the operating threshold");
        c.SubHeading("Overall accuracy of the probabilities", minimumBelow: 60);
        MetricTables.Compose(c, context, MetricCatalog.Overall, "Overall");
    }
}
