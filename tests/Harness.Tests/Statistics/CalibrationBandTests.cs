using Harness.Core.Statistics;
using Harness.Tests.Support;

namespace Harness.Tests.Statistics;

/// <summary>
/// The pointwise band of the loess calibration curve (<see cref="FlexibleCalibration.Compute"/> with a band
/// level, <see cref="Loess.FitWithVariance"/>) against an independent numpy implementation written below:
/// the rows repeated by their frequency weights, at each query the tricube weights over the q nearest rows,
/// the smoother weights a = first row of (X'KX)^-1 X'K written out explicitly, fit = a'y and
/// SE = sqrt(sum a_r^2 pi_r (1 - pi_r)) with pi the fit at each row's x clipped to [0.001, 0.999].
/// Tolerance 1e-9.
/// </summary>
public class CalibrationBandTests
{
    private const double Tolerance = 1e-9;

    private const string Numpy = """
        import sys, json
        import numpy as np
        from scipy.stats import norm
        d = json.load(open(sys.argv[1]))
        w = np.array(d["w"], dtype=int)
        p, y = np.repeat(np.array(d["p"]), w), np.repeat(np.array(d["y"]), w)
        n = len(p)
        q = min(n, int(np.floor(n * 0.75 + 1e-5)))

        def smoother(x0):
            dist = np.abs(p - x0)
            h = np.sort(dist)[q - 1]
            u = (p - x0) / h
            k = np.where(np.abs(u) < 1, (1 - np.abs(u) ** 3) ** 3, 0.0)
            X = np.column_stack([np.ones(n), u, u * u])
            XtK = X.T * k
            return np.linalg.solve(XtK @ X, XtK)[0]

        xs = np.unique(p)
        pi_x = np.clip([smoother(x) @ y for x in xs], 0.001, 0.999)
        pi = pi_x[np.searchsorted(xs, p)]
        fit, se = [], []
        for x0 in d["grid"]:
            a = smoother(x0)
            fit.append(float(a @ y))
            se.append(float(np.sqrt(np.sum(a * a * pi * (1 - pi)))))
        fit, se = np.array(fit), np.array(se)
        z = norm.ppf((1 + d["level"]) / 2)
        print(json.dumps({"fit": fit.tolist(), "se": se.tolist(),
                          "lower": np.clip(fit - z * se, 0, 1).tolist(), "upper": np.clip(fit + z * se, 0, 1).tolist()}))
        """;

    /// <summary>
    /// 200 rows: risks rounded to 2 decimals (ties), sorted; outcomes drawn from a miscalibrated truth
    /// (risk^1.3 + 0.05); frequency weights 1, 2, 3, 1 repeating.
    /// </summary>
    private static (double[] P, double[] Y, double[] W) Rows()
    {
        var rng = new Random(8);
        double[] p = Enumerable.Range(0, 200).Select(_ => Math.Round(0.02 + 0.96 * Math.Pow(rng.NextDouble(), 1.4), 2)).Order().ToArray();
        double[] y = p.Select(v => rng.NextDouble() < Math.Pow(v, 1.3) + 0.05 ? 1.0 : 0.0).ToArray();
        double[] w = Enumerable.Range(0, 200).Select(i => new[] { 1.0, 2, 3, 1 }[i % 4]).ToArray();
        return (p, y, w);
    }

