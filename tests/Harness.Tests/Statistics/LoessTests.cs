using Harness.Core.Statistics;

namespace Harness.Tests.Statistics;

/// <summary>
/// <see cref="Loess.Fit"/> against R's <c>predict(loess(y ~ x, span, degree = 2, surface = "direct"), newdata)</c>.
/// The expected values in <see cref="R"/> were printed by <c>loess_reference.R</c> (beside this file; R 4.2.2)
/// and pasted here; the data sets below are written literally in both. R solves each local fit by QR and SVD,
/// this code by equilibrated normal equations, so they agree to rounding: the tolerance is 1e-10.
/// </summary>
public class LoessTests
{
    private const double Tolerance = 1e-10;

    /// <summary>Output of <c>Rscript tests/Harness.Tests/Statistics/loess_reference.R</c>, blocks (a) to (d).</summary>
    internal static class R
    {
        // (a) continuous, 30 points with ties
        internal static readonly double[] ContinuousSpan075 = [0.70535205742322105, 2.0582013976918949, 2.4891764368993861, 3.3171709715568389, 3.477165800589705, 5.3183488909603698, 6.7765051632285296, 7.9551308514008277, 9.0151985024307013, 9.1883262698506396, 9.4995945057193296];
        internal static readonly double[] ContinuousSpan030 = [2.631953223032232, 2.2160493614404824, 2.4440985178094761, 3.2923514219987071, 3.4941593152971628, 5.3860633793409267, 6.7906038948967158, 7.9782303070139253, 9.070691028028552, 9.1080042297869426, 8.5951218898727095];
        internal static readonly double[] ContinuousSpan150 = [0.67213380273719547, 2.0582228037532913, 2.4933025781591676, 3.3227015115404419, 3.4820450152603191, 5.2899122786944019, 6.7567546042187914, 8.0001459055135182, 8.9857563402251088, 9.1254344446436129, 9.3442116174293357];
        // (b) binary outcome, 60 points
        internal static readonly double[] BinaryAtQueries = [0.049863635293800411, 0.075941363838042383, 0.17278858131802594, 0.32586951855409574, 0.55274671922308405, 0.7397816485815677, 0.87994427829013966, 0.96610464224817394, 0.98927183799203833];
        internal static readonly double[] BinaryAtData = [0.075941363838042383, 0.078655146765853473, 0.083593775511593041, 0.089944946013217258, 0.097403133640831446, 0.10578300265804214, 0.11495421539803546, 0.12481703087936061, 0.13528748660336953, 0.14629380062455044, 0.15777425627371391, 0.16967554059130982, 0.18195199905024539, 0.19456309383582585, 0.20746403798675239, 0.22061044232322677, 0.23396212699520935, 0.24748051352823836, 0.26110846051969089, 0.2747827711204659, 0.28844704198890198, 0.30206592298308427, 0.31562926718002621, 0.32910664561479924, 0.34247842750755519, 0.35568700140199372, 0.36879059782131263, 0.38250550594552746, 0.3996608856473563, 0.42020587094127781, 0.43895675862507422, 0.45756260273168536, 0.47403295799863265, 0.4881313162138583, 0.50340587656594482, 0.51913920334196861, 0.53427071428187545, 0.54983274374292224, 0.5669578969090141, 0.58416552354821971, 0.60017065604159103, 0.61450909987862512, 0.6268377858663674, 0.63949687559493729, 0.65318564031053961, 0.66800308620872828, 0.68386604739553747, 0.70066134624450038, 0.71834645723427859, 0.73687085399638308, 0.75616908703475305, 0.77619267644794654, 0.79695591678470279, 0.81847787193702293, 0.84077141377976827, 0.86386349895173553, 0.88784317892273967, 0.91281307684822199, 0.93887063606532983, 0.96610464224817416];
        // (c) frequency weights, R on rep(x, w)
        internal static readonly double[] WeightedExpanded = [1.0184855343781676, 1.001608150531812, 1.2113031238301875, 1.9947045521499949, 2.4196888646242538, 3.051481871631629];
        // (d) rank-deficient neighbourhoods, at data values
        internal static readonly double[] RankDeficientAtData = [2.0000000000000009, 4.5, 6.25, 8.0000000000000018, 12.09217527671081];
        // (d') R between data values (not matched by Loess.Fit; see its remarks): x = 1.5
        // 1.6249999999999993 
    }

