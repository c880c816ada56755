using Harness.Core.Metrics;

namespace Harness.Tests.Metrics;

/// <summary>
/// Each metric on a small example worked by hand (the working is in the comments). Inputs are
/// chosen to be exact in float32 (multiples of 1/4, or decimals whose float32 value is tied only
/// to itself) so that the expected values are exact or a closed form.
/// </summary>
public class ClassificationMetricsTests
{
    private const double Exact = 1e-15;

    private static readonly string[] Binary = ["no_disease", "disease"];
    private static readonly string[] Three = ["a", "b", "c"];

    /// <summary>Binary examples from p(disease): rows [1 - p, p], positive class index 1.</summary>
    private static ScoredExamples FromPositive(float[] pDisease, int[] labels) =>
        new(Binary, 1, labels, pDisease.SelectMany(p => new[] { 1 - p, p }).ToArray());

    private static ScoredExamples Rows(string[] classes, int? positive, int[] labels, params float[][] rows) =>
        new(classes, positive, labels, rows.SelectMany(r => r).ToArray());

    // ---------------------------------------------------------------- accuracy

    [Fact]
    public void Accuracy_breaks_a_probability_tie_towards_the_lowest_class_index()
    {
        // Given binary rows tied at [0.5, 0.5] (predicted: class 0) and 3-class rows tied between two classes
        var binary = Rows(Binary, 1, [0, 1], [0.5f, 0.5f], [0.5f, 0.5f]);
        var three = Rows(Three, null, [1, 1, 2, 0],
            [0.4f, 0.4f, 0.2f],   // tie 0/1 -> 0, label 1: wrong
            [0.2f, 0.4f, 0.4f],   // tie 1/2 -> 1, label 1: right
            [0.3f, 0.3f, 0.4f],   // max 2,    label 2: right
            [0.3f, 0.3f, 0.3f]);  // tie 0/1/2 -> 0, label 0: right

        // When accuracy is computed
        // Then the tie goes to the lowest index: binary 1 of 2 right, 3-class 3 of 4 right
        Assert.Equal(0, binary.PredictedClass(0));
        Assert.Equal(0, three.PredictedClass(0));
        Assert.Equal(1, three.PredictedClass(1));
        Assert.Equal(0.5, ClassificationMetrics.AccuracyOf(binary), Exact);
        Assert.Equal(0.75, ClassificationMetrics.AccuracyOf(three), Exact);
    }

    [Fact]
    public void Accuracy_is_the_share_of_rows_whose_most_probable_class_is_the_label()
    {
        // Given p(disease) = 0.9, 0.2, 0.7, 0.4 with labels 1, 1, 0, 0
        //   predicted:  1 (right), 0 (wrong), 1 (wrong), 0 (right) -> 2 of 4
        var s = FromPositive([0.9f, 0.2f, 0.7f, 0.4f], [1, 1, 0, 0]);

        // When / Then
        Assert.Equal(0.5, ClassificationMetrics.AccuracyOf(s), Exact);
    }

    // ---------------------------------------------------------------- AUROC

    [Fact]
    public void Auroc_counts_tied_scores_as_half()
    {
        // Given positives scored 0.8, 0.6, 0.4 and negatives scored 0.6, 0.4, 0.2, 0.1
        var s = FromPositive([0.8f, 0.6f, 0.4f, 0.6f, 0.4f, 0.2f, 0.1f], [1, 1, 1, 0, 0, 0, 0]);

        // When AUROC is computed
        double? auroc = ClassificationMetrics.AurocOf(s);

        // Then it is the pair count over 3 x 4 = 12 (positive, negative) pairs:
        //   0.8 vs 0.6 0.4 0.2 0.1: 1 + 1 + 1 + 1 = 4
        //   0.6 vs 0.6 0.4 0.2 0.1: ½ + 1 + 1 + 1 = 3.5
        //   0.4 vs 0.6 0.4 0.2 0.1: 0 + ½ + 1 + 1 = 2.5
        //   (4 + 3.5 + 2.5) / 12 = 10/12
        Assert.NotNull(auroc);
        Assert.Equal(10.0 / 12, auroc.Value, 1e-15);
    }

