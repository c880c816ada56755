using Harness.Results;
using SkiaSharp;

namespace Harness.Reports.Rendering;

/// <summary>A table column: header text, width in points, and how its cells align.</summary>
internal sealed record Column(string Header, float Width, SKTextAlign Align = SKTextAlign.Left);

/// <summary>
/// A table row: one list of spans per cell. <paramref name="Fill"/> tints the row (amber for a site
/// the model was trained on); a <paramref name="Spanning"/> row is a group heading whose first cell
/// runs across the whole table and which is kept on a page with the row after it.
/// </summary>
internal sealed record TableRow(IReadOnlyList<IReadOnlyList<Span>> Cells, SKColor? Fill = null, bool Spanning = false)
{
    /// <summary>A row whose cells are one span each.</summary>
    public static TableRow Of(IEnumerable<Span> cells, SKColor? fill = null) => new(cells.Select(c => (IReadOnlyList<Span>)[c]).ToList(), fill);
}

/// <summary>
/// Places the report's sections onto pages, top to bottom. It reads only the formatted model:
/// what to say is decided in <see cref="AuditReport.BuildModel"/>, where to put it is decided here.
/// </summary>
internal sealed class ReportComposer(AuditReportModel report, PageFlow flow, Typesetter type)
{
    private const float KeyWidth = 112;
    private const float CellPadX = 3.5f, CellPadY = 3.5f;
    private const float PlotHeight = 176, ChartTitleSize = 8.5f, ChartGutter = 15, ChartRowGap = 10;

    public void Compose()
    {
        Header();
        VerdictSection();
        ModelSection();
        DevelopmentSection();
        SitesSection();
        ChartsSection();
        MetricTablesSection();
        DefinitionsSection();
    }

    private void Header()
    {
        Text(report.Header.Title, Palette.TitleSize, Face.Bold, Palette.Accent);
        Text($"Generated {report.Header.GeneratedUtc} by Harness {report.Header.HarnessVersion}", Palette.BodySize, Face.Regular, Palette.Muted);
        float y = flow.Y + 5;
        flow.Draw(c => Line(c, flow.Left, y, flow.Right, y, Palette.Accent, 1.2f));
        flow.Advance(14);
    }

    /// <summary>What a reader needs first: whether the model met its acceptance criteria, and what limits the numbers.</summary>
    private void VerdictSection()
    {
        Section("Verdict and warnings", minimumBelow: 60);
        if (report.Criteria is { } criteria)
        {
            KeyValue("Acceptance criteria", [
                new("Overall: ", Face.Bold),
                new(criteria.OverallText, Face.Bold, VerdictInk(criteria.Overall)),
                new($"\n{criteria.Source}", Color: Palette.Muted),
            ], Palette.CalloutFill);
            flow.Advance(4);
            var columns = new List<Column>
            {
                new("Rule", 128),
                new("Site", 92),
                new("Verdict", 70),
                new("Reason", flow.ContentWidth - 290),
            };
            var rows = criteria.Verdicts.Select(v => TableRow.Of(
            [
                new(v.Rule, Face.Mono),
                new(v.Site, Face.Bold),
                new(v.VerdictText, Face.Bold, VerdictInk(v.Verdict)),
                new(v.Reason),
            ], VerdictFill(v.Verdict))).ToList();
            if (rows.Count == 0) Paragraph("No rule applied to any site.", Palette.BodySize, Palette.Muted);
            else Table(columns, rows, "Acceptance criteria (continued)");
        }
        else
        {
            Paragraph("No acceptance criteria were given for this run (validate --criteria FILE), so there is no verdict.", Palette.BodySize, Palette.Muted);
        }

        flow.Advance(6);
        SubHeading(report.Warnings.Count == 0 ? "Warnings: none" : $"Warnings ({report.Warnings.Count})", minimumBelow: 12);
        if (report.Warnings.Count == 0)
            Paragraph("Nothing in the data limits what the numbers below can mean beyond their intervals.", Palette.BodySize, Palette.Muted);
        foreach (var warning in report.Warnings)
            Paragraph([new(warning.Where + ": ", Face.Bold, Palette.WarnInk), new(warning.Message)], Palette.BodySize, gap: 2);
        flow.Advance(6);
    }

