using Harness.Reports.Rendering;
using SkiaSharp;

namespace Harness.Reports.Sections.Checklist;

/// <summary>
/// The TRIPOD+AI items (Collins et al. 2024, BMJ 385:e078378) that an external validation report
/// can answer, each with the section and page of this report that answers it, or "not available
/// from the data" for what only the study's authors can say.
/// </summary>
internal sealed class ChecklistSection(IReadOnlyList<IReportSection> sections) : IReportSection
{
    public string Id => "checklist";
    public string Title => "Reporting checklist (TRIPOD+AI)";

    /// <summary>Item, topic (paraphrased), and the section that answers it (null: not available from the data).</summary>
    public static readonly IReadOnlyList<(string Item, string Topic, string? Section)> Items =
    [
        ("5a", "Sources of data, separately for development and evaluation", "provenance"),
        ("5b", "Dates of the data: start and end of accrual", "data"),
        ("6a", "Setting: number and location of centres", "data"),
        ("6b", "Eligibility criteria of participants", null),
        ("6c", "Treatments received", null),
        ("7", "Data pre-processing and quality checking", "provenance"),
        ("8a", "Definition of the outcome and its time horizon", null),
        ("9a", "Predictors (input features) used", "provenance"),
        ("10", "Study size, and whether it suffices", "data"),
        ("11", "Handling of missing data", "data"),
        ("12c", "Model type and building steps, including internal validation", "training"),
        ("12d", "Heterogeneity of performance across clusters (sites)", "gaps"),
        ("12e", "Performance measures used, and their definitions", "definitions"),
        ("12f", "Model updating (recalibration)", "calibration"),
        ("12g", "How predictions were calculated for the evaluation", "provenance"),
        ("14", "Fairness: performance across groups", "subgroups"),
        ("15", "Model output and the threshold used for classification", "discrimination"),
        ("16", "Differences between development and evaluation data", "shift"),
        ("20a", "Participants with and without the outcome", "data"),
        ("20b", "Characteristics of each data source: dates, size, events, missing data", "data"),
        ("20c", "Distribution of predictors compared with the development data", "shift"),
        ("23a", "Performance estimates with confidence intervals, including key subgroups", "discrimination"),
        ("23b", "Heterogeneity in performance across clusters", "gaps"),
        ("24", "Results of model updating", "calibration"),
        ("26", "Limitations: sample size, missing data, representativeness", "limitations"),
        ("27a", "How poor-quality or unavailable input data should be handled in use", "limitations"),
        ("27c", "Clinical usefulness (net benefit)", "clinical-utility"),
    ];

    public void Compose(Composer c, ReportContext context)
    {
        c.Section(Id, Title, minimumBelow: 120);
        c.Paragraph("Items of the TRIPOD+AI checklist that the data of an external validation can answer, paraphrased; the rest of the checklist " +
            "(title, background, eligibility, outcome definition, ethics, open science) is for the study's authors. \u201cNot available from the data\u201d " +
            "marks items this report cannot answer.", Palette.SmallSize, Palette.Muted, gap: 3);
        var flow = c.Flow;
        var type = c.Type;
        const float size = Palette.SmallSize;
        var columns = new List<Column> { new("Item", 34), new("Topic (paraphrased)", 290), new("Answered in", c.Width - 324, Graphic: true) };
        // Pages are known once every page is laid out: the answers are drawn then, in characters laid out now.
        type.Wrap("0123456789, page not available from the data", size, 1000);
        foreach (var section in sections) type.Wrap(section.Title, size, 1000);
        var rows = Items.Select(i => new TableRow([[new(i.Item, Face.Bold)], [new(i.Topic)], []], Graphic: (canvas, cell) =>
        {
            var section = sections.FirstOrDefault(s => s.Id == i.Section);
            var (text, ink) = section is null || flow.PageOf(section.Id) is not { } page
                ? ("not available from the data", Palette.Muted)
                : ($"{section.Title}, page {page}", Palette.Ink);
            var lines = type.Wrap(text, size, cell.Width - 2 * Composer.CellPadX);
            type.Draw(canvas, lines, cell.Left + Composer.CellPadX, cell.Top + Composer.CellPadY, size, ink);
            if (section is not null) canvas.DrawLinkDestinationAnnotation(cell, section.Id);
        })).ToList();
        c.Table(columns, rows, Title, size);
    }
}