    [Fact]
    public void Auroc_is_one_half_when_every_score_is_tied()
    {
        // Given 2 positives and 3 negatives all scored 0.3: every one of the 6 pairs counts ½
        var s = FromPositive([0.3f, 0.3f, 0.3f, 0.3f, 0.3f], [1, 0, 1, 0, 0]);

        // When / Then
        Assert.Equal(0.5, ClassificationMetrics.AurocOf(s)!.Value, Exact);
    }

    [Fact]
    public void Auroc_scores_the_positive_class_column_not_column_1()
    {
        // Given a binary problem whose positive class is index 0 ("disease", "healthy"), with rows that
        //   deliberately do not sum to 1 (for [1 - p, p] rows the AUROC is the same whichever class is
        //   positive, so only such rows show which column is read):
        //   disease rows [0.9, 0.5], [0.3, 0.2]; healthy rows [0.5, 0.6], [0.3, 0.1]
        //   column 0, positives = disease: 0.9 vs 0.5, 0.3 -> 1 + 1; 0.3 vs 0.5, 0.3 -> 0 + ½  => 2.5/4
        //   (column 1 with positives = healthy: 0.6 vs 0.5 0.2 -> 2, 0.1 vs 0.5 0.2 -> 0 => 2/4)
        var s = new ScoredExamples(["disease", "healthy"], 0, [0, 0, 1, 1],
            [0.9f, 0.5f, 0.3f, 0.2f, 0.5f, 0.6f, 0.3f, 0.1f]);

        // When / Then
        Assert.Equal(2.5 / 4, ClassificationMetrics.AurocOf(s)!.Value, Exact);
    }

    [Fact]
    public void Auroc_is_null_with_a_note_when_only_one_class_is_present()
    {
        // Given a binary site where every example is positive
        var s = FromPositive([0.9f, 0.2f, 0.6f], [1, 1, 1]);

        // When the metric set is computed
        var metrics = ClassificationMetrics.Compute(s);

        // Then AUROC is undefined (no negatives, no pairs), says why, and the other metrics are still defined
        Assert.Null(ClassificationMetrics.AurocOf(s));
        Assert.Null(metrics[MetricKeys.Auroc].Value);
        Assert.False(string.IsNullOrWhiteSpace(metrics[MetricKeys.Auroc].Note));
        Assert.Contains("undefined", metrics[MetricKeys.Auroc].Note);
        Assert.NotNull(metrics[MetricKeys.Brier].Value);
        Assert.Null(metrics[MetricKeys.Brier].Note);
    }

    [Fact]
    public void Auroc_has_no_note_when_it_is_defined()
    {
        // Given both classes present
        var s = FromPositive([0.9f, 0.2f], [1, 0]);

        // When / Then
        var auroc = ClassificationMetrics.Compute(s)[MetricKeys.Auroc];
        Assert.Equal(1.0, auroc.Value!.Value, Exact);
        Assert.Null(auroc.Note);
    }

    [Fact]
    public void Auroc_is_null_for_a_multiclass_site_with_one_class()
    {
        // Given a 3-class site where every label is class 2: class 2 has no negatives, 0 and 1 no positives
        var s = Rows(Three, null, [2, 2], [0.2f, 0.3f, 0.5f], [0.1f, 0.1f, 0.8f]);

        // When / Then
        Assert.Null(ClassificationMetrics.AurocOf(s));
        Assert.NotNull(ClassificationMetrics.Compute(s)[MetricKeys.Auroc].Note);
    }

    private static ScoredExamples SixRows(int[] labels) => Rows(Three, null, labels,
        [0.6f, 0.3f, 0.1f],
        [0.4f, 0.4f, 0.2f],
        [0.3f, 0.5f, 0.2f],
        [0.4f, 0.2f, 0.4f],
        [0.2f, 0.2f, 0.6f],
        [0.1f, 0.3f, 0.6f]);

