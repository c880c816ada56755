using SkiaSharp;

namespace Harness.Reports.Rendering;

/// <summary>A table column: header text, width in points, how its cells align, and whether it holds a drawing instead of text.</summary>
internal sealed record Column(string Header, float Width, SKTextAlign Align = SKTextAlign.Left, bool Graphic = false);

/// <summary>
/// A table row: one list of spans per cell. <paramref name="Fill"/> tints the row (amber for a site
/// that is not external validation); <paramref name="Graphic"/> draws the row's
/// <see cref="Column.Graphic"/> cell (a forest plot's interval, an answer known only once laid out).
/// </summary>
internal sealed record TableRow(IReadOnlyList<IReadOnlyList<Span>> Cells, SKColor? Fill = null, Action<SKCanvas, SKRect>? Graphic = null)
{
    /// <summary>A row whose cells are one span each.</summary>
    public static TableRow Of(IEnumerable<Span> cells, SKColor? fill = null) => new(cells.Select(c => (IReadOnlyList<Span>)[c]).ToList(), fill);
}

/// <summary>
/// The report's building blocks (section headings, paragraphs, key-value lines, tables that break
/// across pages with repeated headers, and rows of charts), laid down a <see cref="PageFlow"/>.
/// Sections say what to show; this decides where it goes.
/// </summary>
internal sealed class Composer(PageFlow flow, Typesetter type)
{
    public const float CellPadX = 3.5f, CellPadY = 3f;

    /// <summary>Tables of at most this many rows do not break across pages.</summary>
    private const int ShortTable = 8;
    private const float KeyWidth = 118;

    /// <summary>Sections laid out so far: the next one's number is this plus 1.</summary>
    private int _sections;

    /// <summary>A sub-heading not drawn yet: it goes onto the page where the block after it starts (keep with next).</summary>
    private (IReadOnlyList<TextLine> Lines, float Height, float MinimumBelow)? _pending;

    public PageFlow Flow => flow;
    public Typesetter Type => type;
    public float Width => flow.ContentWidth;

    /// <summary>How many numbered sections the report has so far.</summary>
    public int Sections => _sections;

    /// <summary>A numbered section: a heading kept with the start of its content, an anchor the contents link to.</summary>
    public void Section(string id, string title, float minimumBelow = 60)
    {
        Flush();
        flow.Reserve(Typesetter.LineHeight(Palette.SectionSize) + 8 + minimumBelow);
        if (!flow.AtPageTop) flow.Advance(8);
        flow.Anchor(id);
        Heading($"{++_sections}. {title}");
    }

    private void Heading(string title)
    {
        Text(title, Palette.SectionSize, Face.Bold, Palette.Accent);
        float y = flow.Y + 1.5f;
        Rule(y, Palette.Rule, 0.8f);
        flow.Advance(6.5f);
    }

    /// <summary>A horizontal rule across the content width at <paramref name="y"/>.</summary>
    public void Rule(float y, SKColor color, float width)
    {
        Flush();
        float left = flow.Left, right = flow.Right;
        flow.Draw(new SKRect(left, y - width, right, y + width), c =>
        {
            using var paint = Plot.Stroke(color, width);
            c.DrawLine(left, y, right, y, paint);
        });
    }

    /// <summary>
    /// A smaller heading inside a section. It is drawn with the block that follows it, on that block's
    /// page, and with at least <paramref name="minimumBelow"/> points of room under it.
    /// </summary>
    public void SubHeading(string title, float minimumBelow = 40) => SubHeading([new Span(title, Face.Bold, Palette.Accent)], minimumBelow);

    public void SubHeading(IReadOnlyList<Span> title, float minimumBelow)
    {
        Flush();
        var lines = type.Wrap(title, Palette.SubsectionSize, flow.ContentWidth);
        _pending = (lines, lines.Count * Typesetter.LineHeight(Palette.SubsectionSize) + 6, minimumBelow);
    }

    /// <summary>Room for a block of <paramref name="height"/> (and a pending sub-heading above it): a new page unless it fits.</summary>
    private bool Reserve(float height) =>
        flow.Reserve(_pending is { } p ? p.Height + Math.Max(height, p.MinimumBelow) : height);

