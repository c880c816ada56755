using Harness.Core.Statistics;

namespace Harness.Tests.Statistics;

/// <summary>
/// Student's t quantile and CDF against scipy.stats.t: the goldens come from student_t_goldens.py
/// beside this file (scipy 1.10.1). Quantiles are the roots of scipy's t.sf found by brentq (scipy's
/// own t.ppf is off by up to 2e-9 relative; the script prints it beside each), checked to 1e-12
/// relative; the CDF is scipy's t.cdf to 1e-12; and the closed forms for 1 and 2 degrees of freedom
/// to 1e-13.
/// </summary>
public class StudentTTests
{
    private static void Close(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            $"expected {expected:R}, got {actual:R} (relative error {Math.Abs(actual - expected) / Math.Abs(expected):E2})");

    [Theory]
    [InlineData(0.975, 1, 12.706204736174692)]
    [InlineData(0.995, 1, 63.65674116287151)]
    [InlineData(0.75, 1, 1.0)]
    [InlineData(0.975, 2, 4.302652729749461)]
    [InlineData(0.995, 2, 9.924843200918287)]
    [InlineData(0.75, 2, 0.8164965809277259)]
    [InlineData(0.975, 3, 3.1824463052837086)]
    [InlineData(0.995, 3, 5.840909309733355)]
    [InlineData(0.75, 3, 0.7648923284043456)]
    [InlineData(0.975, 4, 2.7764451051977934)]
    [InlineData(0.995, 4, 4.604094871349992)]
    [InlineData(0.75, 4, 0.7406970841126825)]
    [InlineData(0.975, 5, 2.5705818356363137)]
    [InlineData(0.995, 5, 4.032142983555227)]
    [InlineData(0.75, 5, 0.7266868438004228)]
    [InlineData(0.975, 7, 2.3646242515927844)]
    [InlineData(0.995, 7, 3.499483297350493)]
    [InlineData(0.75, 7, 0.7111417780817867)]
    [InlineData(0.975, 10, 2.2281388519862735)]
    [InlineData(0.995, 10, 3.169272672616951)]
    [InlineData(0.75, 10, 0.699812061312432)]
    [InlineData(0.975, 12, 2.1788128296672284)]
    [InlineData(0.995, 12, 3.0545395893929013)]
    [InlineData(0.75, 12, 0.6954828655117924)]
    [InlineData(0.975, 30, 2.0422724563012378)]
    [InlineData(0.995, 30, 2.7499956535672254)]
    [InlineData(0.75, 30, 0.6827556933212925)]
    [InlineData(0.975, 101, 1.9837310029556057)]
    [InlineData(0.995, 101, 2.6253859646684408)]
    [InlineData(0.75, 101, 0.6769265959592854)]
    [InlineData(0.025, 1, -12.706204736174692)]
    [InlineData(0.025, 2, -4.302652729749461)]
    [InlineData(0.0005, 3, -12.923978636687963)]
    [InlineData(0.6, 9, 0.260955336473911)]
    [InlineData(0.9995, 1, 636.6192487687896)]
    public void Quantile_matches_the_root_of_scipy_t_sf(double p, int degrees, double expected)
    {
        // Given a probability and whole degrees of freedom, odd and even
        // When the quantile is computed
        double t = StudentT.Quantile(p, degrees);

        // Then it is the root of scipy's survival function to 1e-12 relative
        Close(expected, t, 1e-12);
    }

    [Theory]
    [InlineData(-3.0, 1, 0.10241638234956672)]
    [InlineData(0.5, 1, 0.6475836176504333)]
    [InlineData(2.0, 2, 0.908248290463863)]
    [InlineData(-1.5, 3, 0.11529193262241141)]
    [InlineData(2.2, 4, 0.9536736649101827)]
    [InlineData(12.0, 5, 0.9999645525374142)]
    [InlineData(0.1, 6, 0.5381990240506043)]
    [InlineData(-2.5, 11, 0.014753187043682073)]
    [InlineData(1.96, 40, 0.9715058879839968)]
    public void Cdf_matches_scipy_t_cdf(double x, int degrees, double expected)
    {
        Close(expected, StudentT.Cdf(x, degrees), 1e-12);
    }

    [Fact]
    public void One_and_two_degrees_of_freedom_match_their_closed_forms()
    {
        // Given probabilities across (0, 1)
        foreach (double p in new[] { 0.001, 0.01, 0.025, 0.2, 0.5 + 1e-9, 0.75, 0.9, 0.975, 0.999 })
        {
            // When the quantiles for 1 and 2 degrees of freedom are computed
            // Then they are the Cauchy quantile tan(pi (p - 1/2)) and (2p - 1)/sqrt(2p(1 - p))
            Close(Math.Tan(Math.PI * (p - 0.5)), StudentT.Quantile(p, 1), 1e-13);
            Close((2 * p - 1) / Math.Sqrt(2 * p * (1 - p)), StudentT.Quantile(p, 2), 1e-13);
        }
    }

    [Fact]
    public void Quantile_inverts_the_cdf_and_is_antisymmetric()
    {
        foreach (int degrees in new[] { 1, 2, 3, 8, 25 })
            foreach (double p in new[] { 0.05, 0.3, 0.8, 0.975 })
            {
                double t = StudentT.Quantile(p, degrees);
                Assert.Equal(p, StudentT.Cdf(t, degrees), 1e-14);
                Assert.Equal(-t, StudentT.Quantile(1 - p, degrees), 1e-12);
            }
    }

    [Fact]
    public void Ends_and_bad_input()
    {
        Assert.Equal(0.0, StudentT.Quantile(0.5, 3));
        Assert.Equal(double.NegativeInfinity, StudentT.Quantile(0, 3));
        Assert.Equal(double.PositiveInfinity, StudentT.Quantile(1, 3));
        Assert.True(double.IsNaN(StudentT.Quantile(1.5, 3)));
        Assert.True(double.IsNaN(StudentT.Cdf(double.NaN, 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.Quantile(0.9, 0));
    }
}