    [Fact]
    public void Multiclass_auroc_is_the_unweighted_mean_of_one_vs_rest_aurocs()
    {
        // Given six rows with labels 0 0 1 1 2 2 (scores per class below)
        var s = SixRows([0, 0, 1, 1, 2, 2]);

        // When
        double? auroc = ClassificationMetrics.AurocOf(s);

        // Then, by pair counting (4 negatives per class, 2 x 4 = 8 pairs):
        //   class 0: positives 0.6, 0.4 vs negatives 0.3 0.4 0.2 0.1 -> 4 + (1 + ½ + 1 + 1) = 7.5 -> 7.5/8
        //   class 1: positives 0.5, 0.2 vs negatives 0.3 0.4 0.2 0.3 -> 4 + (0 + 0 + ½ + 0)  = 4.5 -> 4.5/8
        //   class 2: positives 0.6, 0.6 vs negatives 0.1 0.2 0.2 0.4 -> 8                   -> 1
        //   mean: (0.9375 + 0.5625 + 1) / 3 = 2.5/3
        Assert.Equal(7.5 / 8, ClassificationMetrics.OneVsRestAuroc(s, 0)!.Value, Exact);
        Assert.Equal(4.5 / 8, ClassificationMetrics.OneVsRestAuroc(s, 1)!.Value, Exact);
        Assert.Equal(1.0, ClassificationMetrics.OneVsRestAuroc(s, 2)!.Value, Exact);
        Assert.Equal(2.5 / 3, auroc!.Value, 1e-15);
    }

    [Fact]
    public void Multiclass_auroc_averages_only_the_classes_where_it_is_defined()
    {
        // Given the same six rows with labels 0 0 1 1 0 1: class 2 never occurs (no positives)
        var s = SixRows([0, 0, 1, 1, 0, 1]);

        // When
        double? auroc = ClassificationMetrics.AurocOf(s);

        // Then (3 positives x 3 negatives = 9 pairs per class):
        //   class 0: positives 0.6 0.4 0.2 vs negatives 0.3 0.4 0.1 -> 3 + (1 + ½ + 1) + (0 + 0 + 1) = 6.5
        //   class 1: positives 0.5 0.2 0.3 vs negatives 0.3 0.4 0.2 -> 3 + (0 + 0 + ½) + (½ + 0 + 1) = 5
        //   class 2: undefined, left out (not counted as 0 or ½)
        //   mean: (6.5/9 + 5/9) / 2 = 11.5/18
        Assert.Null(ClassificationMetrics.OneVsRestAuroc(s, 2));
        Assert.Equal(6.5 / 9, ClassificationMetrics.OneVsRestAuroc(s, 0)!.Value, Exact);
        Assert.Equal(5.0 / 9, ClassificationMetrics.OneVsRestAuroc(s, 1)!.Value, Exact);
        Assert.Equal(11.5 / 18, auroc!.Value, 1e-15);
    }

    // ---------------------------------------------------------------- Brier

    [Fact]
    public void Brier_is_the_mean_squared_error_of_the_positive_probability()
    {
        // Given p(disease) 0.75, 0.25, 0.5, 1 with labels 1, 1, 0, 0
        //   squared errors: 0.25² + 0.75² + 0.5² + 1² = 0.0625 + 0.5625 + 0.25 + 1 = 1.875; / 4 = 0.46875
        var s = FromPositive([0.75f, 0.25f, 0.5f, 1f], [1, 1, 0, 0]);

        // When / Then
        Assert.Equal(0.46875, ClassificationMetrics.BrierOf(s), Exact);
    }

    [Fact]
    public void Binary_brier_uses_the_positive_class_when_it_is_index_0()
    {
        // Given positive class 0 and rows that do not sum to 1 (so the two columns differ):
        //   [0.75, 0.5] label 0 (positive): (0.75 - 1)² = 0.0625
        //   [0.5, 0.25] label 1 (negative): (0.5 - 0)²  = 0.25      mean 0.3125 / 2 = 0.15625
        //   (reading column 1 as the positive class would give (0.25 + 0.5625) / 2 = 0.40625)
        var s = new ScoredExamples(["disease", "healthy"], 0, [0, 1], [0.75f, 0.5f, 0.5f, 0.25f]);

        // When / Then
        Assert.Equal(0.15625, ClassificationMetrics.BrierOf(s), Exact);
    }