    private void ModelSection()
    {
        var model = report.Model;
        Section("Model", minimumBelow: 80);
        KeyValue("Model file", [new(model.FileName, Face.Bold)]);
        KeyValue("SHA-256", [new(model.Sha256, Face.Mono)]);
        KeyValue("Created", [new($"{model.CreatedUtc}, trained with Harness {model.TrainedWithHarness}")]);
        KeyValue("Classes", [new(model.Classes)]);
        KeyValue("Input features", [new(ReportFormat.Count(model.FeatureCount))]);
        var sites = model.TrainingSites.Count == 0
            ? [new Span("none recorded", Color: Palette.Muted)]
            : model.TrainingSites.SelectMany((t, i) => new Span[]
            {
                new((i > 0 ? "\n" : "") + t.Name, Face.Bold),
                new($"  {ReportFormat.Count(t.Rows)} rows, manifest SHA-256 "),
                new(t.ManifestSha256Prefix, Face.Mono),
            }).ToArray();
        KeyValue("Training sites", sites);

        // Where inference ran is part of the evidence: a CPU fallback changes timings and can
        // change numerics, so it is stated with its reason in a highlighted row.
        var execution = model.Execution;
        KeyValue("Execution", [
            new(execution.Provider, Face.Bold),
            new($" (requested: {execution.Requested})\n"),
            new("Reason: ", Face.Bold),
            new(execution.Reason),
        ], Palette.CalloutFill);
        flow.Advance(6);
    }

    private void DevelopmentSection()
    {
        var development = report.Development;
        Section("Development reference (internal validation)", minimumBelow: 50);
        KeyValue("Split", [new(development.Split)]);
        KeyValue("Examples", [new($"n = {ReportFormat.Count(development.N)}" + (development.ClassCounts.Length > 0 ? $" ({development.ClassCounts})" : ""))]);
        if (development.OperatingPoint is { } threshold)
            KeyValue("Operating threshold", [new($"positive when the risk is at least {threshold}")]);
        flow.Advance(3);
        Paragraph("Its headline metrics open the table below; every metric, with its interval, is under \u201cMetrics in full\u201d.",
            Palette.SmallSize, Palette.Muted);
        flow.Advance(8);
    }

    private void SitesSection()
    {
        Section("External validation by site", minimumBelow: 80);
        Paragraph(report.SiteTableLegend, Palette.SmallSize, Palette.Muted);
        flow.Advance(3);

        // The metric columns get what is left: a bold gap interval, "(−0.243 to −0.034)", must fit on one line.
        const float site = 88, n = 28, events = 38;
        float metric = (flow.ContentWidth - site - n - events) / Math.Max(1, report.Headline.Count);
        var columns = new List<Column>
        {
            new("Site", site),
            new("n", n, SKTextAlign.Right),
            new(report.EventsLabel, events, SKTextAlign.Right),
        };
        columns.AddRange(report.Headline.Select(h => new Column($"{h.Label}\n({report.Level} CI; gap)", metric, SKTextAlign.Right)));

        var rows = new List<TableRow> { SiteTableRow(report.DevelopmentRow, Palette.CalloutFill, "reference", Palette.Muted) };
        rows.AddRange(report.Sites.Select(s => s.HeldOut
            ? SiteTableRow(s, null, s.HeldOutText, Palette.Muted)
            : SiteTableRow(s, Palette.WarnFill, s.HeldOutText, Palette.WarnInk)));
        if (report.Sites.Count == 0)
            Paragraph("No sites were validated.", Palette.BodySize, Palette.Muted);
        Table(columns, rows, "External validation by site (continued)");

        if (report.SiteNotes.Count > 0)
        {
            flow.Advance(4);
            foreach (string note in report.SiteNotes)
                Paragraph([new("Note: ", Face.Bold, Palette.Muted), new(note, Color: Palette.Muted)], Palette.SmallSize);
        }
        flow.Advance(8);
    }

    private static TableRow SiteTableRow(SiteRow row, SKColor? fill, string? flag, SKColor flagInk)
    {
        List<IReadOnlyList<Span>> cells =
        [
            flag is null ? [new(row.Name, Face.Bold)] : [new(row.Name, Face.Bold), new("\n" + flag, Face.Bold, flagInk)],
            [new(ReportFormat.Count(row.N))],
            row.Prevalence == ReportFormat.Missing ? [new(row.Events)] : [new(row.Events), new("\n" + row.Prevalence, Color: Palette.Muted)],
        ];
        cells.AddRange(row.Metrics.Select(m => MetricCell(m.Value, m.MarkedGap, m.GapInterval, m.Mark)));
        return new TableRow(cells, fill);
    }

