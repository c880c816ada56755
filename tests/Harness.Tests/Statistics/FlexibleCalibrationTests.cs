using Harness.Core.Statistics;

namespace Harness.Tests.Statistics;

/// <summary>
/// <see cref="FlexibleCalibration"/> against the R code of Austin &amp; Steyerberg (2019, Stat Med 38:4051),
/// run with <c>surface = "direct"</c> by <c>loess_reference.R</c> (beside this file; R 4.2.2), whose output is
/// pasted into <see cref="R"/>. Tolerance 1e-9 for the summaries, 1e-10 for curve points.
/// </summary>
public class FlexibleCalibrationTests
{
    /// <summary>Output of <c>Rscript tests/Harness.Tests/Statistics/loess_reference.R</c>: the ICI family of
    /// block (b) (the 60-point binary example of <see cref="LoessTests"/>) and block (e) (below).</summary>
    internal static class R
    {
        internal const double BinaryIci = 0.05113362510489336;
        internal const double BinaryE50 = 0.061305829324141858;
        internal const double BinaryE90 = 0.077613088679792927;
        internal const double BinaryEmax = 0.079344791608621235;
        internal static readonly double[] BinaryCurve7 = [0.075941363838042383, 0.25931037956804809, 0.40727798852371555, 0.55274671922308438, 0.66839401110227181, 0.80220884713290697, 0.96610464224817383];
        // (e) weighted, tied p (R on rep(p, w))
        internal const double WeightedIci = 0.086023769141542306;
        internal const double WeightedE50 = 0.070298496875691827;
        internal const double WeightedE90 = 0.15005267542011155;
        internal const double WeightedEmax = 0.20844206807540605;
    }

    // (e) Tied predictions (rounded to 2 decimals) with frequency weights 1, 2, 0, 3 repeating.
    private static readonly double[] TiedP = Enumerable.Range(0, 40).Select(i => Math.Round(0.05 + 0.9 * Math.Pow(i / 39.0, 2), 2)).ToArray();
    private static readonly double[] TiedY = LoessTests.Bits("0000100010000100101001010011011010111111");
    private static readonly double[] TiedW = Enumerable.Range(0, 40).Select(i => new[] { 1.0, 2, 0, 3 }[i % 4]).ToArray();

    /// <summary>n predicted risks ~ Uniform(0.05, 0.95), sorted, with outcomes ~ Bernoulli(p): perfectly calibrated.</summary>
    private static (double[] P, double[] Y) Calibrated(int n, int seed)
    {
        var rng = new Random(seed);
        double[] p = Enumerable.Range(0, n).Select(_ => 0.05 + 0.9 * rng.NextDouble()).Order().ToArray();
        double[] y = p.Select(v => rng.NextDouble() < v ? 1.0 : 0.0).ToArray();
        return (p, y);
    }

    private static void AssertSummaries(FlexibleCalibrationResult? result, double ici, double e50, double e90, double emax, double tolerance)
    {
        Assert.NotNull(result);
        Assert.Equal(ici, result.Ici, tolerance);
        Assert.Equal(e50, result.E50, tolerance);
        Assert.Equal(e90, result.E90, tolerance);
        Assert.Equal(emax, result.Emax, tolerance);
    }

    [Fact]
    public void Compute_matches_the_R_code_of_Austin_and_Steyerberg_on_a_binary_outcome()
    {
        // Given the 60-row binary example
        // When the ICI family is computed, with a 7-point curve
        var result = FlexibleCalibration.Compute(LoessTests.BinaryP, LoessTests.BinaryY, LoessTests.Ones(60), curvePoints: 7);

        // Then ICI, E50, E90 and Emax match R, exactly computed, and so does the curve on seq(min p, max p, length.out = 7)
        AssertSummaries(result, R.BinaryIci, R.BinaryE50, R.BinaryE90, R.BinaryEmax, 1e-9);
        Assert.False(result!.Approximated);
        Assert.Equal(LoessTests.BinaryP[0], result.Curve[0].Predicted);
        Assert.Equal(LoessTests.BinaryP[^1], result.Curve[^1].Predicted);
        LoessTests.AssertClose(R.BinaryCurve7, result.Curve.Select(c => c.Observed).ToArray(), 1e-10);
    }

