using SkiaSharp;

namespace Harness.Reports.Rendering;

/// <summary>A table column: header text, width in points, and how its cells align.</summary>
internal sealed record Column(string Header, float Width, SKTextAlign Align = SKTextAlign.Left);

/// <summary>A table row; <paramref name="Flagged"/> rows are tinted amber.</summary>
internal sealed record TableRow(IReadOnlyList<Span> Cells, bool Flagged = false);

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
        ModelSection();
        DevelopmentSection();
        SitesSection();
        ChartsSection();
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
        Section("Development reference (internal validation)", minimumBelow: 70);
        KeyValue("Split", [new(development.Split)]);
        KeyValue("Examples", [new($"n = {ReportFormat.Count(development.N)}" + (development.ClassCounts.Length > 0 ? $" ({development.ClassCounts})" : ""))]);
        flow.Advance(4);
        float width = flow.ContentWidth / development.Metrics.Count;
        Table(
            development.Metrics.Select(m => new Column(m.Label, width, SKTextAlign.Center)).ToList(),
            [new TableRow(development.Metrics.Select(m => new Span(m.Value)).ToList())]);
        flow.Advance(8);
    }

    private void SitesSection()
    {
        Section("External validation by site", minimumBelow: 60);
        Paragraph("Each metric cell shows the site value with its gap to development in brackets (gap = site − development).",
            Palette.SmallSize, Palette.Muted);
        flow.Advance(3);

        var columns = new List<Column>
        {
            new("Site", 104),
            new("Held out", 56),
            new("n", 34, SKTextAlign.Right),
            new("Prevalence", 57, SKTextAlign.Right),
            new("Accuracy\n(gap)", 66, SKTextAlign.Right),
            new("AUROC\n(gap)", 66, SKTextAlign.Right),
            new("Brier\n(gap)", 66, SKTextAlign.Right),
            new("ECE\n(gap)", 66, SKTextAlign.Right),
        };
        var rows = report.Sites.Select(s => new TableRow(
        [
            new(s.Name, Face.Bold),
            s.HeldOut ? new(s.HeldOutText) : new(s.HeldOutText, Face.Bold, Palette.WarnInk),
            new(ReportFormat.Count(s.N)),
            new(s.Prevalence),
            new(s.Accuracy.Text),
            new(s.Auroc.Text),
            new(s.Brier.Text),
            new(s.Ece.Text),
        ], Flagged: !s.HeldOut)).ToList();
        if (rows.Count == 0)
            Paragraph("No sites were validated.", Palette.BodySize, Palette.Muted);
        else
            Table(columns, rows, "External validation by site (continued)");

        if (report.SiteNotes.Count > 0)
        {
            flow.Advance(4);
            foreach (string note in report.SiteNotes)
                Paragraph([new("Note: ", Face.Bold, Palette.Muted), new(note, Color: Palette.Muted)], Palette.SmallSize);
        }
        flow.Advance(8);
    }

    private void ChartsSection()
    {
        if (report.Charts.Count == 0) return;
        var caption = type.Wrap(report.ChartCaption, Palette.SmallSize, flow.ContentWidth, color: Palette.Muted);
        Section("Reliability diagrams", minimumBelow: caption.Count * Typesetter.LineHeight(Palette.SmallSize) + PlotHeight + 16);
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
            if (flow.Reserve(titleHeight + PlotHeight)) Heading("Reliability diagrams (continued)");
            for (int j = 0; j < row.Count; j++)
            {
                var chart = row[j];
                var lines = titles[j];
                float left = flow.Left + j * (width + ChartGutter), top = flow.Y;
                var area = SKRect.Create(left, top + titleHeight, width, PlotHeight);
                flow.Draw(c =>
                {
                    type.Draw(c, lines, left, top, ChartTitleSize, Palette.Ink, width, SKTextAlign.Center);
                    ReliabilityPlot.Render(c, chart, area, type.Fonts);
                });
            }
            flow.Advance(titleHeight + PlotHeight + ChartRowGap);
        }
    }

    private void DefinitionsSection()
    {
        Section("Definitions", minimumBelow: 40);
        foreach (var note in report.Footnotes)
            Paragraph([new(note.Term + ": ", Face.Bold), new(note.Definition)], Palette.SmallSize, gap: 2);
    }

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

    /// <summary>A table with a shaded header row, repeated on every page the table spans.</summary>
    private void Table(IReadOnlyList<Column> columns, IReadOnlyList<TableRow> rows, string? continuedTitle = null)
    {
        float size = Palette.SmallSize;
        var header = new TableRow(columns.Select(c => new Span(c.Header, Face.Bold, Palette.Accent)).ToList());
        var headerCells = Layout(columns, header, size, out float headerHeight);

        bool first = true;
        for (int r = 0; r < rows.Count; r++)
        {
            var cells = Layout(columns, rows[r], size, out float rowHeight);
            bool newPage = first ? flow.Reserve(headerHeight + rowHeight) : flow.Reserve(rowHeight);
            if (newPage && !first && continuedTitle is not null) Heading(continuedTitle);
            if (first || newPage) DrawRow(columns, headerCells, headerHeight, Palette.HeaderFill, size, bold: true);
            first = false;
            var fill = rows[r].Flagged ? Palette.WarnFill : r % 2 == 1 ? Palette.Zebra : (SKColor?)null;
            DrawRow(columns, cells, rowHeight, fill, size, bold: false);
        }
    }

    private IReadOnlyList<IReadOnlyList<TextLine>> Layout(IReadOnlyList<Column> columns, TableRow row, float size, out float height)
    {
        var cells = columns.Select((c, i) => type.Wrap([row.Cells[i]], size, c.Width - 2 * CellPadX)).ToList();
        height = cells.Max(l => l.Count) * Typesetter.LineHeight(size) + 2 * CellPadY;
        return cells;
    }

    private void DrawRow(IReadOnlyList<Column> columns, IReadOnlyList<IReadOnlyList<TextLine>> cells, float height, SKColor? fill, float size, bool bold)
    {
        float top = flow.Y, left = flow.Left, width = columns.Sum(c => c.Width);
        flow.Draw(c =>
        {
            if (fill is { } f) c.DrawRect(SKRect.Create(left, top, width, height), type.Paint(f));
            float x = left;
            for (int i = 0; i < columns.Count; i++)
            {
                type.Draw(c, cells[i], x + CellPadX, top + CellPadY, size, Palette.Ink, columns[i].Width - 2 * CellPadX, columns[i].Align);
                x += columns[i].Width;
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
