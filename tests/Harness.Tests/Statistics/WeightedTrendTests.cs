using System.Text.Json;
using Harness.Core.Statistics;
using Harness.Tests.Support;

namespace Harness.Tests.Statistics;

/// <summary>
/// The fixed-effect meta-regression on time behind `validate --by`'s trend: a hand-checked example,
/// statsmodels' WLS with the scale fixed at 1 (Scripts/weighted_trend.py) on seeded random inputs,
/// and the inputs it refuses.
/// </summary>
public sealed class WeightedTrendTests
{
    [Fact]
    public void Three_points_give_the_slope_worked_out_by_hand()
    {
        // Given t = 0, 1, 2, y = 0, 1, 3 and variances 1, 1/2, 1/4 (weights 1, 2, 4)
        double[] t = [0, 1, 2], y = [0, 1, 3], v = [1, 0.5, 0.25];

        // When the trend is fitted at 95%
        var fit = WeightedTrend.Fit(t, y, v, 0.95);

        // Then, by hand: Σw = 7, t̄ = 10/7, ȳ = 2, Σw(t−t̄)(y−ȳ) = 6, Σw(t−t̄)² = 26/7, so b = 21/13,
        // SE = √(7/26), z = b/SE; residuals 4/13, −4/13, 1/13 give Q = 52/169 = 4/13;
        // p = 2Φ(−3.1132471299766244) = 0.0018504100240281846 (scipy.stats.norm.sf, doubled)
        Assert.Equal(3, fit.K);
        Assert.Equal(21.0 / 13, fit.Slope, 1e-14);
        Assert.Equal(Math.Sqrt(7.0 / 26), fit.StandardError, 1e-14);
        Assert.Equal(21.0 / 13 / Math.Sqrt(7.0 / 26), fit.Z, 1e-13);
        Assert.Equal(0.0018504100240281846, fit.P, 1e-15);
        Assert.Equal(10.0 / 7, fit.MeanTime, 1e-14);
        Assert.Equal(2, fit.MeanEstimate, 1e-14);
        Assert.Equal(4.0 / 13, fit.ResidualQ, 1e-14);
        double half = 1.959963984540054 * Math.Sqrt(7.0 / 26);
        Assert.Equal(21.0 / 13 - half, fit.ConfidenceInterval.Lower, 1e-13);
        Assert.Equal(21.0 / 13 + half, fit.ConfidenceInterval.Upper, 1e-13);
    }

    [Fact]
    public void A_flat_series_has_slope_zero_and_p_one()
    {
        var fit = WeightedTrend.Fit([2019.5, 2020.5, 2021.5, 2022.5], [0.8, 0.8, 0.8, 0.8], [0.01, 0.02, 0.01, 0.04], 0.95);

        Assert.Equal(0, fit.Slope, 1e-12);
        Assert.Equal(1, fit.P, 1e-12);
        Assert.Equal(0, fit.ResidualQ, 1e-20);
    }

    [PythonFact("numpy", "statsmodels")]
    public void Slope_SE_z_p_CI_and_Q_equal_statsmodels_WLS_with_the_scale_fixed()
    {
        foreach (var (seed, k, level) in new[] { (1, 3, 0.95), (2, 6, 0.95), (3, 12, 0.9), (4, 120, 0.99) })
        {
            // Given k periods a month apart (decimal years near 2019), estimates with a drift, and unequal variances
            var rng = new Random(seed);
            double[] t = Enumerable.Range(0, k).Select(i => 2015 + (i + 0.5) / 12).ToArray();
            double[] v = t.Select(_ => 0.001 + 0.05 * rng.NextDouble()).ToArray();
            double[] y = t.Select((ti, i) => 1.2 - 0.1 * (ti - 2015) + Math.Sqrt(v[i]) * (rng.NextDouble() - 0.5) * 3).ToArray();

            // When Harness and statsmodels fit the trend
            var fit = WeightedTrend.Fit(t, y, v, level);
            var (exit, output) = IndependentChecks.WeightedTrend(level, t, y, v);
            Assert.True(exit == 0, output);
            using var json = JsonDocument.Parse(output);
            double Py(string name) => json.RootElement.GetProperty(name).GetDouble();

            // Then every number agrees to 1e-9 relative (statsmodels solves by pinv on raw times; 1e-9 leaves room for its rounding)
            void Near(double expected, double actual, string what) =>
                Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"seed {seed} {what}: statsmodels {expected:R}, Harness {actual:R}");
            Near(Py("slope"), fit.Slope, "slope");
            Near(Py("se"), fit.StandardError, "se");
            Near(Py("z"), fit.Z, "z");
            Near(Py("p"), fit.P, "p");
            Near(Py("ci_lower"), fit.ConfidenceInterval.Lower, "ci_lower");
            Near(Py("ci_upper"), fit.ConfidenceInterval.Upper, "ci_upper");
            Near(Py("residual_q"), fit.ResidualQ, "residual_q");
            Near(Py("closed_slope"), fit.Slope, "closed-form slope");
        }
    }

    [Theory]
    [InlineData("two points", new[] { 0.0, 1 }, new[] { 0.0, 1 }, new[] { 1.0, 1 })]
    [InlineData("one time", new[] { 1.0, 1, 1 }, new[] { 0.0, 1, 2 }, new[] { 1.0, 1, 1 })]
    [InlineData("zero variance", new[] { 0.0, 1, 2 }, new[] { 0.0, 1, 2 }, new[] { 1.0, 0, 1 })]
    [InlineData("NaN estimate", new[] { 0.0, 1, 2 }, new[] { 0.0, double.NaN, 2 }, new[] { 1.0, 1, 1 })]
    [InlineData("lengths differ", new[] { 0.0, 1, 2 }, new[] { 0.0, 1 }, new[] { 1.0, 1, 1 })]
    public void Unusable_inputs_are_refused(string why, double[] t, double[] y, double[] v)
    {
        Assert.Throws<ArgumentException>(() => WeightedTrend.Fit(t, y, v, 0.95));
        Assert.NotNull(why);
    }
}