    [Fact]
    public void Multiclass_brier_sums_the_squared_distance_to_the_one_hot_truth()
    {
        // Given [0.5, 0.25, 0.25] label 0 -> 0.25 + 0.0625 + 0.0625 = 0.375
        //   and [0.25, 0.5, 0.25] label 2 -> 0.0625 + 0.25 + 0.5625 = 0.875
        //   mean: 1.25 / 2 = 0.625 (Brier 1950: per example a sum over classes, not a mean)
        var s = Rows(Three, null, [0, 2], [0.5f, 0.25f, 0.25f], [0.25f, 0.5f, 0.25f]);

        // When / Then
        Assert.Equal(0.625, ClassificationMetrics.BrierOf(s), Exact);
    }

    // ---------------------------------------------------------------- log loss

    [Fact]
    public void Log_loss_is_the_mean_negative_log_probability_of_the_true_class()
    {
        // Given p_true = 0.75, 0.5 and 1
        //   (-ln 0.75 + -ln 0.5 + -ln 1) / 3 = (ln(4/3) + ln 2 + 0) / 3 = ln(8/3) / 3
        var s = Rows(Binary, 1, [1, 0, 1], [0.25f, 0.75f], [0.5f, 0.5f], [0f, 1f]);

        // When / Then
        Assert.Equal(Math.Log(8.0 / 3) / 3, ClassificationMetrics.LogLossOf(s), 1e-15);
    }

    [Fact]
    public void Log_loss_clips_a_zero_probability_of_the_true_class_to_1e_minus_15()
    {
        // Given one row with p_true = 0 and one with p_true = 0.5
        //   -ln(1e-15) = 15 ln 10 = 34.538776394910684; (34.538776394910684 + ln 2) / 2
        var s = Rows(Binary, 1, [1, 0], [1f, 0f], [0.5f, 0.5f]);

        // When
        double logLoss = ClassificationMetrics.LogLossOf(s);

        // Then it is finite and uses the clip
        Assert.True(double.IsFinite(logLoss));
        Assert.Equal((15 * Math.Log(10) + Math.Log(2)) / 2, logLoss, 1e-13);
        Assert.Equal((34.538776394910684 + 0.6931471805599453) / 2, logLoss, 1e-13);
    }

    [Fact]
    public void Log_loss_clips_a_tiny_positive_probability_too()
    {
        // Given p_true = 1e-30 (below the clip, representable in float32): counted as 1e-15
        var s = Rows(Binary, 1, [1], [1f, 1e-30f]);

        // When / Then
        Assert.Equal(15 * Math.Log(10), ClassificationMetrics.LogLossOf(s), 1e-13);
    }

    // ---------------------------------------------------------------- ECE and bins

    [Theory]
    [InlineData(0.0, 0)]             // 0 belongs to the first bin
    [InlineData(1e-12, 0)]
    [InlineData(1.0 / 15, 0)]        // on the edge: (0, 1/15] is closed on the right
    [InlineData(1.0 / 15 + 1e-12, 1)]
    [InlineData(2.0 / 15, 1)]        // (1/15, 2/15]
    [InlineData(2.0 / 15 + 1e-12, 2)]
    [InlineData(0.5, 7)]             // 0.5 = 7.5/15 -> (7/15, 8/15]
    [InlineData(14.0 / 15, 13)]
    [InlineData(1.0 - 1e-12, 14)]
    [InlineData(1.0, 14)]            // 1 is the right edge of the last bin
    public void Bin_of_a_probability_is_closed_on_the_right(double p, int expectedBin)
    {
        // Given / When / Then: bin m (0-based) is (m/15, (m+1)/15], checked against the explicit interval test
        Assert.Equal(expectedBin, ClassificationMetrics.BinOf(p, 15));
        Assert.True(NaiveMetrics.InBin(p, expectedBin + 1));
    }

