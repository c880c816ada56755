using Harness.Core.Metrics;
using Harness.Tests.Support;

namespace Harness.Tests.Metrics;

/// <summary>
/// <see cref="DiscriminationCurves"/>: the exact ROC and precision-recall points against scikit-learn's
/// <c>roc_curve(drop_intermediate=False)</c> and <c>precision_recall_curve</c> (tolerance 1e-12), and the
/// thinned curves against the exact ones (a subsequence, within the budget, within the tolerance, and with
/// the trapezoidal AUC of the ROC curve close to the exact AUROC).
/// </summary>
public class DiscriminationCurvesTests
{
    private const double Tolerance = 1e-12;

    private const string Sklearn = """
        import sys, json, warnings
        import numpy as np
        from sklearn.metrics import roc_curve, precision_recall_curve
        warnings.simplefilter("ignore")
        d = json.load(open(sys.argv[1]))
        y, s = np.array(d["y"]), np.array(d["s"], dtype=np.float64)
        fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
        precision, recall, _ = precision_recall_curve(y, s)
        print(json.dumps({"fpr": fpr.tolist(), "tpr": tpr.tolist(), "precision": precision.tolist(), "recall": recall.tolist()}))
        """;

    /// <summary>Rows, seed and rounding: 2 decimals gives many ties (and zeros), 1 decimal ties everywhere, none few ties.</summary>
    private static readonly (int N, int Seed, int? Decimals)[] SklearnCases = [(300, 11, 2), (400, 12, 1), (250, 13, null), (500, 14, 2)];

    [PythonFact("numpy", "sklearn")]
    public void Exact_curves_equal_sklearns_roc_curve_and_precision_recall_curve()
    {
        foreach (var (n, seed, decimals) in SklearnCases)
        {
            // Given a few hundred random rows with tied risks
            var s = RandomScored.Make(2, n, seed, decimals);

            // When the exact curves are computed, and scikit-learn computes them from the same float32 risks
            var curves = DiscriminationCurves.Exact(s)!;
            var sk = InlinePython.Run(Sklearn, new
            {
                y = s.Labels,
                s = Enumerable.Range(0, s.Count).Select(i => s.Probability(i, 1)).ToArray(),
            });

            // Then the ROC points are sklearn's, in its order, and the PR points are sklearn's read in reverse
            AssertClose(InlinePython.Doubles(sk["fpr"]), curves.Roc.Select(p => p.Fpr).ToArray(), $"fpr n={n}");
            AssertClose(InlinePython.Doubles(sk["tpr"]), curves.Roc.Select(p => p.Tpr).ToArray(), $"tpr n={n}");
            AssertClose(InlinePython.Doubles(sk["recall"]).Reverse().ToArray(), curves.PrecisionRecall.Select(p => p.Recall).ToArray(), $"recall n={n}");
            AssertClose(InlinePython.Doubles(sk["precision"]).Reverse().ToArray(), curves.PrecisionRecall.Select(p => p.Precision).ToArray(), $"precision n={n}");
            Assert.Equal(0, curves.RocTolerance);
            Assert.Equal(0, curves.PrecisionRecallTolerance);
        }
    }

    [Fact]
    public void Thinned_curves_on_100000_rows_are_exact_points_within_budget_and_keep_the_auroc()
    {
        // Given 100,000 rows with risks in float32 noise (about as many distinct thresholds as rows)
        var s = RandomScored.Make(2, 100_000, 2024, decimals: null);
        var exact = DiscriminationCurves.Exact(s)!;
        Assert.True(exact.Roc.Count > 50_000, $"{exact.Roc.Count} exact ROC points");

        // When thinned for plotting
        var thinned = exact.Thinned();

        // Then each curve keeps at most 250 of its exact points, in order, first and last included,
        // every dropped point within the recorded tolerance of the last kept one before it
        AssertThinnedSubsequence(exact.Roc.Select(p => (p.Fpr, p.Tpr)).ToList(), thinned.Roc.Select(p => (p.Fpr, p.Tpr)).ToList(), thinned.RocTolerance);
        AssertThinnedSubsequence(exact.PrecisionRecall.Select(p => (p.Recall, p.Precision)).ToList(),
            thinned.PrecisionRecall.Select(p => (p.Recall, p.Precision)).ToList(), thinned.PrecisionRecallTolerance);

        // and the trapezoidal area under the thinned ROC curve is within 0.002 of the exact AUROC
        double auroc = ClassificationMetrics.AurocOf(s)!.Value;
        Assert.Equal(auroc, Trapezoid(exact.Roc), 1e-9); // the exact curve's area is the AUROC (ties as diagonal steps)
        Assert.True(Math.Abs(Trapezoid(thinned.Roc) - auroc) <= 0.002, $"thinned AUC {Trapezoid(thinned.Roc)} vs AUROC {auroc}");
    }

