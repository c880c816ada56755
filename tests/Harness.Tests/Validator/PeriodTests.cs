using Harness.Core;
using Harness.Validator;

namespace Harness.Tests.Validator;

/// <summary>The calendar behind --by: labels, first and last days, midpoints in decimal years, clipping to the window.</summary>
public sealed class PeriodTests
{
    [Theory]
    [InlineData("2019-08-15", PeriodUnit.Year, "2019", "2019-01-01", "2019-12-31")]
    [InlineData("2019-08-15", PeriodUnit.Quarter, "2019-Q3", "2019-07-01", "2019-09-30")]
    [InlineData("2019-12-31", PeriodUnit.Quarter, "2019-Q4", "2019-10-01", "2019-12-31")]
    [InlineData("2020-02-29", PeriodUnit.Month, "2020-02", "2020-02-01", "2020-02-29")]
    [InlineData("2019-01-01", PeriodUnit.Month, "2019-01", "2019-01-01", "2019-01-31")]
    public void A_date_falls_in_its_calendar_period(string date, PeriodUnit unit, string label, string first, string last)
    {
        var period = Period.Of(DateOnly.Parse(date), unit);

        Assert.Equal(label, period.Label);
        Assert.Equal(DateOnly.Parse(first), period.First);
        Assert.Equal(DateOnly.Parse(last), period.Last);
    }

    [Fact]
    public void Midpoints_are_decimal_years_so_calendar_years_lie_exactly_one_apart()
    {
        // A year's middle is its half whatever its length; a month's, its middle day over the year's days
        Assert.Equal(2019.5, Period.Of(new DateOnly(2019, 6, 1), PeriodUnit.Year).MidpointYear, 1e-12);
        Assert.Equal(2020.5, Period.Of(new DateOnly(2020, 6, 1), PeriodUnit.Year).MidpointYear, 1e-12);
        Assert.Equal(2020 + (31 + 14.5) / 366, Period.Of(new DateOnly(2020, 2, 10), PeriodUnit.Month).MidpointYear, 1e-12);
        Assert.Equal(2019 + (90 + 45.5) / 365, Period.Of(new DateOnly(2019, 5, 5), PeriodUnit.Quarter).MidpointYear, 1e-12); // Q2: 91 days from day 90
    }

    [Fact]
    public void The_window_clips_the_first_and_last_periods()
    {
        var window = new DateWindow(new DateOnly(2019, 3, 10), new DateOnly(2021, 2, 5));

        var first = Period.Of(new DateOnly(2019, 4, 1), PeriodUnit.Year, window);
        var last = Period.Of(new DateOnly(2021, 1, 1), PeriodUnit.Year, window);

        Assert.Equal((new DateOnly(2019, 3, 10), new DateOnly(2019, 12, 31)), (first.First, first.Last));
        Assert.Equal((new DateOnly(2021, 1, 1), new DateOnly(2021, 2, 5)), (last.First, last.Last));
        Assert.Equal(2021 + 18 / 365.0, last.MidpointYear, 1e-12); // 36 days from day 0: the middle is 18 days in
    }

    [Fact]
    public void Unknown_period_names_are_refused_with_the_three_known()
    {
        Assert.Equal(PeriodUnit.Quarter, Period.ParseUnit("Quarter"));
        var error = Assert.Throws<InputException>(() => Period.ParseUnit("week"));
        Assert.Equal("--by 'week' is not a period. Write --by year, --by quarter or --by month.", error.Message);
    }
}
