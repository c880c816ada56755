using Harness.Core.Statistics;

namespace Harness.Tests.Statistics;

/// <summary>
/// The standard normal CDF and quantile against scipy.stats.norm (cdf, ppf, sf): the goldens come
/// from normal_goldens.py beside this file (scipy 1.10.1), to 1e-12 relative (the far tails
/// included: both sides are accurate to a few ulps).
/// </summary>
public class NormalDistributionTests
{
    private const double Relative = 1e-12;

    private static void Close(double expected, double actual, double relative = Relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            $"expected {expected:R}, got {actual:R} (relative error {Math.Abs(actual - expected) / Math.Abs(expected):E2})");

    [Theory]
    [InlineData(1e-300, -37.0470962993612)]
    [InlineData(1e-100, -21.273453560965322)]
    [InlineData(1e-20, -9.262340089798409)]
    [InlineData(1e-10, -6.361340902404056)]
    [InlineData(1e-05, -4.264890793922825)]
    [InlineData(0.001, -3.090232306167813)]
    [InlineData(0.02425, -1.972961051311885)]
    [InlineData(0.025, -1.9599639845400545)]
    [InlineData(0.05, -1.6448536269514729)]
    [InlineData(0.1, -1.2815515655446004)]
    [InlineData(0.3, -0.5244005127080409)]
    [InlineData(0.075, -1.4395314709384563)]
    [InlineData(0.6, 0.2533471031357997)]
    [InlineData(0.9, 1.2815515655446004)]
    [InlineData(0.925, 1.4395314709384563)]
    [InlineData(0.95, 1.6448536269514722)]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(0.99, 2.3263478740408408)]
    [InlineData(0.999, 3.090232306167813)]
    [InlineData(0.9999999999, 6.361340889697422)]
    public void Quantile_matches_scipy_norm_ppf(double p, double expected)
    {
        // Given a probability in each branch of AS 241 (central, intermediate and far tail)
        // When its quantile is computed
        double z = NormalDistribution.Quantile(p);

        // Then it is scipy's to 1e-12 relative
        Close(expected, z);
    }

    [Fact]
    public void Quantile_of_one_half_is_zero_and_the_ends_are_infinite()
    {
        // Given the centre and the two ends of [0, 1], and probabilities outside it
        // When their quantiles are computed
        // Then the centre is exactly 0, the ends are -inf and +inf, and the rest NaN
        Assert.Equal(0.0, NormalDistribution.Quantile(0.5));
        Assert.Equal(double.NegativeInfinity, NormalDistribution.Quantile(0.0));
        Assert.Equal(double.PositiveInfinity, NormalDistribution.Quantile(1.0));
        Assert.True(double.IsNaN(NormalDistribution.Quantile(-0.1)));
        Assert.True(double.IsNaN(NormalDistribution.Quantile(1.1)));
        Assert.True(double.IsNaN(NormalDistribution.Quantile(double.NaN)));
    }

    [Fact]
    public void Quantile_is_antisymmetric_about_one_half()
    {
        // Given p and 1 - p for p whose complement is exact in double (multiples of 2^-10)
        for (int k = 1; k < 512; k++)
        {
            double p = k / 1024.0;

            // When both quantiles are computed
            // Then they are negatives of each other
            Assert.Equal(-NormalDistribution.Quantile(p), NormalDistribution.Quantile(1 - p));
        }
    }

    [Theory]
    [InlineData(-37.5, 4.605353009581954e-308)]
    [InlineData(-20.0, 2.7536241186061556e-89)]
    [InlineData(-10.0, 7.61985302416047e-24)]
    [InlineData(-5.0, 2.866515718791933e-07)]
    [InlineData(-3.0, 0.0013498980316300933)]
    [InlineData(-2.0001, 0.022744733391410532)]
    [InlineData(-2.0, 0.022750131948179195)]
    [InlineData(-1.9999, 0.02275553158476718)]
    [InlineData(-1.0, 0.15865525393145707)]
    [InlineData(-0.5, 0.3085375387259869)]
    [InlineData(-1e-08, 0.4999999960105772)]
    [InlineData(0.0, 0.5)]
    [InlineData(0.3, 0.6179114221889526)]
    [InlineData(1.0, 0.8413447460685429)]
    [InlineData(1.959963984540054, 0.975)]
    [InlineData(2.5, 0.9937903346742238)]
    [InlineData(3.0, 0.9986501019683699)]
    [InlineData(6.0, 0.9999999990134123)]
    [InlineData(8.0, 0.9999999999999993)]
    public void Cdf_matches_scipy_norm_cdf(double x, double expected)
    {
        // Given x on both sides of the series / continued-fraction switch at |x| = 2
        // When Phi(x) is computed
        double p = NormalDistribution.Cdf(x);

        // Then it is scipy's to 1e-12 relative
        Close(expected, p);
    }

    [Theory]
    [InlineData(2.5, 0.006209665325776132)]
    [InlineData(5.0, 2.866515718791933e-07)]
    [InlineData(10.0, 7.61985302416047e-24)]
    [InlineData(30.0, 4.906713927147908e-198)]
    public void Cdf_of_minus_x_is_the_upper_tail_scipy_norm_sf(double x, double upperTail)
    {
        // Given x in the upper tail
        // When Phi(-x) = 1 - Phi(x) is computed
        double q = NormalDistribution.Cdf(-x);

        // Then it is scipy's survival function at x, to 1e-12 relative
        Close(upperTail, q);
    }

    [Fact]
    public void Cdf_saturates_and_propagates_nan()
    {
        // Given x beyond double range of the tails, and NaN
        // When Phi is computed
        // Then it is 0 or 1 exactly, and NaN stays NaN
        Assert.Equal(0.0, NormalDistribution.Cdf(-40.5));
        Assert.Equal(1.0, NormalDistribution.Cdf(40.5));
        Assert.Equal(0.0, NormalDistribution.Cdf(double.NegativeInfinity));
        Assert.Equal(1.0, NormalDistribution.Cdf(double.PositiveInfinity));
        Assert.True(double.IsNaN(NormalDistribution.Cdf(double.NaN)));
    }

    [Fact]
    public void Cdf_inverts_Quantile()
    {
        // Given probabilities from 1e-300 to 1 - 1e-9 spread over every branch
        var ps = new List<double>();
        for (int e = -300; e <= -1; e++) ps.Add(Math.Pow(10, e));
        for (int k = 1; k < 1000; k++) ps.Add(k / 1000.0);
        for (int e = -9; e <= -1; e++) ps.Add(1 - Math.Pow(10, e));

        foreach (double p in ps)
        {
            // When the quantile is mapped back through the CDF
            double z = NormalDistribution.Quantile(p);
            double back = NormalDistribution.Cdf(z);

            // Then p comes back to rounding error in the lower half: 1e-14 relative, plus the
            // rounding of z itself magnified by Phi's condition number z phi(z) / Phi(z) ~ z^2 in
            // the tail; and to rounding of p in the upper half (where Phi's value is 1 - tiny)
            if (p <= 0.5) Close(p, back, 1e-14 + 1e-15 * z * z);
            else Assert.True(Math.Abs(back - p) <= 4e-16, $"p = {p:R}: got {back:R}");
        }
    }

    [Fact]
    public void Density_is_the_normal_density()
    {
        // Given a few points
        // When phi(x) is computed
        // Then it is exp(-x^2/2)/sqrt(2 pi) (scipy.stats.norm.pdf: 0.3989422804014327,
        // 0.24197072451914337, 0.017528300493568537, 1.486719514734298e-06, 7.69459862670642e-23)
        Close(0.3989422804014327, NormalDistribution.Density(0));
        Close(0.24197072451914337, NormalDistribution.Density(-1));
        Close(0.017528300493568537, NormalDistribution.Density(2.5));
        Close(1.486719514734298e-06, NormalDistribution.Density(-5));
        Close(7.69459862670642e-23, NormalDistribution.Density(10));
    }
}