    [Fact]
    public void The_estimator_gives_the_same_thinned_curves_from_its_own_sort()
    {
        // Given a binary sample with ties
        var s = RandomScored.Make(2, 5000, 7, decimals: 3);

        // When the estimator computes its metrics (it sorts the risks once)
        var estimate = MetricEstimator.Estimate(s, null, new IntervalOptions { Resamples = 0 }, "site", discriminationCurves: true);

        // Then its curves are those computed directly
        var direct = DiscriminationCurves.Of(s)!;
        Assert.NotNull(estimate.Discrimination);
        Assert.Equal(direct.Roc, estimate.Discrimination.Roc);
        Assert.Equal(direct.PrecisionRecall, estimate.Discrimination.PrecisionRecall);
        Assert.Equal(direct.RocTolerance, estimate.Discrimination.RocTolerance);
        Assert.Null(MetricEstimator.Estimate(s, null, new IntervalOptions { Resamples = 0 }, "site").Discrimination); // only when asked for
    }

    [Fact]
    public void A_curve_that_fits_the_budget_is_kept_whole()
    {
        // Given 200 rows rounded to 2 decimals (at most 101 distinct risks)
        var s = RandomScored.Make(2, 200, 5, decimals: 2);

        // When thinned
        var curves = DiscriminationCurves.Of(s)!;

        // Then nothing is dropped
        Assert.Equal(DiscriminationCurves.Exact(s)!.Roc, curves.Roc);
        Assert.Equal(0, curves.RocTolerance);
        Assert.Equal(new RocPoint(0, 0), curves.Roc[0]);
        Assert.Equal(new RocPoint(1, 1), curves.Roc[^1]);
        Assert.Equal(new PrecisionRecallPoint(0, 1), curves.PrecisionRecall[0]);
        Assert.Equal(1, curves.PrecisionRecall[^1].Recall);
        Assert.Equal(s.Labels.Average(), curves.PrecisionRecall[^1].Precision, 1e-15);
    }

    [Fact]
    public void Multiclass_samples_and_samples_without_one_class_have_no_curves()
    {
        Assert.Null(DiscriminationCurves.Of(RandomScored.Make(3, 100, 1)));
        Assert.Null(DiscriminationCurves.Of(RandomScored.Make(2, 100, 1, onlyClass: 1)));
        Assert.Null(DiscriminationCurves.Of(RandomScored.Make(2, 100, 1, onlyClass: 0)));
    }

    private static double Trapezoid(IReadOnlyList<RocPoint> roc)
    {
        double area = 0;
        for (int i = 1; i < roc.Count; i++) area += (roc[i].Fpr - roc[i - 1].Fpr) * (roc[i].Tpr + roc[i - 1].Tpr) / 2;
        return area;
    }

    private static void AssertThinnedSubsequence(List<(double X, double Y)> exact, List<(double X, double Y)> thinned, double tolerance)
    {
        Assert.InRange(thinned.Count, 2, DiscriminationCurves.DefaultMaxPoints);
        Assert.InRange(tolerance, DiscriminationCurves.SmallestTolerance, 0.05);
        Assert.Equal(exact[0], thinned[0]);
        Assert.Equal(exact[^1], thinned[^1]);
        int k = 0;
        (double X, double Y) lastKept = exact[0];
        foreach (var point in exact)
        {
            if (k < thinned.Count && point == thinned[k])
            {
                lastKept = point;
                k++;
            }
            else
                Assert.True(Math.Abs(point.X - lastKept.X) <= tolerance && Math.Abs(point.Y - lastKept.Y) <= tolerance,
                    $"dropped {point} is farther than {tolerance} from {lastKept}");
        }
        Assert.Equal(thinned.Count, k); // every thinned point was met, in order
    }

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {expected.Length} points expected, {actual.Length} computed");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }
}
