using Harness.Core.Statistics;

namespace Harness.Tests.Statistics;

/// <summary>
/// AUROC and DeLong's variance: a small example worked by hand, then 200 rows with many ties
/// against delong_goldens.py beside this file, which prints the rows and evaluates the original
/// O(m n) definition in exact rational arithmetic (and checks the AUROC against sklearn's
/// roc_auc_score). The fast midrank algorithm agrees with it to 1e-12.
/// </summary>
public class DeLongTests
{
    private const double Tolerance = 1e-12;

    // Printed by delong_goldens.py (sklearn 1.2.1, numpy 1.24.2).
    private static readonly double[] Scores =
    [
        0.81, 0.50, 0.49, 0.78, 0.27, 0.48, 0.62, 1.00, 0.76, 0.46, 0.39, 0.88, 0.89, 0.73, 0.66, 0.60, 0.45, 0.47, 0.72, 0.43,
        0.95, 0.48, 0.43, 0.64, 0.70, 0.46, 0.48, 0.52, 0.91, 0.00, 0.46, 0.68, 0.08, 0.52, 0.58, 0.29, 0.47, 0.14, 0.59, 0.54,
        0.53, 0.57, 0.90, 0.48, 0.15, 0.66, 0.71, 0.64, 0.44, 0.24, 0.85, 0.73, 0.26, 0.29, 0.54, 0.25, 0.91, 0.71, 0.26, 0.54,
        0.57, 0.60, 0.80, 0.29, 0.72, 0.54, 0.46, 0.32, 0.41, 0.22, 0.33, 0.62, 0.52, 0.80, 0.41, 0.69, 0.73, 0.25, 0.24, 0.47,
        0.61, 0.48, 0.39, 0.35, 0.83, 0.21, 0.10, 0.61, 0.58, 0.83, 0.36, 0.50, 0.31, 0.47, 0.46, 0.23, 0.22, 0.61, 0.39, 0.40,
        0.69, 0.52, 0.38, 0.38, 0.25, 0.92, 0.49, 1.00, 0.61, 0.70, 0.56, 0.41, 0.34, 0.78, 0.45, 0.26, 0.80, 0.29, 0.36, 0.54,
        0.59, 0.42, 0.66, 0.34, 0.40, 0.38, 0.61, 0.46, 0.94, 0.55, 0.42, 0.66, 0.70, 0.49, 0.60, 0.42, 0.28, 0.34, 0.43, 0.12,
        0.66, 0.25, 0.23, 0.43, 0.76, 0.76, 0.57, 0.44, 0.82, 0.75, 0.17, 0.40, 0.49, 0.44, 0.78, 0.89, 0.37, 0.55, 0.55, 0.70,
        0.68, 0.76, 0.80, 0.42, 0.74, 0.80, 0.75, 0.61, 0.56, 0.55, 0.49, 0.64, 0.57, 0.82, 1.00, 0.49, 0.32, 0.46, 0.31, 0.59,
        0.42, 0.50, 0.46, 0.30, 0.87, 0.59, 0.24, 0.35, 0.48, 0.79, 0.24, 0.69, 0.25, 0.83, 0.56, 0.68, 0.32, 0.44, 0.31, 0.30,
    ];
    private static readonly int[] Labels =
    [
        0, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 1,
        1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0,
        0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0,
        0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
        0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0,
        0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
        0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0,
        0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0,
        1, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0,
        0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1,
    ];
    private static readonly double[] Weights =
    [
        1, 0, 2, 1, 0, 2, 0, 3, 3, 3, 1, 2, 0, 3, 0, 1, 3, 0, 2, 2,
        3, 1, 0, 2, 1, 0, 2, 3, 0, 2, 2, 2, 1, 0, 3, 3, 2, 0, 1, 1,
        0, 1, 0, 3, 3, 0, 3, 3, 2, 2, 3, 0, 3, 2, 2, 2, 1, 2, 0, 2,
        2, 3, 3, 3, 2, 1, 1, 2, 2, 0, 1, 1, 3, 2, 3, 3, 2, 2, 3, 0,
        3, 1, 1, 3, 2, 0, 3, 2, 0, 3, 3, 3, 0, 1, 2, 3, 3, 1, 1, 1,
        2, 1, 3, 3, 2, 2, 0, 0, 2, 2, 2, 0, 3, 0, 3, 3, 3, 2, 0, 0,
        2, 1, 1, 0, 2, 1, 2, 2, 2, 0, 0, 1, 3, 3, 1, 0, 1, 2, 2, 1,
        1, 0, 3, 0, 1, 3, 3, 3, 3, 3, 2, 3, 0, 1, 3, 1, 1, 1, 1, 3,
        1, 0, 2, 0, 1, 3, 2, 2, 1, 3, 3, 0, 0, 2, 2, 2, 1, 3, 2, 1,
        0, 3, 1, 1, 2, 1, 1, 1, 1, 3, 3, 0, 2, 3, 1, 3, 0, 3, 2, 0,
    ];
    // Unweighted: m = 69, n = 131; sklearn roc_auc_score = 0.7823874322380796
    private const int UnweightedPositives = 69, UnweightedNegatives = 131;
    private const double UnweightedAuroc = 0.7823874322380794, UnweightedS10 = 0.04924405061477598, UnweightedS01 = 0.05355528002463745, UnweightedVariance = 0.0011225008244535497;
    // Weighted: m = 118, n = 207; sklearn roc_auc_score = 0.8049414558257594
    private const int WeightedPositives = 118, WeightedNegatives = 207;
    private const double WeightedAuroc = 0.8049414558257595, WeightedS10 = 0.03234703703510997, WeightedS01 = 0.05933796323636776, WeightedVariance = 0.0005607842597297617;