    /// <summary>Value (interval) on top; the gap, marked, and its interval beneath: bold when worse and distinguishable.</summary>
    private static IReadOnlyList<Span> MetricCell(string value, string gap, string gapInterval, GapMark mark)
    {
        var spans = new List<Span> { new(value) };
        var (face, ink) = GapStyle(mark);
        if (gap.Length > 0) spans.Add(new("\n" + gap, face, ink));
        if (gapInterval.Length > 0) spans.Add(new("\n" + gapInterval, face, ink));
        return spans;
    }

    private static (Face Face, SKColor Ink) GapStyle(GapMark mark) => mark switch
    {
        GapMark.Worse => (Face.Bold, Palette.WorseInk),
        GapMark.Better => (Face.Regular, Palette.Ink),
        _ => (Face.Regular, Palette.Muted),
    };

    private void ChartsSection()
    {
        if (report.Charts.Count == 0) return;
        var caption = type.Wrap(report.ChartCaption, Palette.SmallSize, flow.ContentWidth, color: Palette.Muted);
        Section("Calibration: reliability diagrams", minimumBelow: caption.Count * Typesetter.LineHeight(Palette.SmallSize) + PlotHeight + 16);
        Paragraph(report.ChartCaption, Palette.SmallSize, Palette.Muted);
        flow.Advance(4);

        float width = (flow.ContentWidth - ChartGutter) / 2;
        for (int i = 0; i < report.Charts.Count; i += 2)
        {
            var row = report.Charts.Skip(i).Take(2).ToList();
            // Titles are set here rather than by ScottPlot so a long site name wraps instead of
            // running off the chart; a row shares one title height so its two frames line up.
            var titles = row.Select(c => type.Wrap(c.Title, ChartTitleSize, width - 10, Face.Bold)).ToList();
            float titleHeight = titles.Max(t => t.Count) * Typesetter.LineHeight(ChartTitleSize) + 2;
            if (flow.Reserve(titleHeight + PlotHeight)) Heading("Calibration: reliability diagrams (continued)");
            for (int j = 0; j < row.Count; j++)
            {
                var chart = row[j];
                var lines = titles[j];
                float left = flow.Left + j * (width + ChartGutter), top = flow.Y;
                var area = SKRect.Create(left, top + titleHeight, width, PlotHeight);
                var (xLabel, xFamily) = type.OneFamily(chart.XLabel); // it names the positive class
                flow.Draw(c =>
                {
                    type.Draw(c, lines, left, top, ChartTitleSize, Palette.Ink, width, SKTextAlign.Center);
                    ReliabilityPlot.Render(c, chart with { XLabel = xLabel }, area, type.Fonts, xFamily);
                });
            }
            flow.Advance(titleHeight + PlotHeight + ChartRowGap);
        }
    }

    /// <summary>Every catalog metric the results hold, one table per sample, grouped as the catalog groups them.</summary>
    private void MetricTablesSection()
    {
        if (report.MetricTables.Count == 0) return;
        Section("Metrics in full", minimumBelow: 120);
        Paragraph($"Every metric the results hold, grouped as the metric catalog groups them, with its {report.Level} confidence interval " +
            $"and (for sites) its gap to development with the gap's interval. {AuditReport.WorseMark} and {AuditReport.BetterMark} as in the table above. " +
            "A note says why a value, an interval or a gap is missing.", Palette.SmallSize, Palette.Muted);
        flow.Advance(4);
        foreach (var table in report.MetricTables)
        {
            SubHeading(table.HeldOut ? [new(table.Title, Face.Bold, Palette.Accent)]
                : [new(table.Title, Face.Bold, Palette.Accent), new("  trained on", Face.Bold, Palette.WarnInk)], minimumBelow: 70);
            Paragraph(table.Subtitle, Palette.SmallSize, table.HeldOut ? Palette.Muted : Palette.WarnInk);
            flow.Advance(3);

            float w = flow.ContentWidth;
            var columns = table.HasGaps
                ? new List<Column>
                {
                    new("Metric", 102),
                    new($"Value ({report.Level} CI)", 112, SKTextAlign.Right),
                    new($"Gap to development ({report.Level} CI)", 138, SKTextAlign.Right),
                    new("Note", w - 352),
                }
                : [new("Metric", 102), new($"Value ({report.Level} CI)", 112, SKTextAlign.Right), new("Note", w - 214)];
            var rows = new List<TableRow>();
            foreach (var group in table.Groups)
            {
                var heading = new List<Span> { new(group.Title, Face.Bold, Palette.Accent) };
                if (group.Preamble is { } preamble) heading.Add(new("   " + preamble, Color: Palette.Ink));
                rows.Add(new TableRow([heading], Palette.GroupFill, Spanning: true));
                foreach (var metric in group.Rows)
                {
                    var (face, ink) = GapStyle(metric.Mark);
                    List<IReadOnlyList<Span>> cells = [[new(metric.Label, Face.Bold)], [new(metric.Value)]];
                    if (table.HasGaps) cells.Add([new(metric.MarkedGap, face, ink == Palette.Muted ? Palette.Ink : ink)]);
                    cells.Add([new(metric.Note, Color: Palette.Muted)]);
                    rows.Add(new TableRow(cells));
                }
            }
            Table(columns, rows, $"{table.Title} (continued)", SubHeading);
            flow.Advance(10);
        }
    }