    [Fact]
    public void Compute_with_weights_and_tied_predictions_matches_R_on_the_expanded_rows()
    {
        // Given 40 rows with tied p and frequency weights 0 to 3
        // When the ICI family is computed
        var result = FlexibleCalibration.Compute(TiedP, TiedY, TiedW);

        // Then it matches R's code on the rows repeated by their weights
        AssertSummaries(result, R.WeightedIci, R.WeightedE50, R.WeightedE90, R.WeightedEmax, 1e-9);
    }

    [Fact]
    public void Compute_with_weights_equals_the_computation_on_duplicated_rows()
    {
        // Given the tied example, and the same rows written out w times
        var rows = Enumerable.Range(0, 40).SelectMany(i => Enumerable.Repeat(i, (int)TiedW[i])).ToArray();

        // When computed both ways
        var weighted = FlexibleCalibration.Compute(TiedP, TiedY, TiedW)!;
        var duplicated = FlexibleCalibration.Compute(rows.Select(i => TiedP[i]).ToArray(), rows.Select(i => TiedY[i]).ToArray(),
            LoessTests.Ones(rows.Length))!;

        // Then the summaries and the curve agree to rounding
        AssertSummaries(weighted, duplicated.Ici, duplicated.E50, duplicated.E90, duplicated.Emax, 1e-12);
        LoessTests.AssertClose(duplicated.Curve.Select(c => c.Observed).ToArray(), weighted.Curve.Select(c => c.Observed).ToArray(), 1e-12);
    }

    [Fact]
    public void Compute_on_a_perfectly_calibrated_sample_gives_a_small_ICI()
    {
        // Given 5000 outcomes drawn from their own predicted risks
        var (p, y) = Calibrated(5000, seed: 4051);

        // When the ICI family is computed
        var result = FlexibleCalibration.Compute(p, y, LoessTests.Ones(p.Length))!;

        // Then the curve stays near the diagonal: the ICI is loess estimation noise alone (measured 0.0112)
        Assert.True(result.Ici < 0.03, $"ICI = {result.Ici}");
        Assert.True(result.E50 <= result.E90 && result.E90 <= result.Emax);
        Assert.Equal(100, result.Curve.Count);
        Assert.True(result.Approximated); // 5000 distinct p, over the default 2000 nodes
    }

    [Fact]
    public void Compute_with_atoms_stays_close_to_the_exact_computation()
    {
        // Given 8,000 rows of a miscalibrated model (true risk 1.2 p^2 + 0.02), all p distinct
        var rng = new Random(38);
        double[] p = Enumerable.Range(0, 8_000).Select(_ => 0.05 + 0.9 * rng.NextDouble()).Order().ToArray();
        double[] y = p.Select(v => rng.NextDouble() < 1.2 * v * v + 0.02 ? 1.0 : 0.0).ToArray();
        double[] w = LoessTests.Ones(p.Length);

        // When computed exactly and with 800 atoms (10 rows per atom, as the default 2,000 nodes give at 20,000 rows)
        var exact = FlexibleCalibration.Compute(p, y, w, maxNodes: p.Length)!;
        var atoms = FlexibleCalibration.Compute(p, y, w, maxNodes: 800)!;

        // Then only the second is approximated, and it is close (at 20,000 rows and 2,000 atoms the differences
        // measured 1.2e-6 for ICI, 2.3e-6 E50, 3.0e-5 E90, 6.7e-6 Emax and 1.4e-5 along the curve)
        Assert.False(exact.Approximated);
        Assert.True(atoms.Approximated);
        Assert.True(Math.Abs(exact.Ici - atoms.Ici) < 1e-4, $"ICI {exact.Ici} vs {atoms.Ici}");
        Assert.True(Math.Abs(exact.E50 - atoms.E50) < 1e-3, $"E50 {exact.E50} vs {atoms.E50}");
        Assert.True(Math.Abs(exact.E90 - atoms.E90) < 1e-3, $"E90 {exact.E90} vs {atoms.E90}");
        Assert.True(Math.Abs(exact.Emax - atoms.Emax) < 1e-3, $"Emax {exact.Emax} vs {atoms.Emax}");
        LoessTests.AssertClose(exact.Curve.Select(c => c.Observed).ToArray(), atoms.Curve.Select(c => c.Observed).ToArray(), 1e-3);
    }