    private static bool[] Positive(int[] labels) => labels.Select(l => l == 1).ToArray();

    private static void Close(double expected, double actual, double relative = Tolerance) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            $"expected {expected:R}, got {actual:R}");

    private static (double[] Scores, bool[] Positive) Expand(double[] scores, bool[] positive, double[] weights)
    {
        var s = new List<double>();
        var p = new List<bool>();
        for (int i = 0; i < scores.Length; i++)
            for (int k = 0; k < (int)weights[i]; k++) { s.Add(scores[i]); p.Add(positive[i]); }
        return (s.ToArray(), p.ToArray());
    }

    [Fact]
    public void Compute_matches_a_hand_worked_example_with_a_tie()
    {
        // Given 3 positives X = {0.9, 0.6, 0.4} and 4 negatives Y = {0.6, 0.3, 0.2, 0.1}, with a
        // positive and a negative tied at 0.6. psi(x, y) = 1 if x > y, 1/2 if x == y, else 0.
        //   V10(0.9) = (1 + 1 + 1 + 1)/4   = 1
        //   V10(0.6) = (1/2 + 1 + 1 + 1)/4 = 0.875
        //   V10(0.4) = (0 + 1 + 1 + 1)/4   = 0.75
        //   AUROC = (1 + 0.875 + 0.75)/3 = 0.875
        //   V01(0.6) = (1 + 1/2 + 0)/3 = 0.5;  V01(0.3) = V01(0.2) = V01(0.1) = 1  (mean 0.875 too)
        //   S10 = (0.125^2 + 0^2 + 0.125^2)/(3 - 1) = 0.015625
        //   S01 = (0.375^2 + 3 * 0.125^2)/(4 - 1) = 0.1875/3 = 0.0625
        //   Var = S10/3 + S01/4 = 1/192 + 3/192 = 1/48
        double[] scores = [0.6, 0.9, 0.3, 0.4, 0.2, 0.6, 0.1];
        bool[] positive = [false, true, false, true, false, true, false];

        // When computed
        var v = DeLong.Compute(scores, positive)!;

        // Then each quantity is the hand-worked one
        Assert.Equal(3, v.Positives);
        Assert.Equal(4, v.Negatives);
        Assert.Equal(0.875, v.Auroc, 15);
        Assert.Equal(0.015625, v.PositiveComponentVariance, 15);
        Assert.Equal(0.0625, v.NegativeComponentVariance, 15);
        Assert.Equal(1.0 / 48, v.Variance, 15);
    }

    [Fact]
    public void Compute_matches_the_quadratic_definition_on_200_rows_with_ties()
    {
        // Given 200 rows whose scores have 2 decimals (ties everywhere)
        // When computed by the midrank algorithm
        var v = DeLong.Compute(Scores, Positive(Labels))!;

        // Then it is DeLong's O(m n) definition (exact rationals in the script) to 1e-12; the
        // AUROC is also sklearn's roc_auc_score (0.7823874322380796)
        Assert.Equal(UnweightedPositives, v.Positives);
        Assert.Equal(UnweightedNegatives, v.Negatives);
        Close(UnweightedAuroc, v.Auroc);
        Close(0.7823874322380796, v.Auroc);
        Close(UnweightedS10, v.PositiveComponentVariance);
        Close(UnweightedS01, v.NegativeComponentVariance);
        Close(UnweightedVariance, v.Variance);
    }

    [Fact]
    public void Compute_with_frequency_weights_matches_the_definition_on_expanded_rows()
    {
        // Given the 200 rows with frequency weights 0..3
        // When computed with the weights
        var v = DeLong.Compute(Scores, Positive(Labels), Weights)!;

        // Then it is the O(m n) definition on the rows repeated weight times (sklearn's AUROC
        // there: 0.8049414558257594), to 1e-12
        Assert.Equal(WeightedPositives, v.Positives);
        Assert.Equal(WeightedNegatives, v.Negatives);
        Close(WeightedAuroc, v.Auroc);
        Close(WeightedS10, v.PositiveComponentVariance);
        Close(WeightedS01, v.NegativeComponentVariance);
        Close(WeightedVariance, v.Variance);
    }

    [Fact]
    public void Frequency_weights_equal_expanded_rows()
    {
        // Given the weighted rows and the same rows repeated weight times
        var positive = Positive(Labels);
        var (scores, expandedPositive) = Expand(Scores, positive, Weights);

        // When both are computed
        var weighted = DeLong.Compute(Scores, positive, Weights)!;
        var expanded = DeLong.Compute(scores, expandedPositive)!;

        // Then they agree to rounding, and unit weights are the unweighted computation
        Assert.Equal(expanded.Positives, weighted.Positives);
        Assert.Equal(expanded.Negatives, weighted.Negatives);
        Close(expanded.Auroc, weighted.Auroc);
        Close(expanded.Variance, weighted.Variance);
        Close(expanded.PositiveComponentVariance, weighted.PositiveComponentVariance);
        Close(expanded.NegativeComponentVariance, weighted.NegativeComponentVariance);
        var unit = DeLong.Compute(Scores, positive, Enumerable.Repeat(1.0, Scores.Length).ToArray())!;
        Assert.Equal(DeLong.Compute(Scores, positive), unit);
    }

    [Fact]
    public void A_given_sort_order_gives_the_same_result()
    {
        // Given the rows' ascending order, computed once
        var positive = Positive(Labels);
        int[] order = DeLong.Order(Scores);

        // When computed with it (as a bootstrap would, for each weighting)
        var v = DeLong.Compute(Scores, positive, Weights, order);

        // Then it is the result without it; an order that does not sort the scores is refused
        Assert.Equal(DeLong.Compute(Scores, positive, Weights), v);
        int[] wrong = order.Reverse().ToArray();
        Assert.Throws<ArgumentException>(() => DeLong.Compute(Scores, positive, Weights, wrong));
        int[] repeated = [.. order];
        repeated[1] = repeated[0];
        Assert.Throws<ArgumentException>(() => DeLong.Compute(Scores, positive, Weights, repeated));
    }

    [Fact]
    public void A_single_positive_gives_an_auroc_but_no_variance()
    {
        // Given one positive (0.5) among negatives {0.2, 0.5, 0.9}: V10 = (1 + 1/2 + 0)/3 = 0.5
        double[] scores = [0.2, 0.5, 0.5, 0.9];
        bool[] positive = [false, true, false, false];

        // When computed
        var v = DeLong.Compute(scores, positive)!;

        // Then AUROC = 0.5; S10 (denominator m - 1 = 0) and so the variance are NaN, and there is
        // no interval. S01 is defined: V01 = {1, 1/2, 0}, mean 0.5, S01 = (0.25 + 0 + 0.25)/2
        Assert.Equal(1, v.Positives);
        Assert.Equal(0.5, v.Auroc, 15);
        Assert.True(double.IsNaN(v.PositiveComponentVariance));
        Assert.Equal(0.25, v.NegativeComponentVariance, 15);
        Assert.True(double.IsNaN(v.Variance));
        Assert.Null(DeLong.Interval(v, 0.95));

        // And the same with a weight: one positive row of weight 1 among weighted negatives
        var weighted = DeLong.Compute(scores, positive, [0, 1, 2, 3])!;
        Assert.Equal(1, weighted.Positives);
        Assert.True(double.IsNaN(weighted.Variance));
    }

    [Fact]
    public void Compute_is_null_without_both_classes()
    {
        // Given only negatives, only positives, no rows, and positives that weigh nothing
        // When computed
        // Then the AUROC is undefined
        Assert.Null(DeLong.Compute([0.1, 0.2], [false, false]));
        Assert.Null(DeLong.Compute([0.1, 0.2], [true, true]));
        Assert.Null(DeLong.Compute<double>([], []));
        Assert.Null(DeLong.Compute([0.1, 0.2, 0.3], [true, false, false], [0, 1, 1]));
    }

    [Fact]
    public void Interval_is_the_wald_interval_clamped_to_0_1()
    {
        // Given the hand-worked example: AUROC 0.875, variance 1/48
        var v = DeLong.Compute([0.6, 0.9, 0.3, 0.4, 0.2, 0.6, 0.1], [false, true, false, true, false, true, false])!;

        // When its 95% interval is taken
        var (lower, upper) = DeLong.Interval(v, 0.95)!.Value;

        // Then it is 0.875 -+ 1.959963984540054 sqrt(1/48), the upper end clamped to 1
        Assert.Equal(0.875 - 1.959963984540054 * Math.Sqrt(1.0 / 48), lower, 14);
        Assert.Equal(1.0, upper);
    }

    [Fact]
    public void Rejects_nan_scores_mismatched_lengths_and_non_frequency_weights()
    {
        // Given bad inputs
        // When computed
        // Then an ArgumentException says what is wrong
        Assert.Throws<ArgumentException>(() => DeLong.Compute([double.NaN, 0.2], [true, false]));
        Assert.Throws<ArgumentException>(() => DeLong.Compute([0.1, 0.2], [true]));
        Assert.Throws<ArgumentException>(() => DeLong.Compute([0.1, 0.2], [true, false], [1]));
        Assert.Throws<ArgumentException>(() => DeLong.Compute([0.1, 0.2], [true, false], [1, 0.5]));
        Assert.Throws<ArgumentException>(() => DeLong.Compute([0.1, 0.2], [true, false], [1, -1]));
    }
}
