using Harness.Core;

namespace Harness.Synth;

/// <summary>
/// What every kind of cohort shares: how many sites, the years its dates span, the examples per site,
/// the share of positive examples and the seed. A seed gives the same bytes on every run. Option
/// errors name the command-line option (<c>--sites</c>), as <c>harness synth</c> spells it.
/// </summary>
public abstract record SynthOptions
{
    public const int DefaultSites = 4;
    public const int DefaultSeed = 1;

    public int Sites { get; init; } = DefaultSites;
    public int FirstYear { get; init; } = 2018;
    public int LastYear { get; init; } = 2022;

    /// <summary>Examples per site (each kind has its own default).</summary>
    public int Rows { get; init; }

    /// <summary>The share of positive examples at a site of average log-odds; the sites spread around it (<see cref="Cohort.SitePrevalence"/>).</summary>
    public double Prevalence { get; init; }

    public int Seed { get; init; } = DefaultSeed;

    /// <summary>The most examples per site this kind allows.</summary>
    protected abstract int MaxRows { get; }

    /// <summary>Throws an <see cref="InputException"/> naming the first option out of range.</summary>
    public virtual void Validate()
    {
        if (Sites < 1 || Sites > Cohort.SiteNames.Count)
            throw new InputException($"--sites {Sites} is out of range.", $"Give --sites 1 to {Cohort.SiteNames.Count}.");
        if (FirstYear < 1900 || LastYear > 2100 || FirstYear > LastYear)
            throw new InputException($"--years {FirstYear}-{LastYear} is not a span of years between 1900 and 2100.", "Write --years FIRST-LAST, e.g. --years 2018-2022.");
        if (Rows < 1 || Rows > MaxRows)
            throw new InputException($"--rows {Rows} is out of range.", $"Give --rows 1 to {MaxRows:N0} (examples per site).");
        if (!(Prevalence > 0 && Prevalence < 1))
            throw new InputException($"--prevalence {Prevalence} is not a share strictly between 0 and 1.", "Give e.g. --prevalence 0.3.");
    }

    /// <summary>Checks that <paramref name="value"/> lies in [<paramref name="low"/>, <paramref name="high"/>], naming <paramref name="option"/> if not.</summary>
    protected static void Require(string option, double value, double low, double high)
    {
        if (!(value >= low && value <= high))
            throw new InputException($"{option} {value} is out of range.", $"Give {option} between {low} and {high}.");
    }
}

/// <summary>One site folder as written: its examples, patients and positives, its first and last date, and what is special about it.</summary>
public sealed record SiteSummary(string Name, long Rows, long Patients, long Positives, DateOnly FirstDate, DateOnly LastDate, string Notes)
{
    public double Prevalence => Rows == 0 ? 0 : (double)Positives / Rows;
}

/// <summary>
/// What a generator wrote: one entry per site folder, the two labels, and the story planted in the
/// data (the shortcut, the device change, the drift) in sentences for the console.
/// </summary>
public sealed record SynthSummary(string Kind, string PositiveLabel, string NegativeLabel, IReadOnlyList<SiteSummary> Sites, IReadOnlyList<string> Story)
{
    public long Rows => Sites.Sum(s => s.Rows);
}