    private void DefinitionsSection()
    {
        // How to read the numbers first (intervals, gaps), then each metric as the catalog defines it.
        Section("Definitions", minimumBelow: 40);
        Paragraph([new("Intervals: ", Face.Bold), new(report.IntervalsText)], Palette.SmallSize, gap: 2);
        foreach (var term in report.Terms)
            Paragraph([new(term.Term + ": ", Face.Bold), new(term.Definition)], Palette.SmallSize, gap: 2);
        flow.Advance(4);
        foreach (var d in report.Definitions)
            Paragraph([
                new(d.Label + ": ", Face.Bold),
                new($"{d.Formula}. "),
                new(Capitalise(d.Direction) + ". Interval: ", Color: Palette.Muted),
                new(d.Interval + ".", Color: Palette.Muted),
            ], Palette.SmallSize, gap: 2);
    }

    private static SKColor VerdictInk(Verdict verdict) => verdict switch
    {
        Verdict.Pass => Palette.PassInk,
        Verdict.Fail => Palette.WorseInk,
        _ => Palette.WarnInk,
    };

    private static SKColor? VerdictFill(Verdict verdict) => verdict switch
    {
        Verdict.Fail => Palette.FailFill,
        Verdict.Inconclusive => Palette.WarnFill,
        _ => null,
    };

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    // ---- building blocks ----

    private void Section(string title, float minimumBelow)
    {
        float height = Typesetter.LineHeight(Palette.SectionSize) + 8;
        // Keep a heading with the start of its content rather than stranding it at a page foot.
        flow.Reserve(height + minimumBelow);
        if (!flow.AtPageTop) flow.Advance(4);
        Heading(title);
    }

    private void Heading(string title)
    {
        Text(title, Palette.SectionSize, Face.Bold, Palette.Accent);
        float y = flow.Y + 1.5f;
        flow.Draw(c => Line(c, flow.Left, y, flow.Right, y, Palette.Rule, 0.8f));
        flow.Advance(6.5f);
    }

    private void Text(string text, float size, Face face, SKColor color) =>
        Paragraph([new Span(text, face, color)], size);

    private void Paragraph(string text, float size, SKColor color) => Paragraph([new Span(text, Color: color)], size);

    private void Paragraph(IReadOnlyList<Span> spans, float size, float gap = 0)
    {
        var lines = type.Wrap(spans, size, flow.ContentWidth);
        float height = lines.Count * Typesetter.LineHeight(size);
        flow.Reserve(height);
        float top = flow.Y;
        flow.Draw(c => type.Draw(c, lines, flow.Left, top, size, Palette.Ink));
        flow.Advance(height + gap);
    }

    private void KeyValue(string key, IReadOnlyList<Span> value, SKColor? fill = null)
    {
        const float padY = 2.5f;
        float size = Palette.BodySize;
        float valueWidth = flow.ContentWidth - KeyWidth - 6;
        var keyLines = type.Wrap(key, size, KeyWidth - 8, Face.Bold, Palette.Muted);
        var valueLines = type.Wrap(value, size, valueWidth);
        float height = Math.Max(keyLines.Count, valueLines.Count) * Typesetter.LineHeight(size) + 2 * padY;
        flow.Reserve(height);
        float top = flow.Y;
        float left = flow.Left;
        flow.Draw(c =>
        {
            if (fill is { } f)
            {
                c.DrawRect(SKRect.Create(left, top, flow.ContentWidth, height), type.Paint(f));
                c.DrawRect(SKRect.Create(left, top, 2.5f, height), type.Paint(Palette.Accent));
            }
            type.Draw(c, keyLines, left + 6, top + padY, size, Palette.Muted);
            type.Draw(c, valueLines, left + KeyWidth, top + padY, size, Palette.Ink);
        });
        flow.Advance(height);
    }