    /// <summary>Draws the pending sub-heading where the flow now is.</summary>
    private void Flush()
    {
        if (_pending is not { } p) return;
        _pending = null;
        if (!flow.AtPageTop) flow.Advance(4);
        Lines(p.Lines, flow.Left, Palette.SubsectionSize, Palette.Accent, flow.ContentWidth);
        flow.Advance(p.Height - 4);
    }

    public void Text(string text, float size, Face face, SKColor color) => Paragraph([new Span(text, face, color)], size);

    public void Paragraph(string text, float size = Palette.BodySize, SKColor? color = null, float gap = 2) =>
        Paragraph([new Span(text, Color: color ?? Palette.Ink)], size, gap);

    /// <summary>A muted one-line note: what a section says when its data is absent.</summary>
    public void Absent(string why) => Paragraph(why, Palette.BodySize, Palette.Muted, gap: 6);

    public void Paragraph(IReadOnlyList<Span> spans, float size, float gap = 0)
    {
        var lines = type.Wrap(spans, size, flow.ContentWidth);
        float height = lines.Count * Typesetter.LineHeight(size);
        Reserve(height);
        Flush();
        Lines(lines, flow.Left, size, Palette.Ink, flow.ContentWidth);
        flow.Advance(height + gap);
    }

    /// <summary>Draws laid-out lines at the current position (the caller advances).</summary>
    private void Lines(IReadOnlyList<TextLine> lines, float left, float size, SKColor color, float width, SKTextAlign align = SKTextAlign.Left)
    {
        float top = flow.Y, height = lines.Count * Typesetter.LineHeight(size);
        flow.Draw(SKRect.Create(left, top, width, height), c => type.Draw(c, lines, left, top, size, color, width, align));
    }

    public void KeyValue(string key, IReadOnlyList<Span> value, SKColor? fill = null)
    {
        const float padY = 2.2f;
        float size = Palette.BodySize;
        float valueWidth = flow.ContentWidth - KeyWidth - 6;
        var keyLines = type.Wrap(key, size, KeyWidth - 8, Face.Bold, Palette.Muted);
        var valueLines = type.Wrap(value, size, valueWidth);
        float height = Math.Max(keyLines.Count, valueLines.Count) * Typesetter.LineHeight(size) + 2 * padY;
        Reserve(height);
        Flush();
        float top = flow.Y, left = flow.Left, width = flow.ContentWidth;
        flow.Draw(SKRect.Create(left, top, width, height), c =>
        {
            if (fill is { } f)
            {
                c.DrawRect(SKRect.Create(left, top, width, height), type.Paint(f));
                c.DrawRect(SKRect.Create(left, top, 2.5f, height), type.Paint(Palette.Accent));
            }
            type.Draw(c, keyLines, left + 6, top + padY, size, Palette.Muted);
            type.Draw(c, valueLines, left + KeyWidth, top + padY, size, Palette.Ink);
        });
        flow.Advance(height);
    }

    public void KeyValue(string key, string value) => KeyValue(key, [new Span(value)]);

    /// <summary>
    /// A table with a shaded header row, repeated on every page the table spans under
    /// "<paramref name="title"/> (continued)". <paramref name="headerGraphic"/> draws the graphic
    /// column's header cell (a forest plot's axis).
    /// </summary>
    public void Table(IReadOnlyList<Column> columns, IReadOnlyList<TableRow> rows, string title, float size = Palette.SmallSize,
        Action<SKCanvas, SKRect>? headerGraphic = null, float graphicHeaderHeight = 0)
    {
        var header = new TableRow(columns.Select(c => (IReadOnlyList<Span>)[new Span(c.Header, Face.Bold, Palette.Accent)]).ToList(), Graphic: headerGraphic);
        var headerCells = Layout(columns, header, size, out float headerHeight);
        headerHeight = Math.Max(headerHeight, graphicHeaderHeight);
        var laid = rows.Select(r => (Cells: Layout(columns, r, size, out float h), Height: h)).ToList();
        // A short table is kept whole on one page rather than leaving a row or two for the next.
        if (rows.Count <= ShortTable) Reserve(headerHeight + laid.Sum(l => l.Height));

        bool first = true;
        int zebra = 0; // every other row shaded, for the eye to follow
        for (int r = 0; r < rows.Count; r++)
        {
            var (cells, rowHeight) = laid[r];
            // The first row stays with the header; a row that starts a page gets the header again.
            bool newPage = Reserve(first ? headerHeight + rowHeight : rowHeight);
            if (newPage && !first) SubHeading($"{title} (continued)", rowHeight + headerHeight);
            Flush();
            if (first || newPage) DrawRow(columns, header, headerCells, headerHeight, Palette.HeaderFill, size, bold: true);
            first = false;
            DrawRow(columns, rows[r], cells, rowHeight, rows[r].Fill ?? (++zebra % 2 == 0 ? Palette.Zebra : null), size, bold: false);
        }
    }

