using SkiaSharp;

namespace Harness.Reports.Rendering;

/// <summary>
/// Lays blocks down A4 pages and starts a new page when one does not fit. Drawing is deferred
/// (each page keeps a list of draw actions) because the header's "page k of N" and the contents'
/// page numbers need the whole layout first. Every draw names the rectangle it may ink, so the
/// layout can prove that nothing reaches outside the printable area (<see cref="Overflows"/>).
/// </summary>
internal sealed class PageFlow
{
    public const float PageWidth = 595, PageHeight = 842; // A4 in points
    public const float Margin = 40;

    /// <summary>The running header above the content: model hash and page number.</summary>
    public const float HeaderHeight = 20;

    private readonly List<List<Action<SKCanvas>>> _pages = [[]];
    private readonly Dictionary<string, int> _anchors = [];
    private readonly List<string> _overflows = [];

    /// <summary>The area every page's ink must stay inside: the page less its margins.</summary>
    public static readonly SKRect Printable = new(Margin, Margin, PageWidth - Margin, PageHeight - Margin);

    public float Left => Margin;
    public float Right => PageWidth - Margin;
    public float ContentWidth => PageWidth - 2 * Margin;
    public float Top => Margin + HeaderHeight;
    public float Bottom => PageHeight - Margin;

    /// <summary>Where the next block starts on the current page.</summary>
    public float Y { get; private set; } = Margin + HeaderHeight;

    public int PageCount => _pages.Count;

    /// <summary>The current page, counted from 1.</summary>
    public int Page => _pages.Count;

    public IReadOnlyList<IReadOnlyList<Action<SKCanvas>>> Pages => _pages;

    /// <summary>Where a block was drawn outside <see cref="Printable"/>: empty when the layout is sound.</summary>
    public IReadOnlyList<string> Overflows => _overflows;

    public bool AtPageTop => Y <= Top;

    public bool Fits(float height) => Y + height <= Bottom;

    public float Room => Bottom - Y;

    /// <summary>Starts a new page unless the block fits here (or the page is still empty: a too-tall block must go somewhere).</summary>
    /// <returns>True when a new page was started.</returns>
    public bool Reserve(float height)
    {
        if (Fits(height) || AtPageTop) return false;
        NewPage();
        return true;
    }

    public void NewPage()
    {
        _pages.Add([]);
        Y = Top;
    }

    /// <summary>Queues a drawing on the current page that inks only inside <paramref name="bounds"/>.</summary>
    public void Draw(SKRect bounds, Action<SKCanvas> draw)
    {
        const float slack = 0.01f; // rounding in the layout's sums
        if (bounds.Left < Printable.Left - slack || bounds.Right > Printable.Right + slack
            || bounds.Top < Printable.Top - slack || bounds.Bottom > Printable.Bottom + slack)
            _overflows.Add($"page {Page}: {bounds} reaches outside the printable area {Printable}");
        _pages[^1].Add(draw);
    }

    /// <summary>Marks where a section starts (its page, for the contents and the checklist, and a link target).</summary>
    public void Anchor(string id)
    {
        _anchors[id] = Page;
        float y = Y;
        _pages[^1].Add(c => c.DrawNamedDestinationAnnotation(new SKPoint(Left, y), id));
    }

    /// <summary>The page an anchor landed on; null when the layout has not placed it (yet).</summary>
    public int? PageOf(string id) => _anchors.TryGetValue(id, out int page) ? page : null;

    public void Advance(float height) => Y += height;
}
