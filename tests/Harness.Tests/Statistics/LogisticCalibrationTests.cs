using Harness.Core.Statistics;

namespace Harness.Tests.Statistics;

/// <summary>
/// Calibration-in-the-large and the calibration slope against statsmodels' GLM (Binomial, logit
/// link; offset= for the intercept, freq_weights= for the weights) on a 40-row example. The rows
/// and the goldens are printed by logistic_calibration_goldens.py beside this file, which also
/// checks each statsmodels fit against a plain numpy Newton-Raphson and weighted against expanded
/// rows. Estimates and standard errors agree to 1e-8 relative.
/// </summary>
public class LogisticCalibrationTests
{
    private const double Relative = 1e-8;

    // Printed by logistic_calibration_goldens.py (statsmodels 0.13.5+dfsg, numpy 1.24.2).
    private static readonly double[] P =
    [
        0.288, 0.372, 0.606, 0.205, 0.316, 0.527, 0.386, 0.352, 0.304, 0.674,
        0.164, 0.083, 0.332, 0.286, 0.410, 0.138, 0.296, 0.394, 0.190, 0.402,
        0.456, 0.375, 0.624, 0.539, 0.146, 0.245, 0.258, 0.455, 0.582, 0.100,
        0.152, 0.502, 0.255, 0.712, 0.505, 0.282, 0.366, 0.249, 0.529, 0.497,
    ];
    private static readonly double[] Y =
    [
        1, 0, 0, 1, 1, 1, 1, 0, 0, 1,
        0, 0, 0, 1, 0, 0, 1, 1, 0, 1,
        1, 0, 1, 1, 0, 1, 0, 1, 0, 1,
        1, 1, 0, 0, 0, 0, 0, 0, 1, 1,
    ];
    private static readonly double[] W =
    [
        1, 1, 1, 0, 2, 1, 2, 2, 1, 3,
        0, 3, 3, 1, 0, 2, 2, 2, 3, 1,
        1, 1, 2, 0, 3, 2, 0, 1, 3, 1,
        3, 1, 1, 1, 0, 3, 0, 0, 2, 0,
    ];
    private static readonly double[] PClip =
    [
        0.000, 1.000, 0.000, 1.000, 0.316, 0.527, 0.386, 0.352, 0.304, 0.674,
        0.164, 0.083, 0.332, 0.286, 0.410, 0.138, 0.296, 0.394, 0.190, 0.402,
        0.456, 0.375, 0.624, 0.539, 0.146, 0.245, 0.258, 0.455, 0.582, 0.100,
        0.152, 0.502, 0.255, 0.712, 0.505, 0.282, 0.366, 0.249, 0.529, 0.497,
    ];
    private static readonly double[] YClip =
    [
        0, 1, 1, 0, 1, 1, 1, 0, 0, 1,
        0, 0, 0, 1, 0, 0, 1, 1, 0, 1,
        1, 0, 1, 1, 0, 1, 0, 1, 0, 1,
        1, 1, 0, 0, 0, 0, 0, 0, 1, 1,
    ];
    // Unweighted: calibration-in-the-large a (se); slope model a (se), b (se)
    private static readonly double[] UnweightedGolden = [0.6322226652815406, 0.33713597856686744, 0.3141177278434262, 0.4203271706157084, 0.4933429515553828, 0.42694027978255605];
    // Weighted: calibration-in-the-large a (se); slope model a (se), b (se)
    private static readonly double[] WeightedGolden = [0.7291413508593341, 0.28930917922551763, 0.5010721602485868, 0.37198657991944634, 0.6863016735756866, 0.33895272128174586];
    // Clipped: calibration-in-the-large a (se); slope model a (se), b (se)
    private static readonly double[] ClippedGolden = [0.635927275850938, 0.3559554085722962, 0.0019166671606552083, 0.31672445849626557, 0.003305638792210029, 0.028927667836730037];

    private static double[] Ones(int n) => Enumerable.Repeat(1.0, n).ToArray();

    private static void Close(double expected, double actual, double relative = Relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            $"expected {expected:R}, got {actual:R} (relative error {Math.Abs(actual - expected) / Math.Abs(expected):E2})");

    /// <summary>Golden rows: [a, se(a)] of calibration-in-the-large, then [a, se(a), b, se(b)] of the slope model.</summary>
    private static void AssertMatches(double[] golden, double[] p, double[] y, double[] w)
    {
        var intercept = LogisticCalibration.Intercept(p, y, w);
        var slope = LogisticCalibration.Slope(p, y, w);

        Assert.NotNull(intercept);
        Assert.NotNull(slope);
        Close(golden[0], intercept.Estimate);
        Close(golden[1], intercept.StandardError);
        Close(golden[2], slope.Value.Intercept.Estimate);
        Close(golden[3], slope.Value.Intercept.StandardError);
        Close(golden[4], slope.Value.Slope.Estimate);
        Close(golden[5], slope.Value.Slope.StandardError);
    }