    [Fact]
    public void Compute_with_ties_is_exact_however_many_rows()
    {
        // Given 3,000 rows over 50 distinct predictions, more rows than nodes allowed
        var rng = new Random(7);
        double[] p = Enumerable.Range(0, 3000).Select(_ => Math.Round(0.1 + 0.8 * rng.NextDouble(), 2)).Order().ToArray();
        double[] y = p.Select(v => rng.NextDouble() < v ? 1.0 : 0.0).ToArray();

        // When computed with 100 nodes and with no limit
        var limited = FlexibleCalibration.Compute(p, y, LoessTests.Ones(p.Length), maxNodes: 100)!;
        var unlimited = FlexibleCalibration.Compute(p, y, LoessTests.Ones(p.Length), maxNodes: int.MaxValue)!;

        // Then merging ties is not an approximation: the results are the same
        Assert.False(limited.Approximated);
        AssertSummaries(limited, unlimited.Ici, unlimited.E50, unlimited.E90, unlimited.Emax, 0);
    }

    [Fact]
    public void Compute_returns_null_when_the_curve_is_undefined()
    {
        // Given one distinct prediction; four rows; and rows whose weight is mostly zero
        double[] one = [0.3, 0.3, 0.3, 0.3, 0.3, 0.3], y6 = [0, 1, 0, 1, 1, 0];
        double[] four = [0.1, 0.2, 0.3, 0.4], y4 = [0, 1, 0, 1];

        // When / Then each gives null (fewer than 2 distinct p, or a total weight under 5)
        Assert.Null(FlexibleCalibration.Compute(one, y6, LoessTests.Ones(6)));
        Assert.Null(FlexibleCalibration.Compute(four, y4, LoessTests.Ones(4)));
        Assert.Null(FlexibleCalibration.Compute([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], y6, [1, 0, 2, 0, 1, 0]));
        Assert.Null(FlexibleCalibration.Compute([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], y6, [0, 0, 0, 6, 0, 0]));
        Assert.Null(FlexibleCalibration.Compute<double, double, double>([], [], []));

        // And five rows of two distinct p give a result
        Assert.NotNull(FlexibleCalibration.Compute([0.1, 0.1, 0.1, 0.2, 0.2], [0, 1, 0, 1, 1], LoessTests.Ones(5)));
    }

    [Fact]
    public void Compute_rejects_outcomes_that_are_not_0_or_1_and_unsorted_predictions()
    {
        // Given six rows
        double[] p = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], ones = LoessTests.Ones(6);

        // When / Then a y of 0.5, an unsorted p and a fractional weight are refused
        Assert.Throws<ArgumentException>(() => FlexibleCalibration.Compute(p, [0, 1, 0.5, 1, 0, 1], ones));
        Assert.Throws<ArgumentException>(() => FlexibleCalibration.Compute([0.2, 0.1, 0.3, 0.4, 0.5, 0.6], [0, 1, 0, 1, 0, 1], ones));
        Assert.Throws<ArgumentException>(() => FlexibleCalibration.Compute(p, [0, 1, 0, 1, 0, 1], [1, 1, 1.5, 1, 1, 1]));
    }

    [Theory]
    [InlineData(0.9, 3.7)]
    [InlineData(0.5, 2.5)]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 4.0)]
    public void WeightedQuantile_is_R_type_7_on_the_expanded_values(double prob, double expected)
    {
        // Given 1, 2, 3, 4 out of order with weight 1 each, and an outlier of weight 0
        // (R: quantile(c(1, 2, 3, 4), prob) is 1 + 3 prob)
        double[] values = [3, 1, 99, 4, 2], weights = [1, 1, 0, 1, 1];

        // When the weighted quantile is taken
        double q = FlexibleCalibration.WeightedQuantile(values, weights, prob);

        // Then it is type 7's interpolation between order statistics
        Assert.Equal(expected, q, 1e-15);
    }
}
