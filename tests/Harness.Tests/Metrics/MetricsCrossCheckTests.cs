using Harness.Core.Metrics;

namespace Harness.Tests.Metrics;

/// <summary>
/// The product's metrics against <see cref="NaiveMetrics"/> (a second implementation written from
/// the definitions) on seeded random data: several sizes, binary and 3-class, with probabilities
/// rounded to 2 decimals so that ties (and zeros) are common. Both work in double from the same
/// float32 inputs, so they agree to rounding error; the tolerance is 1e-12.
/// </summary>
public class MetricsCrossCheckTests
{
    private const double Tolerance = 1e-12;

    public static TheoryData<int, int, int, int?> Cases()
    {
        var data = new TheoryData<int, int, int, int?>();
        foreach (int classes in new[] { 2, 3 })
            foreach (int n in new[] { 1, 2, 5, 17, 100, 1000 })
                foreach (int seed in new[] { 1, 2, 3 })
                    data.Add(classes, n, seed * 1000 + n, 2);
        // Unrounded probabilities (few ties) and coarse ones (1 decimal: ties everywhere)
        foreach (int classes in new[] { 2, 3 })
        {
            data.Add(classes, 500, 77, null);
            data.Add(classes, 500, 78, 1);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Metrics_match_a_naive_implementation_on_random_data(int classes, int n, int seed, int? decimals)
    {
        // Given seeded random scored examples
        var s = RandomScored.Make(classes, n, seed, decimals);

        // When the product computes the metric set
        var metrics = ClassificationMetrics.Compute(s);

        // Then every metric equals the naive one
        AssertClose(NaiveMetrics.Accuracy(s), metrics[MetricKeys.Accuracy].Value, "accuracy");
        AssertClose(NaiveMetrics.Auroc(s), metrics[MetricKeys.Auroc].Value, "auroc");
        AssertClose(NaiveMetrics.Brier(s), metrics[MetricKeys.Brier].Value, "brier");
        AssertClose(NaiveMetrics.LogLoss(s), metrics[MetricKeys.LogLoss].Value, "log_loss");
        AssertClose(NaiveMetrics.Ece(s), metrics[MetricKeys.Ece].Value, "ece");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void One_vs_rest_aurocs_match_pair_counting_for_every_class(int classes, int n, int seed, int? decimals)
    {
        // Given seeded random scored examples
        var s = RandomScored.Make(classes, n, seed, decimals);

        // When / Then each class's one-vs-rest AUROC equals the O(n^2) pair count (null when undefined)
        for (int c = 0; c < classes; c++)
            AssertClose(NaiveMetrics.PairCountingAuroc(s, c), ClassificationMetrics.OneVsRestAuroc(s, c), $"auroc class {c}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reliability_bins_match_explicit_interval_tests(int classes, int n, int seed, int? decimals)
    {
        // Given seeded random scored examples
        var s = RandomScored.Make(classes, n, seed, decimals);

        // When the product bins top-label confidence and each class's probability
        var topLabel = ClassificationMetrics.TopLabelReliability(s);
        var naiveTop = NaiveMetrics.TopLabelBins(s);

        // Then counts agree exactly and means to the tolerance, bin by bin
        Assert.Equal(naiveTop.Select(b => b.Count), topLabel.Select(b => b.Count));
        Assert.Equal(n, topLabel.Sum(b => b.Count));
        for (int m = 0; m < 15; m++)
        {
            AssertClose(naiveTop[m].Confidence, topLabel[m].MeanPredicted, $"top-label bin {m} confidence");
            AssertClose(naiveTop[m].Accuracy, topLabel[m].ObservedFrequency, $"top-label bin {m} accuracy");
        }
        for (int c = 0; c < classes; c++)
        {
            var product = ClassificationMetrics.ClassReliability(s, c);
            var naive = NaiveMetrics.ClassBins(s, c);
            Assert.Equal(naive.Select(b => b.Count), product.Select(b => b.Count));
            for (int m = 0; m < 15; m++)
            {
                AssertClose(naive[m].Predicted, product[m].MeanPredicted, $"class {c} bin {m} predicted");
                AssertClose(naive[m].Observed, product[m].ObservedFrequency, $"class {c} bin {m} observed");
            }
        }
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 4)]
    [InlineData(2, 20)]
    [InlineData(3, 20)]
    [InlineData(3, 10)]
    public void Ece_matches_explicit_intervals_for_bin_counts_whose_edges_float32_holds(int classes, int bins)
    {
        // Given 2-decimal probabilities: with 2, 4 or 20 bins the edges 0.25, 0.5, 0.75 (and with 20 bins
        //   also 0.05 steps such as 0.25) are exact float32 values that occur in the data, so right- versus
        //   left-closed bins give different counts (with 15 bins only 0 and 1 are exact edges)
        var s = RandomScored.Make(classes, 2000, 31 + bins, 2);
        var naive = NaiveMetrics.TopLabelBins(s, bins);
        var onEdge = Enumerable.Range(0, s.Count)
            .Count(i => s.Probabilities[i * classes + NaiveMetrics.Argmax(s, i)] is 0.25f or 0.5f or 0.75f);
        Assert.True(onEdge > 0, "no confidences on a bin edge");

        // When the product bins with that count
        var product = ClassificationMetrics.TopLabelReliability(s, bins);

        // Then counts agree exactly and ECE to the tolerance
        Assert.Equal(naive.Select(b => b.Count), product.Select(b => b.Count));
        AssertClose(NaiveMetrics.Ece(s, bins), ClassificationMetrics.ExpectedCalibrationError(s, bins), $"ece with {bins} bins");
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    public void Auroc_is_null_on_random_data_with_a_single_class(int classes, int only)
    {
        // Given random probabilities where every label is one class
        var s = RandomScored.Make(classes, 50, 5, 2, onlyClass: only);

        // When / Then both implementations call AUROC undefined; the other metrics still agree
        Assert.Null(NaiveMetrics.Auroc(s));
        Assert.Null(ClassificationMetrics.AurocOf(s));
        AssertClose(NaiveMetrics.Brier(s), ClassificationMetrics.BrierOf(s), "brier");
        AssertClose(NaiveMetrics.Ece(s), ClassificationMetrics.ExpectedCalibrationError(s), "ece");
    }

    [Fact]
    public void Binary_metrics_follow_the_positive_class_when_it_is_index_0()
    {
        // Given random binary data scored with positive class 0, rows not normalized: for [1 - p, p] rows
        //   AUROC and Brier are the same whichever class is positive, so only unnormalized rows can
        //   show which column is read
        var s = RandomScored.Make(2, 300, 11, 2, positiveClass: 0, normalize: false);

        // When / Then the product agrees with the naive version, which scores column PositiveClass
        AssertClose(NaiveMetrics.PairCountingAuroc(s, 0), ClassificationMetrics.AurocOf(s), "auroc of class 0");
        AssertClose(NaiveMetrics.Brier(s), ClassificationMetrics.BrierOf(s), "brier");
        // and the choice matters on this data (else the test could not tell the columns apart)
        Assert.NotEqual(NaiveMetrics.PairCountingAuroc(s, 0)!.Value, NaiveMetrics.PairCountingAuroc(s, 1)!.Value, 6);
    }

    [Fact]
    public void Random_data_has_the_ties_the_cross_check_relies_on()
    {
        // Guard against a generator change that would quietly remove ties and zeros
        var s = RandomScored.Make(2, 1000, 2000 + 1000, 2);
        var positive = Enumerable.Range(0, s.Count).Select(i => s.Probabilities[i * 2 + 1]).ToArray();
        Assert.True(positive.Distinct().Count() < 120, "expected at most 101 distinct 2-decimal values");
        Assert.Contains(0f, s.Probabilities);
        Assert.Contains(1f, s.Probabilities);
        Assert.InRange(s.Labels.Count(l => l == 1), 200, 800);
    }

    private static void AssertClose(double? expected, double? actual, string what)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{what}: naive {expected?.ToString("R") ?? "null"}, product {actual?.ToString("R") ?? "null"}");
            return;
        }
        Assert.True(Math.Abs(expected.Value - actual.Value) <= Tolerance,
            $"{what}: naive {expected.Value:R}, product {actual.Value:R}, difference {Math.Abs(expected.Value - actual.Value):E3}");
    }
}
