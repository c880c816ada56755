using Harness.Reports.Rendering;
using SkiaSharp;

namespace Harness.Reports.Sections.Data;

/// <summary>Per site: size, patients, events, prevalence, dates, hold-out type and missing data, beside the development reference.</summary>
internal sealed class DataSection : IReportSection
{
    public string Id => "data";
    public string Title => "Data";

    public void Compose(Composer c, ReportContext context)
    {
        c.Section(Id, Title, minimumBelow: 80);
        var development = context.Results.Development;
        c.Paragraph($"Development reference: {development.Split}; n = {ReportFormat.Count(development.N)} " +
            $"({string.Join(", ", development.ClassCounts.Select(k => $"{k.Key} {ReportFormat.Count(k.Value)}"))}).", Palette.SmallSize, gap: 3);
        if (context.Sites.Count == 0)
        {
            c.Absent("No sites were validated.");
            return;
        }

        var columns = new List<Column>
        {
            new("Site", 78), new("Hold-out", 64), new("n", 30, SKTextAlign.Right), new("Patients", 46, SKTextAlign.Right),
            new(context.EventsLabel, 40, SKTextAlign.Right), new("Prevalence", 54, SKTextAlign.Right), new("Dates", 58),
        };
        columns.Add(new("Features missing (share of rows)", c.Width - columns.Sum(k => k.Width)));
        var rows = context.Sites.Select(s =>
        {
            string dates = s.FirstDate is { } first && s.LastDate is { } last ? $"{first:yyyy-MM-dd} to\n{last:yyyy-MM-dd}" : "undated";
            if (s.UndatedRows > 0 && s.FirstDate is not null) dates += $"\n{s.UndatedRows:#,0} undated";
            var missing = s.MissingRates.Where(m => m.Value > 0).OrderByDescending(m => m.Value).ToList();
            string missingText = missing.Count == 0 ? "none" : string.Join(", ", missing.Select(m => $"{m.Key} {ReportFormat.Percent(m.Value)}"));
            return new TableRow(
            [
                [new(s.Name, Face.Bold)],
                [new(s.Holdout, Color: s.HeldOut ? Palette.Ink : Palette.WarnInk)],
                [new(ReportFormat.Count(s.N))],
                [new(s.Patients is { } p ? ReportFormat.Count(p) : ReportFormat.Missing)],
                [new(context.Events(s.ClassCounts))],
                [new(ReportFormat.Percent(s.Prevalence))],
                [new(dates)],
                [new(missingText, Color: missing.Count == 0 ? Palette.Muted : Palette.Ink)],
            ], s.HeldOut ? null : Palette.WarnFill);
        }).ToList();
        c.Table(columns, rows, Title);
        c.Flow.Advance(3);
        foreach (var s in context.Sites)
            c.Paragraph([new($"{s.Name}: ", Face.Bold, Palette.Muted), new($"{s.Holdout} hold-out: {s.HoldoutReason}", Color: Palette.Muted)],
                Palette.SmallSize, gap: 1);
    }
}