    private IReadOnlyList<IReadOnlyList<TextLine>> Layout(IReadOnlyList<Column> columns, TableRow row, float size, out float height)
    {
        var cells = columns.Select((c, i) => c.Graphic && row.Graphic is not null ? [] : type.Wrap(row.Cells[i], size, c.Width - 2 * CellPadX)).ToList();
        height = Math.Max(1, cells.Max(l => l.Count)) * Typesetter.LineHeight(size) + 2 * CellPadY;
        return cells;
    }

    private void DrawRow(IReadOnlyList<Column> columns, TableRow row, IReadOnlyList<IReadOnlyList<TextLine>> cells, float height, SKColor? fill,
        float size, bool bold)
    {
        float top = flow.Y, left = flow.Left, width = columns.Sum(c => c.Width);
        flow.Draw(SKRect.Create(left, top, width, height + 0.5f), c =>
        {
            if (fill is { } f) c.DrawRect(SKRect.Create(left, top, width, height), type.Paint(f));
            float x = left;
            for (int i = 0; i < columns.Count; i++)
            {
                if (columns[i].Graphic && row.Graphic is not null) row.Graphic(c, SKRect.Create(x, top, columns[i].Width, height));
                else type.Draw(c, cells[i], x + CellPadX, top + CellPadY, size, Palette.Ink, columns[i].Width - 2 * CellPadX, columns[i].Align);
                x += columns[i].Width;
            }
            using var paint = Plot.Stroke(bold ? Palette.Accent : Palette.Rule, bold ? 0.8f : 0.5f);
            c.DrawLine(left, top + height, left + width, top + height, paint);
        });
        flow.Advance(height);
    }

    /// <summary>
    /// Charts in rows of <paramref name="perRow"/>, each with a title that wraps above it; a row
    /// shares one title height so its frames line up, and a row never splits across pages.
    /// </summary>
    public void Charts(IReadOnlyList<(string Title, float Height, Action<SKCanvas, SKRect> Draw)> charts, int perRow, string title)
    {
        const float gutter = 12, titleSize = 7.5f, rowGap = 8;
        float width = (flow.ContentWidth - gutter * (perRow - 1)) / perRow;
        for (int i = 0; i < charts.Count; i += perRow)
        {
            var row = charts.Skip(i).Take(perRow).ToList();
            var titles = row.Select(c => type.Wrap(c.Title, titleSize, width - 4, Face.Bold)).ToList();
            float titleHeight = titles.Max(t => t.Count) * Typesetter.LineHeight(titleSize) + 2;
            float height = row.Max(c => c.Height);
            bool pending = _pending is not null;
            if (Reserve(titleHeight + height) && i > 0 && !pending) SubHeading($"{title} (continued)", titleHeight + height);
            Flush();
            for (int j = 0; j < row.Count; j++)
            {
                var (_, chartHeight, draw) = row[j];
                var lines = titles[j];
                float left = flow.Left + j * (width + gutter), top = flow.Y;
                var area = SKRect.Create(left, top + titleHeight, width, chartHeight);
                flow.Draw(SKRect.Create(left, top, width, titleHeight + chartHeight), c =>
                {
                    type.Draw(c, lines, left, top, titleSize, Palette.Ink, width, SKTextAlign.Center);
                    draw(c, area);
                });
            }
            flow.Advance(titleHeight + height + rowGap);
        }
    }

    /// <summary>A small legend line: coloured swatches with their meaning.</summary>
    public void Legend(IReadOnlyList<(SKColor Color, string Text, bool Dashed)> items)
    {
        var spans = items.SelectMany(i => new Span[] { new(i.Dashed ? "\u2013 \u2013 " : "\u2014\u2014 ", Face.Bold, i.Color), new(i.Text + "     ", Color: Palette.Muted) }).ToList();
        Paragraph(spans, Palette.SmallSize, gap: 3);
    }
}