    [Theory]
    [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(7)] [InlineData(8)] [InlineData(14)] [InlineData(15)]
    public void Every_bin_edge_m_over_15_falls_in_the_bin_it_closes(int m)
    {
        // Given the double nearest to m/15 (an edge) / When binned / Then it is in bin m-1 (0-based), not m
        Assert.Equal(m - 1, ClassificationMetrics.BinOf(m / 15.0, 15));
    }

    [Fact]
    public void Float32_probabilities_near_an_edge_are_binned_by_their_exact_value()
    {
        // Given float32 1/15 = 0.0666666701436042785..., float32 2/15 = 0.1333333402872085571... and
        //   float32 0.2 = 0.2000000029802322388...: each lies just ABOVE the edge m/15 it approximates
        //   (exact decimal expansions), so each belongs to the bin that edge opens, not the one it closes.
        //   Confidences 0 and 1 are exact and go to the first and last bins.
        float[] pDisease = [(float)(1.0 / 15), (float)(2.0 / 15), 0.2f, 0f, 1f];
        var s = FromPositive(pDisease, [1, 0, 1, 0, 1]);

        // When the positive-class reliability bins are computed
        var bins = ClassificationMetrics.ClassReliability(s, 1);

        // Then the counts are 1/15 -> bin 1, 2/15 -> bin 2, 0.2 = 3/15 -> bin 3, 0 -> bin 0, 1 -> bin 14
        int[] expectedCounts = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        Assert.Equal(expectedCounts, bins.Select(b => b.Count).ToArray());
        Assert.Equal(0.0, bins[0].MeanPredicted!.Value, Exact);
        Assert.Equal(0.0, bins[0].ObservedFrequency!.Value, Exact);
        Assert.Equal(1.0, bins[14].MeanPredicted!.Value, Exact);
        Assert.Equal(1.0, bins[14].ObservedFrequency!.Value, Exact);
        Assert.Equal(0.2000000029802322388, bins[3].MeanPredicted!.Value, 1e-16);
        Assert.Null(bins[4].MeanPredicted);
        Assert.Null(bins[4].ObservedFrequency);
    }

    [Fact]
    public void Reliability_bins_cover_0_to_1_in_equal_widths()
    {
        // Given any examples
        var bins = ClassificationMetrics.TopLabelReliability(FromPositive([0.5f], [1]));

        // Then there are 15 bins with edges m/15
        Assert.Equal(15, bins.Count);
        for (int m = 0; m < 15; m++)
        {
            Assert.Equal(m / 15.0, bins[m].Lower, Exact);
            Assert.Equal((m + 1) / 15.0, bins[m].Upper, Exact);
        }
    }

    [Fact]
    public void Ece_puts_confidences_on_a_bin_edge_into_the_bin_they_close()
    {
        // Given 4 bins (edges 0.25, 0.5, 0.75, 1: exact in float32) and top-label confidences on the edges:
        //   [0.5, 0.5]   label 0: predicted 0 (tie), conf 0.5  -> bin (0.25, 0.5],  right
        //   [0.25, 0.75] label 1: predicted 1,       conf 0.75 -> bin (0.5, 0.75],  right
        //   [0.25, 0.75] label 0: predicted 1,       conf 0.75 -> bin (0.5, 0.75],  wrong
        //   [0, 1]       label 1: predicted 1,       conf 1    -> bin (0.75, 1],    right
        var s = Rows(Binary, 1, [0, 1, 0, 1], [0.5f, 0.5f], [0.25f, 0.75f], [0.25f, 0.75f], [0f, 1f]);

        // When
        var bins = ClassificationMetrics.TopLabelReliability(s, 4);
        double ece = ClassificationMetrics.ExpectedCalibrationError(s, 4);

        // Then counts are [0, 1, 2, 1] (left-closed bins would give [0, 0, 1, 3]) and
        //   ECE = 1/4 |1 - 0.5| + 2/4 |0.5 - 0.75| + 1/4 |1 - 1| = 0.125 + 0.125 + 0 = 0.25
        Assert.Equal(new[] { 0, 1, 2, 1 }, bins.Select(b => b.Count).ToArray());
        Assert.Equal(0.25, ece, Exact);
    }

