using System.Globalization;
using Harness.Reports.Rendering;
using Harness.Results;
using SkiaSharp;

namespace Harness.Reports.Sections.Shift;

/// <summary>Why a site differs: its most shifted features against the training rows first, then the class shares.</summary>
internal sealed class ShiftSection : IReportSection
{
    public const int TopFeatures = 8;

    public string Id => "shift";
    public string Title => "Dataset shift";

    public void Compose(Composer c, ReportContext context)
    {
        c.Section(Id, Title, minimumBelow: 40);
        var sites = context.Sites.Where(s => s.Shift is not null).ToList();
        if (sites.Count == 0)
        {
            c.Absent("No shift statistics: these results were written before Harness recorded them.");
            return;
        }
        c.Paragraph($"Per site, the {TopFeatures} most shifted features ({SiteShift.SortOrder}). SMD: standardised mean difference (site − training) / pooled SD; " +
            "PSI: population stability index over the training deciles and a missing bin (above 0.25: a major shift); KS: the largest gap between " +
            "cumulative shares; membership AUROC: how well the feature alone tells site rows from training rows (0.5: not at all).",
            Palette.SmallSize, Palette.Muted, gap: 3);
        foreach (var site in sites)
        {
            var shift = site.Shift!;
            c.SubHeading($"{site.Name}", minimumBelow: 60);
            if (shift.Reason is { } reason)
            {
                c.Absent(reason);
                continue;
            }
            var columns = new List<Column>
            {
                new("Feature", 78), new("Missing train / site", 72, SKTextAlign.Right), new("Mean train / site", 88, SKTextAlign.Right),
                new("SMD", 46, SKTextAlign.Right), new("PSI", 46, SKTextAlign.Right), new("KS", 46, SKTextAlign.Right),
            };
            columns.Add(new("Membership AUROC", c.Width - columns.Sum(k => k.Width), SKTextAlign.Right));
            var rows = shift.Features.Take(TopFeatures).Select(f => TableRow.Of(
            [
                new(f.Feature + (f.MissingEverywhere ? "\nmissing in every row" : ""), Face.Bold, f.MissingEverywhere ? Palette.WorseInk : null),
                new($"{ReportFormat.Percent(f.MissingTraining)} / {ReportFormat.Percent(f.MissingSite)}"),
                new($"{Number(f.MeanTraining)} / {Number(f.MeanSite)}"),
                new(Number(f.Smd)),
                new(Number(f.Psi), f.Psi > 0.25 ? Face.Bold : Face.Regular, f.Psi > 0.25 ? Palette.WorseInk : null),
                new(Number(f.Ks)),
                new(Number(f.MembershipAuroc)),
            ])).ToList();
            c.Table(columns, rows, $"{site.Name}: shift");
            c.Flow.Advance(3);
            var summary = new List<string>();
            if (shift.MaxFeatureMembershipAuroc is { } max)
                summary.Add($"the most telling single feature ({shift.MaxFeatureMembershipAurocFeature}) separates site from training rows with AUROC {Number(max)}");
            if (shift.PrevalenceShift is { } prevalence)
                summary.Add($"the positive class's share moved by {ReportFormat.Gap(prevalence * 100, "0.0")} percentage points");
            summary.AddRange(shift.Classes.Select(k => $"{k.Class}: {ReportFormat.Percent(k.Training)} in training, {ReportFormat.Percent(k.Site)} here"));
            c.Paragraph(ReportContext.Capitalise(string.Join("; ", summary)) + ".", Palette.SmallSize, Palette.Ink, gap: 5);
        }
    }

    private static string Number(double? value) => value is { } v && double.IsFinite(v)
        ? (Math.Abs(v) >= 100 ? v.ToString("0.#", CultureInfo.InvariantCulture) : v.ToString("0.00", CultureInfo.InvariantCulture)).Replace("-", ReportFormat.Minus)
        : ReportFormat.Missing;
}