    // (a) A small continuous example with ties in x.
    internal static readonly double[] ContinuousX = [0.5, 1.0, 1.0, 1.7, 2.2, 2.2, 2.2, 3.1, 3.6, 4.0, 4.4, 5.0, 5.0, 5.8, 6.3,
        6.9, 7.2, 7.2, 7.9, 8.5, 9.0, 9.4, 10.1, 10.1, 10.8, 11.5, 12.0, 12.6, 13.3, 14.0];
    internal static readonly double[] ContinuousY = [2.31, 2.05, 2.62, 3.10, 3.55, 3.02, 3.80, 4.41, 4.05, 5.12, 4.87, 5.60, 6.02, 5.35, 6.80,
        6.11, 7.25, 6.64, 6.90, 7.80, 7.02, 8.15, 7.60, 8.44, 7.95, 8.20, 9.10, 8.45, 9.60, 8.90];
    internal static readonly double[] ContinuousQueries = [-1, 0.5, 1.0, 2.0, 2.2, 4.7, 7.2, 9.99, 13.3, 14.0, 15.5];

    // (b) A binary-outcome calibration example: p_i = 0.02 + 0.96 ((i - 1) / 59)^1.5, i = 1..60.
    internal static readonly double[] BinaryP = Enumerable.Range(0, 60).Select(i => 0.02 + 0.96 * Math.Pow(i / 59.0, 1.5)).ToArray();
    internal static readonly double[] BinaryY = Bits("000000100000100010000101000110010011010110101101110111011111");
    internal static readonly double[] BinaryQueries = [0, 0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98, 1];

    // (c) Frequency weights.
    internal static readonly double[] WeightedX = [0.10, 0.20, 0.20, 0.35, 0.40, 0.55, 0.60, 0.60, 0.75, 0.80, 0.90, 0.95];
    internal static readonly double[] WeightedY = [1.20, 0.90, 1.50, 1.10, 1.70, 2.00, 1.60, 2.40, 2.10, 2.80, 2.50, 3.10];
    internal static readonly double[] WeightedW = [1, 3, 0, 2, 1, 4, 1, 0, 2, 3, 1, 2];
    internal static readonly double[] WeightedQueries = [0.1, 0.2, 0.33, 0.6, 0.77, 0.95];

    // (d) Neighbourhoods with fewer than three distinct x of positive weight.
    internal static readonly double[] RankX = [1, 1, 2, 2, 3, 3, 3, 3, 6, 7, 8, 9];
    internal static readonly double[] RankY = [1.0, 3.0, 5.0, 4.0, 6.0, 6.5, 5.5, 7.0, 8.0, 7.0, 9.0, 12.0];

    internal static double[] Bits(string s) => s.Select(c => c == '1' ? 1.0 : 0.0).ToArray();

    internal static double[] Ones(int n) => Enumerable.Repeat(1.0, n).ToArray();