    /// <summary>A smaller heading inside a section, kept with the start of what follows it.</summary>
    private void SubHeading(string title, float minimumBelow) => SubHeading([new Span(title, Face.Bold, Palette.Accent)], minimumBelow);

    private void SubHeading(IReadOnlyList<Span> title, float minimumBelow)
    {
        const float size = Palette.SubsectionSize;
        var lines = type.Wrap(title, size, flow.ContentWidth);
        float height = lines.Count * Typesetter.LineHeight(size) + 2;
        flow.Reserve(height + minimumBelow);
        if (!flow.AtPageTop) flow.Advance(3);
        float top = flow.Y;
        flow.Draw(c => type.Draw(c, lines, flow.Left, top, size, Palette.Accent));
        flow.Advance(height);
    }

    private void SubHeading(string title) => SubHeading(title, 0);

    /// <summary>
    /// A table with a shaded header row, repeated on every page the table spans (under
    /// <paramref name="continuedTitle"/>, set by <paramref name="continued"/>: a section heading unless given).
    /// </summary>
    private void Table(IReadOnlyList<Column> columns, IReadOnlyList<TableRow> rows, string? continuedTitle = null, Action<string>? continued = null)
    {
        float size = Palette.SmallSize;
        var header = TableRow.Of(columns.Select(c => new Span(c.Header, Face.Bold, Palette.Accent)));
        var headerCells = Layout(columns, header, size, out float headerHeight);
        var laid = rows.Select(r => (Cells: Layout(columns, r, size, out float h), Height: h)).ToList();

        bool first = true;
        int zebra = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            var (cells, rowHeight) = laid[r];
            // A group heading stays with its first row; the first row stays with the header.
            float need = rowHeight + (rows[r].Spanning && r + 1 < rows.Count ? laid[r + 1].Height : 0);
            bool newPage = flow.Reserve(first ? headerHeight + need : need);
            if (newPage && !first && continuedTitle is not null) (continued ?? Heading)(continuedTitle);
            if (first || newPage) DrawRow(columns, headerCells, headerHeight, Palette.HeaderFill, size, bold: true, spanning: false);
            first = false;
            zebra = rows[r].Spanning ? 0 : zebra + 1;
            var fill = rows[r].Fill ?? (zebra % 2 == 0 && !rows[r].Spanning ? Palette.Zebra : null);
            DrawRow(columns, cells, rowHeight, fill, size, bold: false, rows[r].Spanning);
        }
    }

    private IReadOnlyList<IReadOnlyList<TextLine>> Layout(IReadOnlyList<Column> columns, TableRow row, float size, out float height)
    {
        var cells = row.Spanning
            ? [type.Wrap(row.Cells[0], size, columns.Sum(c => c.Width) - 2 * CellPadX)]
            : columns.Select((c, i) => type.Wrap(row.Cells[i], size, c.Width - 2 * CellPadX)).ToList();
        height = cells.Max(l => l.Count) * Typesetter.LineHeight(size) + 2 * CellPadY;
        return cells;
    }

    private void DrawRow(IReadOnlyList<Column> columns, IReadOnlyList<IReadOnlyList<TextLine>> cells, float height, SKColor? fill, float size, bool bold, bool spanning)
    {
        float top = flow.Y, left = flow.Left, width = columns.Sum(c => c.Width);
        flow.Draw(c =>
        {
            if (fill is { } f) c.DrawRect(SKRect.Create(left, top, width, height), type.Paint(f));
            if (spanning)
                type.Draw(c, cells[0], left + CellPadX, top + CellPadY, size, Palette.Ink, width - 2 * CellPadX);
            else
            {
                float x = left;
                for (int i = 0; i < columns.Count; i++)
                {
                    type.Draw(c, cells[i], x + CellPadX, top + CellPadY, size, Palette.Ink, columns[i].Width - 2 * CellPadX, columns[i].Align);
                    x += columns[i].Width;
                }
            }
            Line(c, left, top + height, left + width, top + height, bold ? Palette.Accent : Palette.Rule, bold ? 0.8f : 0.5f);
        });
        flow.Advance(height);
    }

    private static void Line(SKCanvas canvas, float x0, float y0, float x1, float y1, SKColor color, float width)
    {
        using var paint = new SKPaint { Color = color, StrokeWidth = width, Style = SKPaintStyle.Stroke, IsAntialias = true };
        canvas.DrawLine(x0, y0, x1, y1, paint);
    }
}
