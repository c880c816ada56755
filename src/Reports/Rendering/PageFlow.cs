using SkiaSharp;

namespace Harness.Reports.Rendering;

/// <summary>
/// Lays blocks down an A4 page and starts a new page when one does not fit. Drawing is deferred
/// (each page keeps a list of draw actions) because the footer's "page k of N" needs N first.
/// </summary>
internal sealed class PageFlow
{
    public const float PageWidth = 595, PageHeight = 842; // A4 in points
    public const float Margin = 40;
    public const float FooterHeight = 22;

    private readonly List<List<Action<SKCanvas>>> _pages = [[]];

    public float Left => Margin;
    public float Right => PageWidth - Margin;
    public float ContentWidth => PageWidth - 2 * Margin;
    public float Top => Margin;
    public float Bottom => PageHeight - Margin - FooterHeight;

    /// <summary>Where the next block starts on the current page.</summary>
    public float Y { get; private set; } = Margin;

    public int PageCount => _pages.Count;
    public IReadOnlyList<IReadOnlyList<Action<SKCanvas>>> Pages => _pages;

    public bool AtPageTop => Y <= Top;

    public bool Fits(float height) => Y + height <= Bottom;

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

    public void Draw(Action<SKCanvas> draw) => _pages[^1].Add(draw);

    public void Advance(float height) => Y += height;
}
