using Harness.Core.Sites;

namespace Harness.Validator.Scoring;

/// <summary>
/// Decides, before a row is scored, whether it belongs to the validation at all. A row left out
/// is never scored, never written to predictions.csv and never seen by an observer
/// (<see cref="ISiteObserver"/>); the filter counts what it left out. Like an
/// <see cref="IChunkObserver"/>, each chunk of the manifest is filtered by a fresh copy
/// (<see cref="Fork"/>), whose counts are merged in file order.
/// </summary>
internal interface IRowFilter
{
    bool Keep(DateOnly? date);

    IRowFilter Fork();

    void Merge(IRowFilter chunk);
}

/// <summary>`--from/--to`: keeps the rows dated within the window; counts the rows dated outside it and the undated rows left out.</summary>
internal sealed class WindowFilter(DateWindow window) : IRowFilter
{
    public DateWindow Window { get; } = window;

    /// <summary>Rows with a date outside the window.</summary>
    public long DatedOutside { get; private set; }

    /// <summary>Rows without a date: left out, since no one can say they fall in the window.</summary>
    public long Undated { get; private set; }

    public IRowFilter Fork() => new WindowFilter(Window);

    public void Merge(IRowFilter chunk)
    {
        var other = (WindowFilter)chunk;
        DatedOutside += other.DatedOutside;
        Undated += other.Undated;
    }

    public bool Keep(DateOnly? date)
    {
        if (date is not { } day)
        {
            Undated++;
            return false;
        }
        if (Window.Contains(day)) return true;
        DatedOutside++;
        return false;
    }
}
