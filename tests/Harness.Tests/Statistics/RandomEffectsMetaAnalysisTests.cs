using System.Text.Json;
using Harness.Core.Statistics;
using Harness.Tests.Support;

namespace Harness.Tests.Statistics;

/// <summary>
/// REML + HKSJ random-effects meta-analysis against an independent computation: Scripts/meta_analysis.py
/// (numpy + scipy) maximises the restricted likelihood directly where Harness uses Fisher scoring.
/// The BCG worked example's numbers are kept here too, so the check runs without Python.
/// </summary>
public class RandomEffectsMetaAnalysisTests
{
    /// <summary>
    /// Agreement with the independent computation. Its τ², the maximum of the restricted likelihood
    /// found from function values alone, is good to about 1e-8 relative; Harness's is the root of the
    /// score (Fisher scoring to 1e-10). Measured: within 5e-8 on every number here.
    /// </summary>
    private const double Tolerance = 1e-6;

    /// <summary>
    /// BCG vaccine trials (Colditz et al. 1994; metafor's dat.bcg): vaccinated TB cases, vaccinated
    /// without TB, control TB cases, control without TB.
    /// </summary>
    private static readonly (int A, int B, int C, int D)[] Bcg =
    [
        (4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
        (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892),
        (29, 7470, 45, 7232), (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338),
        (27, 16886, 29, 17825),
    ];

    /// <summary>Log risk ratios and their variances 1/a - 1/(a+b) + 1/c - 1/(c+d) (metafor's escalc(measure = "RR")).</summary>
    private static (double[] Y, double[] V) BcgLogRiskRatios() =>
        (Bcg.Select(t => Math.Log((double)t.A / (t.A + t.B) / ((double)t.C / (t.C + t.D)))).ToArray(),
         Bcg.Select(t => 1.0 / t.A - 1.0 / (t.A + t.B) + 1.0 / t.C - 1.0 / (t.C + t.D)).ToArray());

    /// <summary>Homogeneous: the Hedges start is positive (0.037) but the REML maximum is at τ² = 0.</summary>
    private static readonly (double[] Y, double[] V) Homogeneous = ([0.01, -0.01, 0.5, -0.45], [0.001, 0.002, 0.2, 0.25]);

    /// <summary>Three heterogeneous sites, like three logit AUROCs: the prediction interval has 1 degree of freedom.</summary>
    private static readonly (double[] Y, double[] V) ThreeSites = ([1.2, 0.4, 0.9], [0.04, 0.09, 0.03]);

    [Fact]
    public void The_BCG_worked_example_gives_the_numbers_computed_by_meta_analysis_py()
    {
        // Given the 13 BCG trials' log risk ratios
        var (y, v) = BcgLogRiskRatios();

        // When they are pooled at 95%
        var fit = RandomEffectsMetaAnalysis.Fit(y, v, 0.95);

        // Then every number is the one `python3 Scripts/meta_analysis.py --bcg` printed (scipy 1.10.1),
        // within 1e-6. They agree with metafor's README output of rma(yi, vi, data = dat, test = "knha")
        // to its 4 decimals: tau^2 0.3132, I^2 92.22%, estimate -0.7145, se 0.1808, CI -1.1084 to -0.3206.
        Assert.Equal(13, fit.K);
        Assert.Equal(0.3132432540610153, fit.Tau2, Tolerance);
        Assert.Equal(-0.7145323417852822, fit.Estimate, Tolerance);
        Assert.Equal(0.1807917440071718, fit.StandardError, Tolerance);
        Assert.Equal(-1.1084437131260214, fit.ConfidenceInterval.Lower, Tolerance);
        Assert.Equal(-0.3206209704445431, fit.ConfidenceInterval.Upper, Tolerance);
        Assert.Equal(-2.009057642314745, fit.PredictionInterval.Lower, Tolerance);
        Assert.Equal(0.5799929587441803, fit.PredictionInterval.Upper, Tolerance);
        Assert.Equal(0.922213844279372, fit.I2, Tolerance);
    }

    [PythonFact("numpy", "scipy")]
    public void Matches_the_independent_python_computation_on_three_datasets_at_two_levels()
    {
        // Given heterogeneous (BCG), homogeneous (tau^2 truncated at 0) and three-site data, at 95% and 90%
        foreach (var (y, v) in new[] { BcgLogRiskRatios(), Homogeneous, ThreeSites })
        foreach (double level in new[] { 0.95, 0.9 })
        {
            // When Harness and meta_analysis.py each pool it
            var fit = RandomEffectsMetaAnalysis.Fit(y, v, level);
            var (exit, output) = IndependentChecks.MetaAnalysis(level, y, v);
            Assert.True(exit == 0, output);
            using var json = JsonDocument.Parse(output);
            double Expected(string key) => json.RootElement.GetProperty(key).GetDouble();

            // Then every number agrees within 1e-6
            Assert.Equal(json.RootElement.GetProperty("k").GetInt32(), fit.K);
            Assert.Equal(Expected("tau2"), fit.Tau2, Tolerance);
            Assert.Equal(Expected("mu"), fit.Estimate, Tolerance);
            Assert.Equal(Expected("se"), fit.StandardError, Tolerance);
            Assert.Equal(Expected("ci_lower"), fit.ConfidenceInterval.Lower, Tolerance);
            Assert.Equal(Expected("ci_upper"), fit.ConfidenceInterval.Upper, Tolerance);
            Assert.Equal(Expected("pi_lower"), fit.PredictionInterval.Lower, Tolerance);
            Assert.Equal(Expected("pi_upper"), fit.PredictionInterval.Upper, Tolerance);
            Assert.Equal(Expected("i2"), fit.I2, Tolerance);
        }
    }

    [Fact]
    public void Tau2_is_truncated_at_exactly_zero_and_the_fit_is_then_the_common_effect_one()
    {
        // Given studies that agree more than their variances say (Hedges' start is positive)
        var (y, v) = Homogeneous;

        // When they are pooled
        var fit = RandomEffectsMetaAnalysis.Fit(y, v, 0.95);

        // Then tau^2 and I^2 are exactly 0, and the estimate is the inverse-variance mean
        Assert.Equal(0.0, fit.Tau2);
        Assert.Equal(0.0, fit.I2);
        double sumW = v.Sum(x => 1 / x);
        Assert.Equal(y.Zip(v, (e, x) => e / x).Sum() / sumW, fit.Estimate, 1e-15);
    }

    [Fact]
    public void The_prediction_interval_is_wider_than_the_confidence_interval()
    {
        var (y, v) = ThreeSites;

        var fit = RandomEffectsMetaAnalysis.Fit(y, v, 0.95);

        Assert.True(fit.Tau2 > 0);
        Assert.True(fit.PredictionInterval.Lower < fit.ConfidenceInterval.Lower);
        Assert.True(fit.PredictionInterval.Upper > fit.ConfidenceInterval.Upper);
    }

    [Fact]
    public void Shifting_every_estimate_shifts_the_pooled_estimate_and_intervals_and_nothing_else()
    {
        // Given the BCG data and the same data shifted by 2 and listed in reverse
        var (y, v) = BcgLogRiskRatios();
        var shifted = y.Select(e => e + 2).Reverse().ToArray();

        // When both are pooled
        var a = RandomEffectsMetaAnalysis.Fit(y, v, 0.95);
        var b = RandomEffectsMetaAnalysis.Fit(shifted, v.Reverse().ToArray(), 0.95);

        // Then location moves by 2, spread is unchanged
        Assert.Equal(a.Estimate + 2, b.Estimate, 1e-9);
        Assert.Equal(a.ConfidenceInterval.Lower + 2, b.ConfidenceInterval.Lower, 1e-9);
        Assert.Equal(a.PredictionInterval.Upper + 2, b.PredictionInterval.Upper, 1e-9);
        Assert.Equal(a.Tau2, b.Tau2, 1e-9);
        Assert.Equal(a.I2, b.I2, 1e-9);
    }

    [Fact]
    public void Fewer_than_three_studies_or_a_non_positive_variance_are_refused()
    {
        Assert.Throws<ArgumentException>(() => RandomEffectsMetaAnalysis.Fit([0.1, 0.2], [0.01, 0.01], 0.95));
        Assert.Throws<ArgumentException>(() => RandomEffectsMetaAnalysis.Fit([0.1, 0.2, 0.3], [0.01, 0, 0.01], 0.95));
        Assert.Throws<ArgumentException>(() => RandomEffectsMetaAnalysis.Fit([0.1, double.PositiveInfinity, 0.3], [0.01, 0.01, 0.01], 0.95));
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomEffectsMetaAnalysis.Fit([0.1, 0.2, 0.3], [0.01, 0.01, 0.01], 1.0));
    }
}