    /// <summary>Each row repeated w times (with weight 1).</summary>
    private static (double[] P, double[] Y) Expand(double[] p, double[] y, double[] w)
    {
        var ep = new List<double>();
        var ey = new List<double>();
        for (int i = 0; i < p.Length; i++)
            for (int k = 0; k < (int)w[i]; k++) { ep.Add(p[i]); ey.Add(y[i]); }
        return (ep.ToArray(), ey.ToArray());
    }

    [Fact]
    public void Intercept_and_slope_match_statsmodels_glm()
    {
        // Given 40 predictions and outcomes
        // When calibration-in-the-large and the calibration slope are fitted
        // Then estimates and standard errors are statsmodels' to 1e-8 relative
        AssertMatches(UnweightedGolden, P, Y, Ones(P.Length));
    }

    [Fact]
    public void Slope_matches_statsmodels_glm_with_frequency_weights()
    {
        // Given the same rows with frequency weights 0..3 (zeros included)
        // When both models are fitted with the weights
        // Then they are statsmodels' freq_weights fits to 1e-8 relative
        AssertMatches(WeightedGolden, P, Y, W);
    }

    [Fact]
    public void Frequency_weights_equal_expanded_rows()
    {
        // Given the weighted rows and the same rows repeated weight times
        var (ep, ey) = Expand(P, Y, W);

        // When both are fitted
        var weighted = LogisticCalibration.Slope(P, Y, W)!.Value;
        var expanded = LogisticCalibration.Slope(ep, ey, Ones(ep.Length))!.Value;
        var weightedA = LogisticCalibration.Intercept(P, Y, W)!;
        var expandedA = LogisticCalibration.Intercept(ep, ey, Ones(ep.Length))!;

        // Then estimates and standard errors agree to rounding
        Close(expandedA.Estimate, weightedA.Estimate, 1e-12);
        Close(expandedA.StandardError, weightedA.StandardError, 1e-12);
        Close(expanded.Intercept.Estimate, weighted.Intercept.Estimate, 1e-12);
        Close(expanded.Intercept.StandardError, weighted.Intercept.StandardError, 1e-12);
        Close(expanded.Slope.Estimate, weighted.Slope.Estimate, 1e-12);
        Close(expanded.Slope.StandardError, weighted.Slope.StandardError, 1e-12);
    }

    [Fact]
    public void Predictions_of_exactly_0_and_1_are_clipped_and_match_statsmodels()
    {
        // Given rows with p = 0 and p = 1, two right (y = p) and two confidently wrong
        // When both models are fitted
        // Then logit p is taken at p clipped to [1e-15, 1 - 1e-15] (as the script does), and the
        // fits are statsmodels' to 1e-8 relative
        Assert.Equal(Math.Log(1e-15) - Math.Log(1 - 1e-15), LogisticCalibration.ClippedLogit(0), 12);
        AssertMatches(ClippedGolden, PClip, YClip, Ones(PClip.Length));
    }

    [Fact]
    public void A_perfectly_calibrated_logit_gives_intercept_0_and_slope_1()
    {
        // Given outcomes whose frequencies are exactly the predictions: for p in {0.2, 0.5, 0.8},
        // weight 5 on the rows (p, 1) and (p, 0) in the ratio p : 1 - p
        double[] p = [0.2, 0.2, 0.5, 0.5, 0.8, 0.8];
        double[] y = [1, 0, 1, 0, 1, 0];
        double[] w = [1, 4, 5, 5, 4, 1];

        // When both models are fitted
        var intercept = LogisticCalibration.Intercept(p, y, w)!;
        var (a, b) = LogisticCalibration.Slope(p, y, w)!.Value;

        // Then the score equations hold at a = 0, b = 1 exactly, so that is the estimate
        Assert.Equal(0, intercept.Estimate, 12);
        Assert.Equal(0, a.Estimate, 12);
        Assert.Equal(1, b.Estimate, 12);
        // and se(a) of calibration-in-the-large is 1 / sqrt(sum w p (1 - p)) = 1 / sqrt(5 * 0.16 * 2 + 10 * 0.25)
        Assert.Equal(1 / Math.Sqrt(5 * 0.16 * 2 + 10 * 0.25), intercept.StandardError, 12);
    }

    [Fact]
    public void Both_are_null_when_there_is_one_outcome_class()
    {
        // Given rows that are all positive (and, separately, all rows of one class after weighting)
        double[] p = [0.1, 0.4, 0.7, 0.9];
        double[] allPositive = [1, 1, 1, 1];
        double[] mixed = [1, 0, 1, 1];
        double[] dropTheNegative = [1, 0, 1, 1];

        // When the models are fitted
        // Then neither is defined
        Assert.Null(LogisticCalibration.Intercept(p, allPositive, Ones(4)));
        Assert.Null(LogisticCalibration.Slope(p, allPositive, Ones(4)));
        Assert.Null(LogisticCalibration.Intercept(p, mixed, dropTheNegative));
        Assert.Null(LogisticCalibration.Slope(p, mixed, dropTheNegative));
        Assert.Null(LogisticCalibration.Intercept([], [], []));
        Assert.Null(LogisticCalibration.Slope([], [], []));
    }

