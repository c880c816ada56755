using Harness.Core;
using Harness.Core.Metrics;

namespace Harness.Tests.Metrics;

public class OperatingThresholdTests
{
    /// <summary>Risks (label): .9 (1), .8 (0), .7 (1), .6 (1), .4 (0), .3 (1), .2 (0), .1 (0).</summary>
    private static ScoredExamples Development()
    {
        double[] risks = [0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1];
        return new ScoredExamples(["no", "yes"], 1, [1, 0, 1, 1, 0, 1, 0, 0],
            risks.SelectMany(r => new[] { (float)(1 - r), (float)r }).ToArray());
    }

    [Fact]
    public void Youden_picks_the_risk_with_the_largest_sensitivity_plus_specificity()
    {
        // Given thresholds at each risk (positive at or above): sensitivity + specificity - 1 =
        //   .9: .25+1-1=.25   .8: .25+.75-1=0   .7: .5+.75-1=.25   .6: .75+.75-1=.5   .4: .75+.5-1=.25
        //   .3: 1+.5-1=.5     .2: 1+.25-1=.25   .1: 0
        // When chosen / Then J = .5 at .6 and at .3: the highest, .6
        var point = OperatingThreshold.Choose(Development(), "youden");
        Assert.Equal((double)0.6f, point.Threshold, 1e-12);
        Assert.Equal("youden", point.Rule);
    }

    [Fact]
    public void A_sensitivity_target_picks_the_highest_risk_that_reaches_it()
    {
        // sensitivity at .3 is 1, at .6 is .75: sensitivity:0.9 needs .3
        Assert.Equal((double)0.3f, OperatingThreshold.Choose(Development(), "sensitivity:0.9").Threshold, 1e-12);
        Assert.Equal((double)0.6f, OperatingThreshold.Choose(Development(), "sensitivity:0.75").Threshold, 1e-12);
    }

    [Fact]
    public void A_specificity_target_picks_the_lowest_risk_that_reaches_it()
    {
        // specificity at .4 is .5, at .6 is .75, at .9 is 1
        Assert.Equal((double)0.6f, OperatingThreshold.Choose(Development(), "specificity:0.7").Threshold, 1e-12);
        Assert.Equal((double)0.9f, OperatingThreshold.Choose(Development(), "specificity:1").Threshold, 1e-12);
    }

    [Fact]
    public void A_fixed_threshold_is_kept()
    {
        var point = OperatingThreshold.Choose(Development(), "0.35");
        Assert.Equal(0.35, point.Threshold);
        Assert.Equal("fixed", point.Rule);
    }

    [Theory]
    [InlineData("youdn")]
    [InlineData("1.5")]
    [InlineData("0")]
    [InlineData("sensitivity")]
    [InlineData("sensitivity:2")]
    [InlineData("precision:0.9")]
    public void Bad_rules_are_input_errors_naming_the_option(string rule)
    {
        var e = Assert.Throws<InputException>(() => OperatingThreshold.Validate(rule));
        Assert.Contains("--threshold", e.Message);
        Assert.Contains("youden", e.Fix);
    }
}