    [PythonFact("numpy", "scipy")]
    public void Fit_standard_error_and_band_equal_an_explicit_numpy_smoother()
    {
        // Given 200 weighted rows with tied risks, and the calibration curve with its 95% band
        var (p, y, w) = Rows();
        var result = FlexibleCalibration.Compute(p, y, w, bandLevel: 0.95)!;
        Assert.False(result.Approximated);
        double[] grid = result.Curve.Select(c => c.Predicted).ToArray();

        // When numpy computes the smoother weights explicitly at the same risks
        var np = InlinePython.Run(Numpy, new { p, y, w, grid, level = 0.95 });
        double[] fit = InlinePython.Doubles(np["fit"]), se = InlinePython.Doubles(np["se"]);

        // Then Loess.FitWithVariance gives the same fit and standard error on the rows (pi: its own fit at each row, clipped)
        double[] pi = Loess.Fit(p, y, w, p).Select(v => Math.Clamp(v, 0.001, 0.999)).ToArray();
        var (loessFit, variance) = Loess.FitWithVariance(p, y, w, grid, pi.Select(v => v * (1 - v)).ToArray());
        AssertClose(fit, loessFit, "loess fit");
        AssertClose(se, variance.Select(Math.Sqrt).ToArray(), "loess SE");

        // and the calibration curve (fitted on the merged tied rows) has the same fit and band
        AssertClose(fit, result.Curve.Select(c => c.Observed).ToArray(), "curve");
        AssertClose(InlinePython.Doubles(np["lower"]), result.Curve.Select(c => c.Lower!.Value).ToArray(), "lower");
        AssertClose(InlinePython.Doubles(np["upper"]), result.Curve.Select(c => c.Upper!.Value).ToArray(), "upper");
        Assert.All(result.Curve, c => Assert.True(c.Lower <= c.Upper));
    }

    [Fact]
    public void The_band_leaves_the_curve_and_the_summaries_unchanged()
    {
        var (p, y, w) = Rows();
        var plain = FlexibleCalibration.Compute(p, y, w)!;
        var banded = FlexibleCalibration.Compute(p, y, w, bandLevel: 0.9)!;

        Assert.Equal(plain.Ici, banded.Ici);
        Assert.Equal(plain.Emax, banded.Emax);
        Assert.Equal(plain.Curve.Select(c => (c.Predicted, c.Observed)), banded.Curve.Select(c => (c.Predicted, c.Observed)));
        Assert.All(plain.Curve, c => Assert.True(c.Lower is null && c.Upper is null));
        Assert.All(banded.Curve, c => Assert.InRange(c.Lower!.Value, 0, 1));
    }

    /// <summary>
    /// The variance is sum_j a_j^2 v_j / w_j with a_j the fit's weight on row j, found here by fitting the unit
    /// vectors y = e_j (the smoother is linear, and which fit is used depends on x and w only). The data
    /// include the degenerate neighbourhoods where the fit is a line, a weighted mean or the boundary rule.
    /// </summary>
    [Theory]
    [InlineData(new[] { 0.1, 0.2, 0.3, 0.5, 0.6, 0.8, 0.9, 0.95 }, new[] { 1.0, 2, 1, 3, 1, 1, 2, 1 })] // local quadratics
    [InlineData(new[] { 0.1, 0.1, 0.4, 0.4, 0.4 }, new[] { 2.0, 1, 1, 3, 1 })]                       // two distinct x: lines
    [InlineData(new[] { 0.3, 0.3, 0.3, 0.7 }, new[] { 5.0, 3, 1, 1 })]                              // h = 0 at 0.3: a mean
    [InlineData(new[] { 0.2, 0.2, 0.6, 0.6 }, new[] { 3.0, 0, 3, 0 })]                              // midpoint 0.4: boundary rule
    public void The_variance_is_the_sum_of_the_squared_smoother_weights_times_the_row_variances(double[] x, double[] w)
    {
        var rng = new Random(3);
        double[] y = x.Select(_ => rng.NextDouble()).ToArray();
        double[] v = x.Select(_ => 0.05 + 0.2 * rng.NextDouble()).ToArray();
        double[] queries = [0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7, 0.85, 1.0];

        var (fit, variance) = Loess.FitWithVariance(x, y, w, queries, v);

        Assert.Equal(Loess.Fit(x, y, w, queries), fit);
        var expected = new double[queries.Length];
        for (int j = 0; j < x.Length; j++)
        {
            if (w[j] == 0) continue;
            double[] unit = x.Select((_, i) => i == j ? 1.0 : 0.0).ToArray();
            double[] a = Loess.Fit(x, unit, w, queries);
            for (int k = 0; k < queries.Length; k++) expected[k] += a[k] * a[k] * v[j] / w[j];
        }
        for (int k = 0; k < queries.Length; k++)
            Assert.True(Math.Abs(expected[k] - variance[k]) <= 1e-12 * Math.Max(1, expected[k]), $"query {queries[k]}: expected {expected[k]:R}, got {variance[k]:R}");
    }

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }
}