    [Fact]
    public void Ece_weights_each_bin_by_its_share_of_examples()
    {
        // Given 15 bins and
        //   [0, 1]       label 1: conf 1    -> bin 14, right
        //   [0, 1]       label 0: conf 1    -> bin 14, wrong
        //   [0.5, 0.5]   label 1: conf 0.5  -> bin 7 (0.5 = 7.5/15), predicted 0 (tie), wrong
        //   [0.75, 0.25] label 0: conf 0.75 -> bin 11 (0.75 = 11.25/15), right
        var s = Rows(Binary, 1, [1, 0, 1, 0], [0f, 1f], [0f, 1f], [0.5f, 0.5f], [0.75f, 0.25f]);

        // When
        double ece = ClassificationMetrics.ExpectedCalibrationError(s);

        // Then ECE = 2/4 |0.5 - 1| + 1/4 |0 - 0.5| + 1/4 |1 - 0.75| = 0.25 + 0.125 + 0.0625 = 0.4375
        Assert.Equal(0.4375, ece, Exact);
        Assert.Equal(0.4375, ClassificationMetrics.Compute(s)[MetricKeys.Ece].Value!.Value, Exact);
    }

    [Fact]
    public void Ece_puts_a_zero_top_label_confidence_in_the_first_bin()
    {
        // Given a row whose probabilities are all 0 (top label: class 0, confidence 0) with label 0 (right)
        //   and a row [0, 0, 1] with label 2 (conf 1, right)
        var s = Rows(Three, null, [0, 2], [0f, 0f, 0f], [0f, 0f, 1f]);

        // When
        var bins = ClassificationMetrics.TopLabelReliability(s);

        // Then bin 0 holds the zero (accuracy 1, confidence 0) and ECE = 1/2 |1 - 0| + 1/2 |1 - 1| = 0.5
        Assert.Equal(1, bins[0].Count);
        Assert.Equal(1, bins[14].Count);
        Assert.Equal(0.5, ClassificationMetrics.ExpectedCalibrationError(s), Exact);
    }

    [Fact]
    public void Ece_is_zero_for_perfectly_calibrated_bins()
    {
        // Given conf 0.75 in four rows, three right and one wrong: accuracy 0.75 = confidence
        var s = Rows(Binary, 1, [1, 1, 1, 0], [0.25f, 0.75f], [0.25f, 0.75f], [0.25f, 0.75f], [0.25f, 0.75f]);

        // When / Then
        Assert.Equal(0.0, ClassificationMetrics.ExpectedCalibrationError(s), Exact);
    }

    // ---------------------------------------------------------------- the set

    [Fact]
    public void Compute_reports_the_catalog_metrics_in_catalog_order()
    {
        // Given a binary set worked above (Brier example)
        var s = FromPositive([0.75f, 0.25f, 0.5f, 1f], [1, 1, 0, 0]);

        // When
        var metrics = ClassificationMetrics.Compute(s);

        // Then the names come in the documented order and the values are the per-metric functions'
        Assert.Equal(MetricCatalog.For(binary: true).Select(m => m.Key).ToArray(), metrics.Names.ToArray());
        Assert.Equal(0.46875, metrics["brier"].Value!.Value, Exact);
        // accuracy: predicted 1, 0, 0 (tie 0.5 -> 0), 1 with labels 1, 1, 0, 0 -> 2/4
        Assert.Equal(0.5, metrics["accuracy"].Value!.Value, Exact);
        // auroc: positives 0.75, 0.25 vs negatives 0.5, 1 -> (1 + 0) + (0 + 0) = 1 of 4 pairs
        Assert.Equal(0.25, metrics["auroc"].Value!.Value, Exact);
    }

    [Fact]
    public void Compute_refuses_an_empty_set()
    {
        // Given no examples / When / Then
        var s = new ScoredExamples(Binary, 1, [], []);
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(s));
    }
}