    internal static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"[{i}]: expected {expected[i]:R}, got {actual[i]:R} (difference {actual[i] - expected[i]:E2}, tolerance {tolerance:E0})");
    }

    [Theory]
    [InlineData(0.75)]
    [InlineData(0.30)]
    [InlineData(1.50)]
    public void Fit_matches_R_loess_direct_on_a_continuous_example_with_ties(double span)
    {
        // Given 30 rows with tied x, queries at, between and beyond the data, and R's fits for this span
        double[] expected = span switch { 0.75 => R.ContinuousSpan075, 0.30 => R.ContinuousSpan030, _ => R.ContinuousSpan150 };

        // When fitted
        double[] fitted = Loess.Fit(ContinuousX, ContinuousY, Ones(ContinuousX.Length), ContinuousQueries, span);

        // Then every query matches R (span 1.5 checks R's radius: the largest distance times sqrt(span))
        AssertClose(expected, fitted, Tolerance);
    }

    [Fact]
    public void Fit_matches_R_loess_direct_on_a_binary_outcome()
    {
        // Given a 0/1 outcome against 60 predicted risks
        // When fitted at fixed queries and at every observation
        double[] atQueries = Loess.Fit(BinaryP, BinaryY, Ones(60), BinaryQueries);
        double[] atData = Loess.Fit(BinaryP, BinaryY, Ones(60), BinaryP);

        // Then both match R
        AssertClose(R.BinaryAtQueries, atQueries, Tolerance);
        AssertClose(R.BinaryAtData, atData, Tolerance);
    }

    [Fact]
    public void Fit_with_frequency_weights_matches_R_on_the_expanded_rows()
    {
        // Given rows with frequency weights 0 to 4, and R's fit on the rows repeated that many times
        // When fitted with the weights
        double[] fitted = Loess.Fit(WeightedX, WeightedY, WeightedW, WeightedQueries);

        // Then it matches R on the expanded data (weights count toward the span as well as the fit)
        AssertClose(R.WeightedExpanded, fitted, Tolerance);
    }

    [Fact]
    public void Fit_with_frequency_weights_equals_the_fit_on_duplicated_rows()
    {
        // Given random sorted data with weights 0..3, and the same data with each row written out w times
        var rng = new Random(20190704);
        double[] x = Enumerable.Range(0, 200).Select(_ => Math.Round(rng.NextDouble(), 2)).Order().ToArray();
        double[] y = x.Select(v => v * v + rng.NextDouble() * 0.3).ToArray();
        double[] w = x.Select(_ => (double)rng.Next(4)).ToArray();
        var expanded = Enumerable.Range(0, x.Length).SelectMany(i => Enumerable.Repeat(i, (int)w[i])).ToArray();
        double[] queries = [-0.05, 0, 0.013, 0.25, 0.5, 0.77, 0.99, 1, 1.1];

        // When fitted both ways, at several spans
        foreach (double span in new[] { 0.2, 0.75, 1.0 })
        {
            double[] weighted = Loess.Fit(x, y, w, queries, span);
            double[] duplicated = Loess.Fit(expanded.Select(i => x[i]).ToArray(), expanded.Select(i => y[i]).ToArray(),
                Ones(expanded.Length), queries, span);

            // Then they agree to rounding
            AssertClose(duplicated, weighted, 1e-12);
        }
    }

    [Fact]
    public void Fit_matches_R_where_the_neighbourhood_is_rank_deficient_at_a_data_value()
    {
        // Given data where, at x = 1, 2 and 3, the rows of positive weight hold fewer than three distinct x
        // (R warns "pseudoinverse used"), and at 6 and 9 where they do not
        // When fitted at those data values
        double[] fitted = Loess.Fit(RankX, RankY, Ones(RankX.Length), [1, 2, 3, 6, 9], span: 0.5);

        // Then the lowered-degree fit gives R's minimum-norm answer: the mean of y at x0 where rank-deficient
        AssertClose(R.RankDeficientAtData, fitted, Tolerance);
        AssertClose([2.0, 4.5, 6.25], fitted[..3], 1e-12);
    }

    [Fact]
    public void Fit_between_two_supported_values_is_the_line_through_their_means()
    {
        // Given the rank-deficient data, at x = 1.5 the positive-weight rows sit at x = 1 (mean y 2) and x = 2
        // (mean y 4.5); R's minimum-norm quadratic gives 1.625 there (printed by loess_reference.R, block d')
        // When fitted at 1.5
        double fitted = Loess.Fit(RankX, RankY, Ones(RankX.Length), [1.5], span: 0.5)[0];

        // Then it is the line through the two means, at the midpoint
        Assert.Equal(3.25, fitted, 1e-12);
    }

    [Fact]
    public void Fit_with_a_zero_width_neighbourhood_is_the_mean_at_the_query()
    {
        // Given five of ten rows at x = 1, so that with q = 4 the radius at x = 1 is 0 (R: "zero-width neighborhood")
        double[] x = [1, 1, 1, 1, 1, 2, 3, 4, 5, 6];
        double[] y = [1, 3, 2, 5, 4, 6, 8, 7, 9, 12];

        // When fitted at 1
        double fitted = Loess.Fit(x, y, Ones(10), [1], span: 0.4)[0];

        // Then it is the mean of y over the rows at 1
        Assert.Equal(3.0, fitted, 1e-12);
    }

    [Fact]
    public void Fit_with_every_neighbour_on_the_boundary_averages_the_two_sides()
    {
        // Given three rows at 1 and three at 2, so that at 1.5 with q = 6 all neighbours are at distance h
        // (R: "all data on boundary of neighborhood", and it returns 0)
        double[] x = [1, 1, 1, 2, 2, 2, 5, 6, 7, 8];
        double[] y = [1, 3, 2, 5, 4, 6, 8, 7, 9, 12];

        // When fitted at 1.5
        double fitted = Loess.Fit(x, y, Ones(10), [1.5], span: 0.6)[0];

        // Then it is the line through the two boundary means (2 and 5) at the midpoint
        Assert.Equal(3.5, fitted, 1e-12);
    }

    [Fact]
    public void Fit_reproduces_a_quadratic_exactly()
    {
        // Given y an exact quadratic in x (a local quadratic fit reproduces it whatever the weights)
        double[] x = Enumerable.Range(0, 50).Select(i => i / 7.0).ToArray();
        double[] y = x.Select(v => 3 - 2 * v + 0.5 * v * v).ToArray();
        double[] queries = [-2, 0, 1.234, 3.5, 7, 9];

        // When fitted
        double[] fitted = Loess.Fit(x, y, Ones(x.Length), queries);

        // Then the fit is the quadratic itself
        AssertClose(queries.Select(v => 3 - 2 * v + 0.5 * v * v).ToArray(), fitted, 1e-10);
    }

    [Fact]
    public void Fit_returns_NaN_for_a_NaN_query()
    {
        // Given the continuous example
        // When a query is NaN
        double[] fitted = Loess.Fit(ContinuousX, ContinuousY, Ones(30), [double.NaN, 2.2]);

        // Then that fit is NaN and the other is unaffected
        Assert.True(double.IsNaN(fitted[0]));
        Assert.Equal(R.ContinuousSpan075[4], fitted[1], Tolerance);
    }

    [Fact]
    public void Fit_rejects_unsorted_x_bad_weights_and_too_small_a_span()
    {
        // Given valid data
        double[] x = [1, 2, 3, 4, 5, 6], y = [1, 2, 3, 4, 5, 6];

        // When / Then unsorted x, a fractional or negative weight, and a neighbourhood under 3 rows are refused
        Assert.Throws<ArgumentException>(() => Loess.Fit([2, 1, 3, 4, 5, 6], y, Ones(6), [1]));
        Assert.Throws<ArgumentException>(() => Loess.Fit(x, y, [1, 1, 0.5, 1, 1, 1], [1]));
        Assert.Throws<ArgumentException>(() => Loess.Fit(x, y, [1, 1, -1, 1, 1, 1], [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Loess.Fit(x, y, Ones(6), [1], span: 0.3));
        Assert.Throws<ArgumentException>(() => Loess.Fit(x, y, Ones(5), [1]));
    }
}
