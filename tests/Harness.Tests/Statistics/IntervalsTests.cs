using Harness.Core.Statistics;

namespace Harness.Tests.Statistics;

/// <summary>Wald intervals: estimate +- Phi^-1((1 + level)/2) standard errors.</summary>
public class IntervalsTests
{
    [Theory]
    [InlineData(0.95, 1.959963984540054)]   // scipy.stats.norm.ppf(0.975)
    [InlineData(0.90, 1.6448536269514722)]  // scipy.stats.norm.ppf(0.95)
    [InlineData(0.99, 2.5758293035489004)]  // scipy.stats.norm.ppf(0.995)
    public void WaldInterval_is_the_estimate_plus_minus_z_standard_errors(double level, double z)
    {
        // Given an estimate of 0.8 with standard error 0.05
        // When its interval at the level is taken
        var (lower, upper) = Intervals.WaldInterval(0.8, 0.05, level);

        // Then it is 0.8 -+ z * 0.05, not clamped
        Assert.Equal(0.8 - z * 0.05, lower, 14);
        Assert.Equal(0.8 + z * 0.05, upper, 14);
        var wide = Intervals.WaldInterval(new WaldEstimate(0.9, 1.0), level);
        Assert.Equal(0.9 + z, wide.Upper, 14);
    }

    [Fact]
    public void WaldInterval_rejects_levels_outside_0_1_and_negative_standard_errors()
    {
        // Given levels of 0, 1 and 95 (a percentage by mistake), and a negative standard error
        // When an interval is asked for
        // Then it is refused
        Assert.Throws<ArgumentOutOfRangeException>(() => Intervals.WaldInterval(0.5, 0.1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Intervals.WaldInterval(0.5, 0.1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Intervals.WaldInterval(0.5, 0.1, 95));
        Assert.Throws<ArgumentOutOfRangeException>(() => Intervals.WaldInterval(0.5, -0.1, 0.95));
    }
}
