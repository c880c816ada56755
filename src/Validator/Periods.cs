using System.Globalization;
using Harness.Core;

namespace Harness.Validator;

/// <summary>How `validate --by` slices a site's dated rows: calendar years, quarters or months.</summary>
public enum PeriodUnit { Year, Quarter, Month }

/// <summary>
/// One calendar period (a year, a quarter or a month) clipped to the validation window: its label
/// ("2019", "2019-Q3", "2019-07"), its first and last day, and its midpoint in decimal years (the
/// time a trend is regressed on). Periods order by time.
/// </summary>
public readonly record struct Period(PeriodUnit Unit, int Year, int Number, DateOnly First, DateOnly Last) : IComparable<Period>
{
    /// <summary>The calendar period of <paramref name="unit"/> holding <paramref name="date"/>, clipped to <paramref name="window"/>.</summary>
    public static Period Of(DateOnly date, PeriodUnit unit, DateWindow? window = null)
    {
        int number = unit switch
        {
            PeriodUnit.Year => 1,
            PeriodUnit.Quarter => (date.Month - 1) / 3 + 1,
            _ => date.Month,
        };
        int months = unit switch { PeriodUnit.Year => 12, PeriodUnit.Quarter => 3, _ => 1 };
        var first = new DateOnly(date.Year, (number - 1) * months + 1, 1);
        var last = first.AddMonths(months).AddDays(-1);
        if (window?.From is { } from && from > first) first = from;
        if (window?.To is { } to && to < last) last = to;
        return new Period(unit, date.Year, number, first, last);
    }

    public string Label => Unit switch
    {
        PeriodUnit.Year => Year.ToString("0000", CultureInfo.InvariantCulture),
        PeriodUnit.Quarter => $"{Year:0000}-Q{Number}",
        _ => $"{Year:0000}-{Number:00}",
    };

    /// <summary>
    /// The middle of [First, Last + 1 day) in decimal years: the year plus the share of it elapsed,
    /// so calendar year 2019's midpoint is 2019.5 and yearly periods lie exactly 1 apart.
    /// </summary>
    public double MidpointYear
    {
        get
        {
            double middle = (First.DayNumber + Last.DayNumber + 1) / 2.0; // in days since 0001-01-01
            var day = DateOnly.FromDayNumber((int)Math.Floor(middle));
            int yearStart = new DateOnly(day.Year, 1, 1).DayNumber;
            return day.Year + (middle - yearStart) / (DateTime.IsLeapYear(day.Year) ? 366 : 365);
        }
    }

    public int CompareTo(Period other) => (Year, Number).CompareTo((other.Year, other.Number));

    /// <summary>year, quarter or month, as `--by` takes it.</summary>
    public static string Name(PeriodUnit unit) => unit.ToString().ToLowerInvariant();

    /// <summary>Parses a `--by` value; errors name <paramref name="option"/>.</summary>
    public static PeriodUnit ParseUnit(string text, string option = "--by") => text.Trim().ToLowerInvariant() switch
    {
        "year" => PeriodUnit.Year,
        "quarter" => PeriodUnit.Quarter,
        "month" => PeriodUnit.Month,
        _ => throw new InputException($"{option} '{text}' is not a period.", $"Write {option} year, {option} quarter or {option} month."),
    };
}

/// <summary>
/// `validate --from/--to`: the days (both included; either bound open) whose rows are validated.
/// Rows dated outside are not scored, and with a bound given undated rows are left out too
/// (as `train --from/--until` does); both are counted.
/// </summary>
public sealed record DateWindow(DateOnly? From, DateOnly? To)
{
    public bool Contains(DateOnly date) => (From is null || date >= From) && (To is null || date <= To);

    /// <summary>"2019-01-01 to 2020-12-31", an open end as "any".</summary>
    public override string ToString() => $"{Text(From)} to {Text(To)}";

    /// <summary>Checks the bounds are in order; the error names the options.</summary>
    public void Validate()
    {
        if (From is { } from && To is { } to && from > to)
            throw new InputException($"--from must be on or before --to (--from {Text(from)} is after --to {Text(to)}).",
                "Change --from or --to: the window runs from --from to --to, both days included.");
    }

    internal static string Text(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "any";
}