    [Fact]
    public void Slope_is_null_under_separation_but_the_intercept_is_defined()
    {
        // Given outcomes that p separates perfectly: y = (p > 0.5), and quasi-completely: a
        // positive and a negative tied at the threshold p = 0.5
        double[] p = [0.1, 0.3, 0.45, 0.55, 0.7, 0.9];
        double[] separated = [0, 0, 0, 1, 1, 1];
        double[] pq = [0.1, 0.3, 0.5, 0.5, 0.7, 0.9];
        double[] quasi = [0, 0, 0, 1, 1, 1];
        double[] reversed = [1, 1, 1, 0, 0, 0];

        // When the models are fitted
        // Then the slope has no finite maximum-likelihood estimate (null), while
        // calibration-in-the-large (one parameter, both classes present) does
        Assert.Null(LogisticCalibration.Slope(p, separated, Ones(6)));
        Assert.Null(LogisticCalibration.Slope(pq, quasi, Ones(6)));
        Assert.Null(LogisticCalibration.Slope(p, reversed, Ones(6)));
        Assert.NotNull(LogisticCalibration.Intercept(p, separated, Ones(6)));
        Assert.NotNull(LogisticCalibration.Intercept(p, reversed, Ones(6)));
    }

    [Fact]
    public void Slope_is_null_with_one_distinct_prediction()
    {
        // Given both classes but a single predicted value (and a second value with weight 0)
        double[] p = [0.3, 0.3, 0.3, 0.8];
        double[] y = [1, 0, 0, 1];
        double[] w = [1, 1, 1, 0];

        // When the models are fitted
        // Then the slope is not identifiable (null); the intercept is logit(1/3) - logit(0.3)
        Assert.Null(LogisticCalibration.Slope(p, y, w));
        var a = LogisticCalibration.Intercept(p, y, w)!;
        Assert.Equal(Math.Log(0.5) - Math.Log(0.3 / 0.7), a.Estimate, 12);
    }

    [Fact]
    public void Overlapping_but_nearly_separated_classes_still_converge()
    {
        // Given classes that overlap in a single pair only (a negative above a positive)
        double[] p = [0.1, 0.2, 0.3, 0.6, 0.4, 0.7, 0.8, 0.9];
        double[] y = [0, 0, 0, 0, 1, 1, 1, 1];

        // When the slope is fitted
        var fit = LogisticCalibration.Slope(p, y, Ones(8));

        // Then a finite estimate exists and the score equations hold there
        Assert.NotNull(fit);
        var (a, b) = fit.Value;
        double ua = 0, ub = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double x = LogisticCalibration.ClippedLogit(p[i]);
            double mu = 1 / (1 + Math.Exp(-(a.Estimate + b.Estimate * x)));
            ua += y[i] - mu;
            ub += (y[i] - mu) * x;
        }
        Assert.True(Math.Abs(ua) < 1e-9 && Math.Abs(ub) < 1e-9, $"score ({ua}, {ub})");
    }

    [Fact]
    public void Rejects_inputs_that_are_not_probabilities_outcomes_or_frequency_weights()
    {
        // Given bad p, y or w, or spans of different lengths
        // When fitted
        // Then an ArgumentException names the problem
        Assert.Throws<ArgumentException>(() => LogisticCalibration.Slope([1.2, 0.5], [1, 0], [1, 1]));
        Assert.Throws<ArgumentException>(() => LogisticCalibration.Slope([double.NaN, 0.5], [1, 0], [1, 1]));
        Assert.Throws<ArgumentException>(() => LogisticCalibration.Intercept([0.2, 0.5], [2, 0], [1, 1]));
        Assert.Throws<ArgumentException>(() => LogisticCalibration.Intercept([0.2, 0.5], [1, 0], [1.5, 1]));
        Assert.Throws<ArgumentException>(() => LogisticCalibration.Intercept([0.2, 0.5], [1, 0], [-1, 1]));
        Assert.Throws<ArgumentException>(() => LogisticCalibration.Intercept([0.2, 0.5], [1, 0], [1]));
    }

    [Fact]
    public void The_fits_given_precomputed_logits_equal_the_fits_given_probabilities()
    {
        // Given the 40 rows (p of exactly 0 and 1 included) and their clipped logits, computed once
        double[] logits = LogisticCalibration.ClippedLogits(PClip);

        // When both fits run from the logits and from p
        // Then they are the same numbers (the same arithmetic, no tolerance)
        Assert.Equal(LogisticCalibration.Intercept(PClip, Y, W), LogisticCalibration.InterceptOfLogits(logits, Y, W));
        Assert.Equal(LogisticCalibration.Slope(PClip, Y, W), LogisticCalibration.SlopeOfLogits(logits, Y, W));
        Assert.Equal(LogisticCalibration.ClippedLogit(0.0), logits[0]);
        Assert.Throws<ArgumentException>(() => LogisticCalibration.ClippedLogits([0.5, 1.5]));
        Assert.Throws<ArgumentException>(() => LogisticCalibration.SlopeOfLogits(logits, Y, [.. W.Skip(1)]));
    }
}
